import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

/**
 * npm run walkthrough [-- --print] [-- --keep-going]
 *
 * Runs docs/walkthrough.md: starts the API on a fresh embedded database (in memory, with a
 * data folder of its own, on a free port), then runs every ```sh block of the document, in
 * order, in one bash with `set -euo pipefail` (an undefined variable or a failing command stops
 * it). When a ```text block follows a ```sh block, the error codes it shows
 * (`"code":"username_taken"`) must come back in that order. `--print` prints what each block
 * answered (to refresh the document). The document is the only source: nothing here knows
 * its steps.
 */

export interface Block {
  /** 1-based line of the opening fence */
  line: number;
  code: string;
  /** the ```text (or unlabelled) block right after it, if any */
  expected?: string;
  skip: boolean;
}

const SKIP = /<!--\s*walkthrough:\s*skip\b/;

/** The ```sh blocks of a Markdown document, each with the output block that follows it. */
export function shellBlocks(markdown: string): Block[] {
  const lines = markdown.split('\n');
  const blocks: Block[] = [];
  let last: Block | undefined;
  for (let i = 0; i < lines.length; i++) {
    const fence = /^```(\S*)/.exec(lines[i] ?? '');
    if (!fence) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i] ?? ''); i++) body.push(lines[i] ?? '');
    const lang = fence[1] ?? '';
    if (lang === 'sh' || lang === 'bash') {
      // the comment may sit on the line before the fence or one blank line above it
      const before = lines.slice(Math.max(0, start - 2), start).join('\n');
      last = { line: start + 1, code: body.join('\n'), skip: SKIP.test(before) };
      blocks.push(last);
    } else if (last && last.expected === undefined && (lang === 'text' || lang === '')) {
      last.expected = body.join('\n');
    } else {
      last = undefined;
    }
  }
  return blocks;
}

/** The error codes an expected output shows, in order. */
export function errorCodes(text: string): string[] {
  return [...text.matchAll(/"code":\s*"([a-z_]+)"/g)].map((m) => m[1] ?? '');
}

/** What is wrong with an answer against the codes the document shows ([] if nothing). */
export function compare(expected: string | undefined, actual: string): string[] {
  if (expected === undefined) return [];
  const want = errorCodes(expected);
  const got = errorCodes(actual);
  let at = 0;
  const problems: string[] = [];
  for (const code of want) {
    const found = got.indexOf(code, at);
    if (found < 0) problems.push(`the document shows error "${code}"; the run did not answer it`);
    else at = found + 1;
  }
  if (!want.length && got.length) {
    problems.push(`the document shows no error; the run answered ${got.join(', ')}`);
  }
  return problems;
}

const MARK = '@@walkthrough-block@@';

/** One bash script running the blocks in order, printing a mark before each. */
export function script(blocks: Block[]): string {
  const parts = ['set -euo pipefail'];
  blocks.forEach((block, index) => {
    if (block.skip) return;
    parts.push(`printf '\\n${MARK} %s\\n' ${index}`, block.code);
  });
  parts.push(`printf '\\n${MARK} end\\n'`);
  return `${parts.join('\n')}\n`;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function waitForHealth(api: string, server: ReturnType<typeof spawn>, log: () => string) {
  for (let i = 0; i < 240; i++) {
    if (server.exitCode !== null) throw new Error(`the server stopped:\n${log()}`);
    try {
      const res = await fetch(`${api}/health`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`the server did not answer /health in 120 s:\n${log()}`);
}

async function main() {
  const { values } = parseArgs({
    options: {
      print: { type: 'boolean', default: false },
      file: { type: 'string', default: 'docs/walkthrough.md' },
    },
  });
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
  const file = path.resolve(root, values.file);
  const blocks = shellBlocks(readFileSync(file, 'utf8'));
  const work = mkdtempSync(path.join(tmpdir(), 'pageshare-walkthrough-'));
  const port = await freePort();
  const api = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'development',
    DATA_DIR: work,
    PGLITE_DATA_DIR: 'memory://',
    PORT: String(port),
    HOST: '127.0.0.1',
    PUBLIC_BASE_URL: api,
    SCHEDULER_ENABLED: 'false',
    API: api,
  };
  for (const name of ['DATABASE_URL', 'SUPABASE_URL', 'SUPABASE_JWT_SECRET', 'IP_HASH_SECRET']) {
    delete env[name];
  }

  let serverLog = '';
  const server = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  server.stdout.on('data', (d) => {
    serverLog += d;
  });
  server.stderr.on('data', (d) => {
    serverLog += d;
  });
  const stop = () => {
    if (server.exitCode === null) server.kill('SIGTERM');
  };
  process.on('exit', stop);

  let failed = false;
  try {
    const started = Date.now();
    await waitForHealth(api, server, () => serverLog);
    console.log(`walkthrough: server up on ${api} in ${Date.now() - started} ms`);
    const scriptFile = path.join(work, 'walkthrough.sh');
    writeFileSync(scriptFile, script(blocks));
    const bash = spawn('bash', [scriptFile], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    bash.stdout.on('data', (d) => {
      output += d;
    });
    bash.stderr.on('data', (d) => {
      output += d;
    });
    const code: number = await new Promise((resolve) => bash.on('close', (c) => resolve(c ?? 1)));

    // split the output at the marks: the part after mark i is what block i printed
    const answers = new Map<string, string>();
    let current: string | undefined;
    for (const line of output.split('\n')) {
      const mark = line.startsWith(MARK) ? line.slice(MARK.length + 1) : undefined;
      if (mark !== undefined) {
        current = mark;
        answers.set(mark, '');
      } else if (current !== undefined) {
        answers.set(current, `${answers.get(current)}${line}\n`);
      }
    }
    let ran = 0;
    blocks.forEach((block, index) => {
      const answer = answers.get(String(index));
      if (block.skip || answer === undefined) return;
      ran++;
      const where = `${values.file}:${block.line}`;
      if (values.print) console.log(`\n--- ${where}\n${block.code}\n--- answered:\n${answer}`);
      for (const problem of compare(block.expected, answer)) {
        failed = true;
        console.error(`${where}: ${problem}\n${answer}`);
      }
    });
    if (code !== 0) {
      failed = true;
      const last = [...answers.keys()].filter((k) => k !== 'end').pop();
      const block = last === undefined ? undefined : blocks[Number(last)];
      console.error(
        `walkthrough: the block at ${values.file}:${block?.line ?? '?'} failed (exit ${code}):\n` +
          `${block?.code ?? ''}\n--- it printed:\n${last === undefined ? output : answers.get(last)}`,
      );
    }
    const skipped = blocks.filter((b) => b.skip).length;
    console.log(
      `walkthrough: ${ran} of ${blocks.length} blocks ran (${skipped} marked skip)` +
        `${failed ? ', with failures' : ', all as documented'}`,
    );
  } catch (error) {
    failed = true;
    console.error(error instanceof Error ? error.message : error);
  } finally {
    stop();
    await new Promise((r) => (server.exitCode === null ? server.on('exit', r) : r(null)));
    rmSync(work, { recursive: true, force: true });
  }
  process.exit(failed ? 1 : 0);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await main();
