import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTestApp } from '../helpers/app.js';
import { TEST_JWT_SECRET } from '../helpers/env.js';

const dataDir = mkdtempSync(path.join(tmpdir(), 'pageshare-token-'));

/** npm run token: the development token script, as a person at a terminal runs it. */
function token(...args: string[]) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/token.ts', ...args], {
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'development',
      DATA_DIR: dataDir,
      SUPABASE_JWT_SECRET: TEST_JWT_SECRET,
    },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { status: result.status, stdout: result.stdout.trim(), stderr: result.stderr.trim() };
}

describe('npm run token', () => {
  const t = useTestApp();

  it('explains each option in --help', () => {
    const help = token('--help');
    expect(help.status).toBe(0);
    for (const option of ['--user <uuid>', '--admin', '--hours <n>', '--expired']) {
      expect(help.stdout).toMatch(new RegExp(`^  ${option.replace(/[<>]/g, '.')}\\s+\\w`, 'm'));
    }
  });

  it('refuses bad options with one line and the usage, never a stack trace', () => {
    for (const [args, first] of [
      [
        ['--hours', '-1'],
        '--hours must be a number of hours, more than 0 and at most 8760 (got "-1")',
      ],
      [
        ['--hours', '0'],
        '--hours must be a number of hours, more than 0 and at most 8760 (got "0")',
      ],
      [
        ['--hours', 'soon'],
        '--hours must be a number of hours, more than 0 and at most 8760 (got "soon")',
      ],
      [['--user', 'ada'], '--user must be a UUID (got "ada")'],
      [['--colour'], "Unknown option '--colour'"],
    ] as const) {
      const result = token(...args);
      expect(result.status).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr.split('\n')[0]).toBe(first);
      expect(result.stderr).toContain('usage: npm run token');
      expect(result.stderr).not.toMatch(/\n\s+at /);
    }
  }, 120_000);

  it('signs tokens the API takes, and expired ones it refuses as expired', async () => {
    const userId = '6f1c0a1e-0000-4000-8000-0000000000d1';
    const valid = token('--user', userId, '--hours', '2');
    expect(valid.status).toBe(0);
    const ok = await t.request({ method: 'POST', url: '/auth/verify', token: valid.stdout });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ valid: true, user_id: userId });

    const expired = token('--user', userId, '--expired');
    expect(expired.status).toBe(0);
    const refused = await t.request({ method: 'POST', url: '/auth/verify', token: expired.stdout });
    expect(refused.statusCode).toBe(401);
    expect(refused.json().error.message).toBe('the access token has expired');
  }, 60_000);
});
