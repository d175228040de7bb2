import type { Action, Condition } from './rules.definition.ts';

/**
 * The rules a tenant starts with: the brief's priority tiers (优先级), as ordinary rules that can be
 * edited, disabled or deleted like any other.
 */
export interface SeedRule {
  name: string;
  description: string;
  condition: Condition;
  actions: Action[];
}

export const VIP_GROUP = { code: 'VIP', name: 'VIP 专席' };

export const defaultRules: SeedRule[] = [
  {
    name: 'VIP、限时达、预售尾款 → 紧急',
    description: 'Orders tagged VIP, 限时达 (time-limited delivery) or 预售尾款 (presale balance paid) are urgent and go to the VIP desk.',
    condition: { field: 'tags', op: 'contains_any', value: ['VIP', '限时达', '预售尾款', 'presale_final', 'time_limited'] },
    actions: [{ type: 'set_priority', priority: 'urgent' }, { type: 'set_group', group: VIP_GROUP.code }],
  },
  {
    name: '当日达、次日达 → 高',
    description: 'Orders promised same-day or next-day delivery are high priority.',
    condition: { field: 'tags', op: 'contains_any', value: ['当日达', '次日达', 'same_day', 'next_day'] },
    actions: [{ type: 'set_priority', priority: 'high' }],
  },
];
