import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { copyAssets } from './assets.js';

/**
 * npm run build: src/ compiled by tsc (tsconfig.build.json) into dist/, with the assets/
 * folders beside their routes, for hosts that run plain node (`node dist/server.js`, from the
 * project folder: the server reads ../package.json and resolves node_modules from there).
 * `--out-dir` builds elsewhere (the test builds into node_modules/.cache).
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { 'out-dir': { type: 'string', default: 'dist' } } });
const out = path.resolve(root, values['out-dir']);

rmSync(out, { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', out], {
  cwd: root,
  stdio: 'inherit',
});
copyAssets(path.join(root, 'src'), out);
console.log(`built ${path.relative(root, out) || '.'}/server.js`);
