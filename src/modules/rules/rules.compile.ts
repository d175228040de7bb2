import { LogicEngine } from 'json-logic-engine';
import { DEFAULT_RULE_ZONE, type Action, type Condition, type FieldTest } from './rules.definition.ts';
import { fields, normalTag, type FieldSpec, type OrderFacts } from './rules.fields.ts';

/**
 * Rules turned into functions once per version of a tenant's rule set: each condition becomes
 * JSON Logic, which json-logic-engine compiles to a plain function, so an order costs a few
 * function calls and nothing is parsed per order.
 */
type Logic = Record<string, unknown>;

const engine = new LogicEngine();
engine.addMethod('starts_with', ([value, prefix]: [unknown, string]) => typeof value === 'string' && value.startsWith(prefix), { deterministic: true });

export interface RuleToCompile {
  id: string;
  version: number;
  name: string;
  /** Later rules are not looked at once this one fires. */
  stop: boolean;
  condition: Condition;
  actions: Action[];
  routed: boolean;
}

export interface CompiledRule extends Omit<RuleToCompile, 'condition'> {
  matches: (facts: OrderFacts) => boolean;
}

export interface CompiledRules {
  /** The rule set's version these were compiled from. */
  version: number;
  /** Before routing, in order. */
  intake: CompiledRule[];
  /** After routing (they test the warehouse), in order. */
  routed: CompiledRule[];
  /** The zones times of day are read in; facts hold one paid minute per zone, in this order. */
  zones: string[];
}

const v = (path: string): Logic => ({ var: path });

function minutes(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
}

/** One comparison of a value against the test's value, the value read through `read`. */
function compare(spec: FieldSpec, op: string, value: unknown, read: Logic): Logic {
  const lower = (x: unknown) => (spec.type === 'tags' ? normalTag(String(x)) : spec.type === 'message' ? String(x).toLowerCase() : x);
  switch (op) {
    case 'eq': return { '===': [read, value] };
    case 'ne': return { '!==': [read, value] };
    case 'in': return { in: [read, value] };
    case 'not_in': return { '!': { in: [read, value] } };
    case 'starts_with': return { starts_with: [read, value] };
    case 'gt': return { '>': [read, value] };
    case 'gte': return { '>=': [read, value] };
    case 'lt': return { '<': [read, value] };
    case 'lte': return { '<=': [read, value] };
    case 'between': {
      const [lo, hi] = value as [number, number];
      return { and: [{ '>=': [read, lo] }, { '<=': [read, hi] }] };
    }
    case 'contains': return { in: [lower(value), read] };
    case 'not_contains': return { '!': { in: [lower(value), read] } };
    case 'contains_any': return { or: (value as string[]).map((x) => ({ in: [lower(x), read] })) };
    case 'contains_all': return { and: (value as string[]).map((x) => ({ in: [lower(x), read] })) };
    case 'is': return { '===': [read, value] };
  }
  throw new Error(`operator ${op} has no compilation`);
}

function fieldLogic(test: FieldTest, zones: string[]): Logic {
  const spec: FieldSpec = fields[test.field];
  if (spec.type === 'time_of_day') {
    const zone = test.zone ?? DEFAULT_RULE_ZONE;
    if (!zones.includes(zone)) zones.push(zone);
    const read = v(`${spec.path}.${zones.indexOf(zone)}`);
    const [from, to] = (test.value as [string, string]).map(minutes) as [number, number];
    // 22:00–06:00 wraps past midnight; the end is not included.
    const window = from < to ? { and: [{ '>=': [read, from] }, { '<': [read, to] }] } : { or: [{ '>=': [read, from] }, { '<': [read, to] }] };
    return { and: [{ '!==': [read, null] }, window] };
  }
  if (spec.perLine) return { some: [v('lines'), compare(spec, test.op, test.value, v(spec.path))] };
  if ('routed' in spec && spec.routed) {
    // The order may be split over several warehouses: "is" means any of them, "is not" none.
    const negated = test.op === 'ne' || test.op === 'not_in';
    const positive = compare(spec, negated ? (test.op === 'ne' ? 'eq' : 'in') : test.op, test.value, v(''));
    const any = { some: [v(spec.path), positive] };
    return negated ? { '!': any } : any;
  }
  return compare(spec, test.op, test.value, v(spec.path));
}

export function conditionLogic(condition: Condition, zones: string[]): Logic {
  if ('all' in condition) return { and: condition.all.map((c) => conditionLogic(c, zones)) };
  if ('any' in condition) return { or: condition.any.map((c) => conditionLogic(c, zones)) };
  if ('not' in condition) return { '!': conditionLogic(condition.not, zones) };
  return fieldLogic(condition, zones);
}

export function compileRules(version: number, rules: RuleToCompile[]): CompiledRules {
  const zones: string[] = [];
  const compiled: CompiledRules = { version, intake: [], routed: [], zones };
  for (const { condition, ...rule } of rules) {
    const run = engine.build(conditionLogic(condition, zones)) as (facts: OrderFacts) => unknown;
    const entry: CompiledRule = { ...rule, matches: (facts) => run(facts) === true };
    (rule.routed ? compiled.routed : compiled.intake).push(entry);
  }
  return compiled;
}
