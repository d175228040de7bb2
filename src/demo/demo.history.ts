import type { Clock } from '../platform/clock.ts';
import type { RequestContext } from '../platform/context.ts';
import { createRule, listRules } from '../modules/rules/rules.service.ts';
import type { OrderIntake } from '../workflows/order-intake.workflow.ts';
import { demoOrder } from './demo.generator.ts';

/**
 * What makes the demo look like a working day rather than an empty one: two rules a merchant would
 * add (large orders and address changes wait for a person), and the last day's orders, received
 * over it, so the overview's chart has a shape and the board has held orders that have waited
 * long enough to turn amber or red.
 */
export const demoRules = [
  {
    name: '大额订单人工审核 Large orders wait for review',
    description: '实付 ≥ ¥6,000 的订单先挂起，风控确认后释放',
    condition: { field: 'totalFen', op: 'gte', value: 600_000 },
    actions: [{ type: 'hold', reason: '大额订单待风控审核' }, { type: 'add_tags', tags: ['待审核'] }],
  },
  {
    name: '买家要求改地址 Buyer asked to change the address',
    condition: { field: 'buyerMessage', op: 'contains_any', value: ['改地址', '换地址', '地址写错'] },
    actions: [{ type: 'hold', reason: '买家留言要求改地址' }, { type: 'alert', message: '买家留言要求改地址，请联系买家确认' }],
  },
] as const;

export async function ensureDemoRules(ctx: RequestContext): Promise<void> {
  const names = new Set((await listRules(ctx)).items.map((r) => r.name));
  for (const rule of demoRules) if (!names.has(rule.name)) await createRule(ctx, { ...rule, actions: [...rule.actions] });
}

/** The past day's orders, `count` of them spread over it, each received at its own time. */
export async function seedLastDay(ctx: RequestContext, submitOrder: OrderIntake, rand: () => number, count: number, firstSequence: number): Promise<number> {
  const end = ctx.clock.now().getTime();
  let sequence = firstSequence;
  for (let i = 0; i < count; i++) {
    // Busier in the evening, as shops are: the square root leans the times towards now.
    const at = new Date(end - Math.round((1 - Math.sqrt(rand())) * 24 * 3_600_000));
    const then: Clock = { now: () => at };
    const order = demoOrder(rand, sequence++, at);
    if (rand() < 0.12) order.buyerMessage = rand() < 0.5 ? '麻烦改地址到公司，谢谢' : '地址写错了，能换地址吗';
    await submitOrder({ ...ctx, clock: then }, order);
  }
  return sequence;
}
