import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compare, errorCodes, script, shellBlocks } from '../../scripts/walkthrough.js';

/**
 * `npm run walkthrough` (run by .ci/run) runs docs/walkthrough.md against a started server;
 * these tests hold how it reads the document.
 */
describe('the walkthrough runner', () => {
  const doc = [
    '# t',
    '<!-- walkthrough: skip -->',
    '```sh',
    'npm start',
    '```',
    'text',
    '```sh',
    'X=1',
    'curl -s $API/x',
    '```',
    '',
    '```text',
    '{"error":{"code":"not_found"}}',
    '```',
    '```json',
    '{"a":1}',
    '```',
    '```sh',
    'echo $X',
    '```',
  ].join('\n');

  it('takes the sh blocks in order, each with the output block after it', () => {
    const blocks = shellBlocks(doc);
    expect(blocks).toEqual([
      { line: 3, code: 'npm start', skip: true },
      {
        line: 7,
        code: 'X=1\ncurl -s $API/x',
        skip: false,
        expected: '{"error":{"code":"not_found"}}',
      },
      { line: 18, code: 'echo $X', skip: false },
    ]);
    const bash = script(blocks);
    expect(bash.startsWith('set -euo pipefail\n')).toBe(true);
    expect(bash).not.toContain('npm start');
    expect(bash.indexOf('X=1')).toBeLessThan(bash.indexOf('echo $X'));
  });

  it('holds the run to the error codes the document shows', () => {
    expect(errorCodes('{"code":"a_b"} {"code": "c"}')).toEqual(['a_b', 'c']);
    const expected = '{"error":{"code":"already_onboarded"}}\n{"error":{"code":"username_taken"}}';
    expect(compare(expected, expected)).toEqual([]);
    expect(compare(expected, '{"error":{"code":"already_onboarded"}}')).toHaveLength(1);
    expect(
      compare(expected, '{"error":{"code":"username_taken"}}{"code":"already_onboarded"}'),
    ).toHaveLength(1);
    expect(compare('{"id":1}', '{"error":{"code":"unauthorized"}}')).toHaveLength(1);
    expect(compare(undefined, 'anything')).toEqual([]);
  });

  it('finds the blocks of docs/walkthrough.md, only the server start skipped', () => {
    const blocks = shellBlocks(readFileSync('docs/walkthrough.md', 'utf8'));
    expect(blocks.length).toBeGreaterThan(10);
    expect(blocks.filter((b) => b.skip).map((b) => b.code)).toEqual([
      'PGLITE_DATA_DIR=memory:// npm start',
    ]);
    // the variables a reader pastes are all set in the document itself
    const all = blocks.map((b) => b.code).join('\n');
    for (const name of ['ADA_AUTH', 'BEN_AUTH', 'POST_ID', 'POLL_ID', 'BEATS', 'J']) {
      expect(all).toMatch(new RegExp(`^${name}=`, 'm'));
    }
  });
});
