import { isTimeZone } from '../../platform/time/wall-clock.ts';
import { z } from 'zod';
import { text } from '../../platform/validation.ts';
import type { FieldIssue } from '../../platform/errors.ts';
import { priorities } from '../orders/orders.priority.ts';
import { fields, fieldNames, operatorsOf, type FieldName, type FieldSpec } from './rules.fields.ts';

/**
 * A rule as people write it: a condition tree (all / any / not over field tests) and the actions
 * it takes when the condition holds. This is the stored form; it is checked here, field by field,
 * before it is saved, and compiled once per version (rules.compile.ts).
 */
export type Condition =
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition }
  | FieldTest;

export interface FieldTest {
  field: FieldName;
  op: string;
  value: unknown;
  /** For a time of day: the zone it is read in (IANA); the tenant's default zone when absent. */
  zone?: string;
}

export type Action =
  | { type: 'set_priority'; priority: (typeof priorities)[number] }
  | { type: 'set_group'; group: string }
  | { type: 'add_tags'; tags: string[] }
  | { type: 'hold'; reason: string }
  | { type: 'alert'; message: string }
  | { type: 'webhook'; url: string }
  | { type: 'prefer_warehouse'; warehouses: string[] }
  | { type: 'avoid_warehouse'; warehouses: string[] };

export type ActionType = Action['type'];

/** Actions that decide where or whether an order goes on: they must be known before routing. */
export const beforeRoutingOnly: readonly ActionType[] = ['hold', 'prefer_warehouse', 'avoid_warehouse'];

export const DEFAULT_RULE_ZONE = 'Asia/Shanghai';
const MAX_DEPTH = 8;
const MAX_TESTS = 50;

const code = text(64);
const codes = z.array(code).min(1).max(200);
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a time of day as HH:mm, e.g. 22:30');
const fen = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const count = z.number().int().min(0).max(1_000_000);

function rangeOf(n: z.ZodNumber) {
  return z.tuple([n, n]).refine(([a, b]) => a <= b, 'the first bound must not be above the second');
}

/** The value each operator of a type takes. */
function valueSchema(spec: FieldSpec, op: string): z.ZodType {
  const one = spec.values ? z.enum(spec.values as [string, ...string[]]) : code;
  const many = spec.values ? z.array(z.enum(spec.values as [string, ...string[]])).min(1).max(50) : codes;
  switch (spec.type) {
    case 'enum':
    case 'text':
    case 'code':
      return op === 'in' || op === 'not_in' ? many : one;
    case 'tags':
      return op === 'contains_any' || op === 'contains_all' ? z.array(text(40)).min(1).max(50) : text(40);
    case 'message':
      return op === 'contains_any' ? z.array(text(100)).min(1).max(50) : text(100);
    case 'money':
      return op === 'between' ? rangeOf(fen) : fen;
    case 'number':
      return op === 'between' ? rangeOf(count) : count;
    case 'time_of_day':
      return z.tuple([hhmm, hhmm]).refine(([a, b]) => a !== b, 'the two times must differ');
    case 'boolean':
      return z.boolean();
  }
}

const actionSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('set_priority'), priority: z.enum(priorities) }).strict(),
  z.object({ type: z.literal('set_group'), group: code }).strict(),
  z.object({ type: z.literal('add_tags'), tags: z.array(text(40)).min(1).max(10) }).strict(),
  z.object({ type: z.literal('hold'), reason: text(200) }).strict(),
  z.object({ type: z.literal('alert'), message: text(500) }).strict(),
  z.object({
    type: z.literal('webhook'),
    url: z.url({ protocol: /^https?$/, message: 'must be an http or https URL' }).max(500)
      .refine((u) => !new URL(u).username && !new URL(u).password, 'must not carry a user name or password; the platform signs each call instead'),
  }).strict(),
  z.object({ type: z.literal('prefer_warehouse'), warehouses: z.array(code).min(1).max(20) }).strict(),
  z.object({ type: z.literal('avoid_warehouse'), warehouses: z.array(code).min(1).max(20) }).strict(),
]);

const pathOf = (path: readonly PropertyKey[]) =>
  path.reduce<string>((at, part) => (typeof part === 'number' ? `${at}[${part}]` : at ? `${at}.${String(part)}` : String(part)), '');

function zodIssues(error: z.ZodError, prefix: string): FieldIssue[] {
  return error.issues.map((i) => ({ path: pathOf([prefix, ...i.path]).replace(/^\./, ''), message: i.message }));
}

export interface CheckedCondition {
  condition: Condition;
  /** Tests the routed warehouse: the rule runs after routing. */
  routed: boolean;
}

/** Checks a condition tree, naming the path of every problem: unknown fields, operators that do not fit, values of the wrong kind. */
export function checkCondition(raw: unknown, issues: FieldIssue[], path = 'condition'): CheckedCondition | null {
  let tests = 0;
  let routed = false;
  const walk = (node: unknown, at: string, depth: number): Condition | null => {
    if (depth > MAX_DEPTH) return fail(at, `nests deeper than ${MAX_DEPTH} levels`);
    if (node === null || typeof node !== 'object' || Array.isArray(node)) return fail(at, 'must be an object: {all: […]}, {any: […]}, {not: …} or {field, op, value}');
    const keys = Object.keys(node);
    const o = node as Record<string, unknown>;
    if ('all' in o || 'any' in o) {
      const kind = 'all' in o ? 'all' : 'any';
      if (keys.length !== 1) return fail(at, `a group has only "${kind}"`);
      const items = o[kind];
      if (!Array.isArray(items) || items.length === 0 || items.length > MAX_TESTS) return fail(`${at}.${kind}`, `must be a list of 1 to ${MAX_TESTS} conditions`);
      const children = items.map((c, i) => walk(c, `${at}.${kind}[${i}]`, depth + 1));
      return children.every((c) => c) ? ({ [kind]: children } as Condition) : null;
    }
    if ('not' in o) {
      if (keys.length !== 1) return fail(at, 'a negation has only "not"');
      const inner = walk(o.not, `${at}.not`, depth + 1);
      return inner ? { not: inner } : null;
    }
    if (++tests > MAX_TESTS) return fail(at, `a rule tests at most ${MAX_TESTS} fields`);
    const extra = keys.filter((k) => !['field', 'op', 'value', 'zone'].includes(k));
    if (extra.length) return fail(`${at}.${extra[0]}`, 'is not part of a field test (field, op, value, zone)');
    if (typeof o.field !== 'string' || !(fieldNames as string[]).includes(o.field)) {
      return fail(`${at}.field`, `unknown field ${JSON.stringify(o.field)}; the fields are ${fieldNames.join(', ')}`);
    }
    const field = o.field as FieldName;
    const spec: FieldSpec = fields[field];
    const ops = operatorsOf[spec.type];
    if (typeof o.op !== 'string' || !ops.includes(o.op)) return fail(`${at}.op`, `${field} (${spec.type}) takes the operators ${ops.join(', ')}`);
    const value = valueSchema(spec, o.op).safeParse(o.value);
    if (!value.success) {
      issues.push(...zodIssues(value.error, `${at}.value`));
      return null;
    }
    if (o.zone !== undefined && (spec.type !== 'time_of_day' || typeof o.zone !== 'string' || !isTimeZone(o.zone))) {
      return fail(`${at}.zone`, spec.type === 'time_of_day' ? 'must be an IANA time zone, e.g. Asia/Shanghai' : 'only a time of day takes a zone');
    }
    if ('routed' in spec && spec.routed) routed = true;
    return { field, op: o.op, value: value.data, ...(o.zone ? { zone: o.zone as string } : {}) };
  };
  const fail = (at: string, message: string): null => {
    issues.push({ path: at, message });
    return null;
  };
  const condition = walk(raw, path, 0);
  return condition ? { condition, routed } : null;
}

/** Checks a rule's actions; those that decide routing or holds cannot follow a test of the routed warehouse. */
export function checkActions(raw: unknown, routed: boolean, issues: FieldIssue[], path = 'actions'): Action[] | null {
  if (!Array.isArray(raw) || raw.length === 0 || raw.length > 20) {
    issues.push({ path, message: 'must be a list of 1 to 20 actions' });
    return null;
  }
  const actions: Action[] = [];
  raw.forEach((item, i) => {
    const parsed = actionSchema.safeParse(item);
    if (!parsed.success) {
      const known = item && typeof item === 'object' && actionSchema.options.some((o) => o.shape.type.value === (item as { type?: unknown }).type);
      issues.push(...(known ? zodIssues(parsed.error, `${path}[${i}]`) : [{ path: `${path}[${i}].type`, message: `unknown action; the actions are ${actionSchema.options.map((o) => o.shape.type.value).join(', ')}` }]));
      return;
    }
    if (routed && beforeRoutingOnly.includes(parsed.data.type)) {
      issues.push({ path: `${path}[${i}].type`, message: `${parsed.data.type} is decided before routing, so it cannot follow a test of the routed warehouse` });
      return;
    }
    actions.push(parsed.data as Action);
  });
  return issues.length ? null : actions;
}
