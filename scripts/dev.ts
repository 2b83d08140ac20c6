import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, rmSync, watch } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { copyAssets } from './assets.js';

/**
 * npm run dev: the API, started again after every change under src/.
 *
 * Why not `node --import tsx --watch`: tsx's loader hooks run for every module the process
 * loads, node_modules included (kysely and typebox are about 1,300 files), which made each
 * restart pay 2-3 s more than the code needs. Here esbuild turns src/ into JavaScript once
 * (again after a change: only the changed files, ~50 ms), and plain `node` runs that, with
 * source maps so stack traces name the .ts files. A change that does not compile is reported
 * and the running server is left as it was.
 *
 * The output sits in node_modules/.cache/pageshare-dev/ beside a copy of package.json (its
 * "type": "module", and src/version.ts reads it) and of every assets/ folder (read at start).
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const src = path.join(root, 'src');
const out = path.join(root, 'node_modules', '.cache', 'pageshare-dev');

/** Every file under src/, relative to it. */
const files = () => readdirSync(src, { recursive: true, encoding: 'utf8' });
const sources = () => files().filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'));

function copyStatic() {
  cpSync(path.join(root, 'package.json'), path.join(out, 'package.json'));
  copyAssets(src, path.join(out, 'src'));
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

let entries = '';
let context: esbuild.BuildContext | undefined;

/** Compiles src/ (again); false when it does not compile (esbuild has said why). */
async function build(): Promise<boolean> {
  try {
    // a file added or removed: a new context (esbuild's entry points are fixed)
    const list = sources();
    if (list.join('\n') !== entries) {
      await context?.dispose();
      entries = list.join('\n');
      context = await esbuild.context({
        entryPoints: list.map((file) => path.join(src, file)),
        outdir: path.join(out, 'src'),
        outbase: src,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        sourcemap: 'inline',
        logLevel: 'error',
      });
    }
    await context!.rebuild();
    copyStatic();
    return true;
  } catch {
    return false;
  }
}

let server: ChildProcess | null = null;

function start() {
  server = spawn(
    process.execPath,
    ['--enable-source-maps', path.join(out, 'src', 'server.js'), ...process.argv.slice(2)],
    { cwd: root, stdio: 'inherit' },
  );
  const started = server;
  started.on('exit', (code, signal) => {
    if (server === started && !stopping) {
      console.error(
        `the server stopped (${signal ?? `exit code ${code}`}); save a file to start it again`,
      );
      server = null;
    }
  });
}

let stopping = false;
/** SIGTERM, then wait: the server drains and releases the embedded database's folder. */
function stop(): Promise<void> {
  const running = server;
  if (!running || running.exitCode !== null || running.signalCode !== null)
    return Promise.resolve();
  stopping = true;
  return new Promise((resolve) => {
    running.once('exit', () => {
      stopping = false;
      resolve();
    });
    running.kill('SIGTERM');
  });
}

let timer: NodeJS.Timeout | undefined;
let queue = Promise.resolve();
function changed(file: string | null) {
  clearTimeout(timer);
  // editors write a file in several steps: one restart for the lot
  timer = setTimeout(() => {
    queue = queue.then(async () => {
      const began = Date.now();
      if (!(await build())) {
        console.error(
          'not restarted: the change does not compile (the server runs the last build)',
        );
        return;
      }
      console.log(`${file ?? 'a file'} changed: restarting (built in ${Date.now() - began} ms)`);
      await stop();
      start();
    });
  }, 50);
}

if (!(await build())) process.exit(1);
start();
watch(src, { recursive: true }, (_event, file) => changed(file));
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, async () => {
    await stop();
    await context?.dispose();
    process.exit(0);
  });
}
