import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { formatViolation, productionFiles, programFor, remedies, root, timeRuleViolations, type TimeRuleKind, type TimeRuleViolation } from './time-rule.ts';

/**
 * Outside the time module no code turns text into an instant or an instant into text by hand
 * (time-rule.ts says what counts and why). One program per tsconfig: the server's, which also
 * holds the fixtures, and the console's, whose DOM types differ.
 */
const fixtures = join(root, 'test/architecture/fixtures/time-violations');
const sample = join(fixtures, 'sample.ts');
const allowed = join(fixtures, 'allowed.ts');

const serverFiles = productionFiles('src', ['.ts']);
const consoleFiles = productionFiles('web/src', ['.ts', '.tsx']);
const serverProgram = programFor('tsconfig.json', [...serverFiles, sample, allowed]);
const consoleProgram = programFor('web/tsconfig.json', consoleFiles);

function explain(found: readonly TimeRuleViolation[]): string {
  const kinds = [...new Set(found.map((v) => v.kind))];
  return [...found.map(formatViolation), '', ...kinds.map((k) => `${k}: ${remedies[k]}`)].join('\n');
}

/** The kinds a fixture line says it must be reported as (`// expect: kind kind`), by line number. */
function expectedKinds(file: string): Map<number, TimeRuleKind[]> {
  const expected = new Map<number, TimeRuleKind[]>();
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((text, i) => {
      const m = /\/\/ expect: (.+)$/.exec(text);
      if (m) expected.set(i + 1, m[1]!.trim().split(/\s+/) as TimeRuleKind[]);
    });
  return expected;
}

test('server code keeps the time rule', () => {
  const found = timeRuleViolations(serverFiles, serverProgram);
  assert.equal(found.length, 0, `${found.length} breaches of the time rule in src/:\n${explain(found)}`);
});

test('console code keeps the time rule', () => {
  const found = timeRuleViolations(consoleFiles, consoleProgram);
  assert.equal(found.length, 0, `${found.length} breaches of the time rule in web/src/:\n${explain(found)}`);
});

test('the time-rule check finds every kind of breach, each where it is', () => {
  const found = timeRuleViolations([sample], serverProgram);
  const expected = expectedKinds(sample);
  const actual = new Map<number, TimeRuleKind[]>();
  for (const v of found) actual.set(v.line, [...(actual.get(v.line) ?? []), v.kind]);
  const sorted = (m: Map<number, TimeRuleKind[]>) => [...m].map(([line, kinds]) => [line, [...kinds].sort()] as const).sort((a, b) => a[0] - b[0]);
  assert.deepEqual(sorted(actual), sorted(expected), explain(found));
  const everyKind = Object.keys(remedies) as TimeRuleKind[];
  assert.deepEqual([...new Set(found.map((v) => v.kind))].sort(), everyKind.sort(), 'the sample holds one breach of each kind');
});

test('the time-rule check passes code that keeps the rule', () => {
  const found = timeRuleViolations([allowed], serverProgram);
  assert.deepEqual(found.map(formatViolation), []);
});
