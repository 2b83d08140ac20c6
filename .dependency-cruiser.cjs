/**
 * The direction of imports in src/ (docs/architecture.md "Parts and arrows"), held by
 * `npm run lint`. Each rule names what a part must not import; type-only imports count.
 *
 *   server.ts → app.ts → modules/<feature> → core → db → lib
 *                      ↘ plugins → storage ↗        ↘ config
 *   jobs → modules, core        app-type.ts: the App type (config, db)
 *
 * tests/structure/structure.test.ts runs these rules over a small tree that breaks them.
 */
const above = (...allowed) => `^src/(?!${allowed.join('|')})`;

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'Files that import each other in a loop: one of them must give way.',
      severity: 'error',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'module-imports-module',
      comment:
        'A feature module uses core/ for what features share; it never imports another module.',
      severity: 'error',
      from: { path: '^src/modules/([^/]+)/' },
      to: { path: '^src/modules/', pathNot: '^src/modules/$1/' },
    },
    {
      name: 'plugin-imports-feature',
      comment:
        'Plugins are cross-cutting: what one needs from a feature is handed to it in app.ts.',
      severity: 'error',
      from: { path: '^src/plugins/' },
      to: {
        path: above(
          'plugins/',
          'storage/',
          'db/',
          'lib/',
          'config\\.ts$',
          'settings\\.ts$',
          'version\\.ts$',
        ),
      },
    },
    {
      name: 'lib-imports-above',
      comment: 'lib/ holds helpers that know nothing of the service: it imports only lib/.',
      severity: 'error',
      from: { path: '^src/lib/' },
      to: { path: above('lib/') },
    },
    {
      name: 'config-imports-above',
      comment: 'The settings are read before anything else exists.',
      severity: 'error',
      from: { path: '^src/config\\.ts$' },
      to: { path: above('lib/', 'settings\\.ts$') },
    },
    {
      name: 'settings-imports-above',
      comment: 'The settings are declarations: they import nothing of the service.',
      severity: 'error',
      from: { path: '^src/settings\\.ts$' },
      to: { path: '^src/' },
    },
    {
      name: 'db-imports-above',
      comment: 'The database layer knows nothing of HTTP, features or storage.',
      severity: 'error',
      from: { path: '^src/db/' },
      to: { path: above('db/', 'lib/', 'config\\.ts$', 'settings\\.ts$') },
    },
    {
      name: 'storage-imports-above',
      comment: 'File storage sits on lib/, db/ and the settings only.',
      severity: 'error',
      from: { path: '^src/storage/' },
      to: { path: above('storage/', 'db/', 'lib/', 'config\\.ts$', 'settings\\.ts$') },
    },
    {
      name: 'core-imports-above',
      comment: 'The shared read model imports no feature, plugin or HTTP piece.',
      severity: 'error',
      from: { path: '^src/core/' },
      to: { path: above('core/', 'db/', 'lib/') },
    },
    {
      name: 'app-type-imports-above',
      comment: 'The App type stands where nothing circles through it.',
      severity: 'error',
      from: { path: '^src/app-type\\.ts$' },
      to: { path: above('db/', 'config\\.ts$', 'settings\\.ts$') },
    },
    {
      name: 'feature-imports-assembly',
      comment:
        'Modules and jobs never import the files that assemble and start the service, and modules do not start jobs.',
      severity: 'error',
      from: { path: '^src/(modules|jobs)/' },
      to: { path: '^src/(app|server)\\.ts$' },
    },
    {
      name: 'module-imports-job',
      comment: 'Jobs call features, not the other way round.',
      severity: 'error',
      from: { path: '^src/modules/' },
      to: { path: '^src/jobs/' },
    },
    {
      name: 'nothing-imports-server',
      comment: 'server.ts is the process: nothing imports it.',
      severity: 'error',
      from: {},
      to: { path: '^src/server\\.ts$' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist)' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
