import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { cruise, type ICruiseResult } from 'dependency-cruiser';

const root = fileURLToPath(new URL('../..', import.meta.url));
const ruleSet = createRequire(import.meta.url)('../../.dependency-cruiser.cjs');

async function violations(baseDir: string): Promise<string[]> {
  const result = await cruise(['src'], { ...ruleSet.options, ruleSet, baseDir, validate: true }, undefined, {
    tsConfig: { fileName: `${root}/tsconfig.json` },
  });
  const output = result.output as ICruiseResult;
  return output.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`);
}

test('the source tree keeps its module boundaries', async () => {
  assert.deepEqual(await violations(root), []);
});

test('the boundary check catches foreign repositories, foreign schemas and SQL in routes', async () => {
  const found = await violations(fileURLToPath(new URL('./fixtures/violations', import.meta.url)));
  const rules = new Set(found.map((v) => v.split(':')[0]));
  assert.ok(found.some((v) => v.startsWith('no-foreign-repository-or-schema') && v.includes('beta.repository.ts')), found.join('\n'));
  assert.ok(found.some((v) => v.startsWith('no-foreign-repository-or-schema') && v.includes('beta.schema.ts')), found.join('\n'));
  assert.ok(rules.has('routes-issue-no-sql'), found.join('\n'));
  assert.ok(rules.has('only-repositories-touch-sql'), found.join('\n'));
});

test('the boundary check catches a time library used outside the time module', async () => {
  const found = await violations(fileURLToPath(new URL('./fixtures/violations', import.meta.url)));
  assert.ok(found.some((v) => v.startsWith('time-libraries-only-in-the-time-module') && v.includes('alpha.clock.ts') && v.includes('luxon')), found.join('\n'));
});

test('the boundary check catches a module importing a workflow, a workflow reaching a repository, route files importing each other and import cycles', async () => {
  const found = await violations(fileURLToPath(new URL('./fixtures/violations', import.meta.url)));
  const has = (rule: string, ...parts: string[]) => found.some((v) => v.startsWith(`${rule}:`) && parts.every((p) => v.includes(p)));
  assert.ok(has('modules-never-import-workflows', 'alpha.jobs.ts', 'gamma.workflow.ts'), found.join('\n'));
  assert.ok(has('workflows-use-module-services', 'gamma.workflow.ts', 'beta.repository.ts'), found.join('\n'));
  assert.ok(!has('workflows-use-module-services', 'alpha.service.ts'), found.join('\n'));
  assert.ok(has('route-files-never-import-route-files', 'other.routes.ts', 'alpha.routes.ts'), found.join('\n'));
  // The cycle goes through a type-only import: those count too.
  assert.ok(has('no-circular', 'delta.service.ts', 'delta.view.ts') || has('no-circular', 'delta.view.ts', 'delta.service.ts'), found.join('\n'));
});
