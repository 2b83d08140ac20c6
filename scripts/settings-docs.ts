import { readFileSync, writeFileSync } from 'node:fs';
import { SETTINGS } from '../src/settings.js';

/**
 * Writes the settings' documentation from their one declaration (src/settings.ts SETTINGS):
 * .env.example whole, and the table between the settings markers of README.md.
 * `npm run settings:docs`; tests/config/config.test.ts fails when either is out of date.
 */

type Declared = {
  help: string;
  default?: unknown;
  example?: string;
  production?: 'required';
};
const settings = Object.entries(SETTINGS) as [string, Declared][];

function defaultText(setting: Declared): string | undefined {
  const value = setting.default;
  if (value === undefined) return undefined;
  if (Array.isArray(value)) return value.length ? value.join(',') : '';
  return String(value);
}

/** A plain value can stand after `NAME=`; a default described in words is said in a comment. */
function isPlainValue(setting: Declared): boolean {
  return typeof setting.default !== 'string' || !/\s/.test(setting.default);
}

export function renderEnvExample(): string {
  const lines = [
    '# PageShare API settings, written by `npm run settings:docs` from src/settings.ts: edit there.',
    '# Copy to .env (read by npm start and the npm scripts; variables already set in the',
    '# environment win), or set them in your platform (Vercel: Project Settings -> Environment',
    '# Variables). Every variable is optional in development; NODE_ENV=production requires the',
    '# ones marked so.',
  ];
  for (const [name, setting] of settings) {
    lines.push('', `# ${setting.help}.`);
    if (setting.production === 'required') lines.push('# Required when NODE_ENV=production.');
    const fallback = defaultText(setting);
    if (fallback !== undefined && !isPlainValue(setting)) lines.push(`# Default: ${fallback}.`);
    const value = setting.example ?? (isPlainValue(setting) ? (fallback ?? '') : '');
    lines.push(`# ${name}=${value}`);
  }
  return `${lines.join('\n')}\n`;
}

const cell = (text: string) => text.replace(/\|/g, '\\|');

export function renderSettingsTable(): string {
  const rows = settings.map(([name, setting]) => {
    const fallback = defaultText(setting);
    const shown =
      fallback === undefined
        ? 'unset'
        : fallback === ''
          ? 'empty'
          : isPlainValue(setting)
            ? `\`${fallback}\``
            : fallback;
    const required = setting.production === 'required' ? ' Required in production.' : '';
    return `| \`${name}\` | ${cell(setting.help)}.${required} | ${cell(shown)} |`;
  });
  return ['| variable | meaning | default |', '| --- | --- | --- |', ...rows].join('\n');
}

export const README_START =
  '<!-- settings: written by npm run settings:docs from src/settings.ts -->';
export const README_END = '<!-- /settings -->';

export function renderReadme(readme: string): string {
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END);
  if (start < 0 || end < start) throw new Error('README.md has no settings markers');
  return `${readme.slice(0, start + README_START.length)}\n${renderSettingsTable()}\n${readme.slice(end)}`;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync('.env.example', renderEnvExample());
  writeFileSync('README.md', renderReadme(readFileSync('README.md', 'utf8')));
  console.log('wrote .env.example and the settings table of README.md');
}
