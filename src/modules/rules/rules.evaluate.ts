import type { Priority } from '../orders/orders.priority.ts';
import type { Action } from './rules.definition.ts';
import type { CompiledRule } from './rules.compile.ts';
import type { OrderFacts } from './rules.fields.ts';

export interface FiredRule {
  id: string;
  version: number;
  name: string;
}

/**
 * What the rules that fired decide for one order. A single-valued decision (tier, group, hold)
 * is the first fired rule's that makes it; later ones are listed in `overridden`. Tags, alerts,
 * webhooks and warehouse preferences add up.
 */
export interface RuleOutcome {
  fired: FiredRule[];
  priority?: { value: Priority; ruleId: string };
  group?: { value: string; ruleId: string };
  hold?: { reason: string; ruleId: string };
  tags: string[];
  alerts: { message: string; ruleId: string }[];
  webhooks: { url: string; ruleId: string }[];
  prefer: string[];
  avoid: string[];
  /** Decisions a higher rule had already made, as the dry run shows them. */
  overridden: { ruleId: string; action: Action['type'] }[];
  /** A fired rule said stop: no later rule runs, after routing neither. */
  stopped: boolean;
}

export const noOutcome = (): RuleOutcome => ({ fired: [], tags: [], alerts: [], webhooks: [], prefer: [], avoid: [], overridden: [], stopped: false });

function apply(outcome: RuleOutcome, rule: CompiledRule, action: Action): void {
  const single = <K extends 'priority' | 'group' | 'hold'>(key: K, value: NonNullable<RuleOutcome[K]>) => {
    if (outcome[key]) outcome.overridden.push({ ruleId: rule.id, action: action.type });
    else outcome[key] = value;
  };
  switch (action.type) {
    case 'set_priority': return single('priority', { value: action.priority, ruleId: rule.id });
    case 'set_group': return single('group', { value: action.group, ruleId: rule.id });
    case 'hold': return single('hold', { reason: action.reason, ruleId: rule.id });
    case 'add_tags':
      for (const tag of action.tags) if (!outcome.tags.includes(tag)) outcome.tags.push(tag);
      return;
    case 'alert': outcome.alerts.push({ message: action.message, ruleId: rule.id }); return;
    case 'webhook': outcome.webhooks.push({ url: action.url, ruleId: rule.id }); return;
    case 'prefer_warehouse': for (const w of action.warehouses) if (!outcome.prefer.includes(w)) outcome.prefer.push(w); return;
    case 'avoid_warehouse': for (const w of action.warehouses) if (!outcome.avoid.includes(w)) outcome.avoid.push(w); return;
  }
}

/** Runs rules in their order over one order's facts, into `outcome`, until one that fires says stop. */
export function evaluate(rules: readonly CompiledRule[], facts: OrderFacts, outcome: RuleOutcome = noOutcome()): RuleOutcome {
  if (outcome.stopped) return outcome;
  for (const rule of rules) {
    if (!rule.matches(facts)) continue;
    outcome.fired.push({ id: rule.id, version: rule.version, name: rule.name });
    for (const action of rule.actions) apply(outcome, rule, action);
    if (rule.stop) {
      outcome.stopped = true;
      break;
    }
  }
  return outcome;
}
