import { createRequire } from 'node:module';
import path from 'node:path';
import { cruise, type ICruiseResult } from 'dependency-cruiser';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const ruleSet = require('../../.dependency-cruiser.cjs');

/** The rules of `npm run lint`, over `src/` of the given folder; the names of what broke them. */
async function violations(root: string): Promise<string[]> {
  const cwd = process.cwd();
  process.chdir(root);
  try {
    const { output } = await cruise(['src'], {
      ruleSet,
      validate: true,
      tsPreCompilationDeps: true,
      doNotFollow: { path: 'node_modules' },
    });
    const result = output as ICruiseResult;
    return result.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`).sort();
  } finally {
    process.chdir(cwd);
  }
}

describe('the structure rules of npm run lint', () => {
  it('refuse a circle, a module importing a module, a plugin importing a feature, lib importing above', async () => {
    const found = await violations(path.join(import.meta.dirname, 'fixture'));
    expect(found).toEqual(
      expect.arrayContaining([
        'module-imports-module: src/modules/alpha/alpha.service.ts → src/modules/beta/beta.service.ts',
        'module-imports-module: src/modules/beta/beta.service.ts → src/modules/alpha/alpha.service.ts',
        'plugin-imports-feature: src/plugins/auth.ts → src/modules/alpha/alpha.service.ts',
        'lib-imports-above: src/lib/helper.ts → src/core/shared.ts',
      ]),
    );
    expect(found.filter((v) => v.startsWith('no-circular:'))).not.toEqual([]);
  });

  it('hold for the service itself', async () => {
    expect(await violations(process.cwd())).toEqual([]);
  });
});
