/**
 * Module boundaries, checked by test/architecture/boundaries.test.ts:
 * a module uses another module only through its service, only repositories build SQL,
 * and route files stay thin.
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
      from: { path: '^src/(modules|api|cli|demo)/', pathNot: '\\.(repository|schema)\\.ts$' },
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
      name: 'platform-has-no-business',
      comment: 'The platform layer knows nothing of the modules.',
      severity: 'error',
      from: { path: '^src/platform/' },
      to: { path: '^src/(modules|api|cli|demo)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
