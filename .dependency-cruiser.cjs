/**
 * Module boundaries, checked by test/architecture/boundaries.test.ts:
 * a module uses another module only through its service, only repositories build SQL,
 * route files stay thin, modules never reach up into the workflows that compose them,
 * and nothing imports itself round a circle (type imports included).
 */
module.exports = {
  forbidden: [
    {
      name: 'no-foreign-repository-or-schema',
      comment: "A module reads and writes only its own tables; use the other module's service.",
      severity: 'error',
      from: { path: '^src/modules/([^/]+)/' },
      to: { path: '^src/modules/([^/]+)/.+\\.(repository|schema)\\.ts$', pathNot: '^src/modules/$1/' },
    },
    {
      name: 'only-repositories-touch-sql',
      comment: 'SQL lives in *.repository.ts (and table definitions in *.schema.ts).',
      severity: 'error',
      from: { path: '^src/(modules|workflows|api|cli|demo)/', pathNot: '\\.(repository|schema)\\.ts$' },
      to: { path: '(^|/)node_modules/(drizzle-orm|pg|@electric-sql/pglite)/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'routes-issue-no-sql',
      comment: 'Route files call services; they never reach a repository, a schema or the database.',
      severity: 'error',
      from: { path: '\\.routes\\.ts$' },
      to: { path: ['\\.(repository|schema)\\.ts$', '^src/platform/db/', '(^|/)node_modules/(drizzle-orm|pg|@electric-sql/pglite)/'] },
    },
    {
      name: 'modules-never-import-workflows',
      comment: 'Workflows compose modules; a module that needs one has it handed in by the composition root (src/cli, src/api/app.ts).',
      severity: 'error',
      from: { path: '^src/modules/' },
      to: { path: '^src/workflows/' },
    },
    {
      name: 'workflows-use-module-services',
      comment: "A workflow calls each module through its service, never its repository or tables.",
      severity: 'error',
      from: { path: '^src/workflows/' },
      to: { path: '^src/modules/.+\\.(repository|schema)\\.ts$' },
    },
    {
      name: 'route-files-never-import-route-files',
      comment: 'Request schemas two route files share live in *.input.ts.',
      severity: 'error',
      from: { path: '\\.routes\\.ts$' },
      to: { path: '\\.routes\\.ts$' },
    },
    {
      name: 'no-circular',
      comment: 'No import cycles, type imports included: each file can be read after the files it imports.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'time-libraries-only-in-the-time-module',
      comment: 'Instants, zones and calendars are read and written by the time module (src/platform/time, src/modules/time) alone; see docs/time.md.',
      severity: 'error',
      from: { path: '^src/', pathNot: ['^src/platform/time/', '^src/modules/time/'] },
      to: { path: '(^|/)node_modules/(luxon|@types/luxon|date-holidays|chinese-days|ical\\.js|countries-and-timezones|currency-codes|countries-list)/' },
    },
    {
      name: 'platform-has-no-business',
      comment: 'The platform layer knows nothing of the modules.',
      severity: 'error',
      from: { path: '^src/platform/' },
      to: { path: '^src/(modules|workflows|api|cli|demo)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
