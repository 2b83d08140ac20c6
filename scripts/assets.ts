import { cpSync, readdirSync } from 'node:fs';
import path from 'node:path';

/**
 * Copies every `assets/` folder under `src` (the admin dashboard's and the live page's files,
 * read from beside their routes at start) to the same place under `out`. The TypeScript
 * compilers emit only .js: a compiled server without these stops at start.
 */
export function copyAssets(src: string, out: string): void {
  const folders = readdirSync(src, { recursive: true, encoding: 'utf8' }).filter(
    (file) => path.basename(file) === 'assets',
  );
  for (const folder of folders) {
    cpSync(path.join(src, folder), path.join(out, folder), { recursive: true });
  }
}
