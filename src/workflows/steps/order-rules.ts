import type { Alert } from '../../modules/fulfillment/alerts.service.ts';
import { parseIsoInstant } from '../../platform/time/instants.ts';
import type { OrderInput } from '../../modules/orders/orders.input.ts';
import type { OrderDecision } from '../../modules/orders/orders.ingest.ts';
import type { OrderRow } from '../../modules/orders/orders.service.ts';
import type { CompiledRules } from '../../modules/rules/rules.compile.ts';
import { evaluate, type RuleOutcome } from '../../modules/rules/rules.evaluate.ts';
import { factsOf, type OrderSubject } from '../../modules/rules/rules.fields.ts';
import type { OutboundCall } from '../../modules/webhooks/webhooks.service.ts';

/**
 * The rules (条件触发器) as intake applies them: before routing on the order as it arrives, and
 * after routing on the warehouses it went to. What fired turns into the order's decision (tier,
 * group, tags, hold, warehouses to prefer or avoid) and into effects (alerts, webhook calls).
 */
export interface Placed {
  provinceCode: string | null;
  cityCode: string | null;
}

export function subjectOfInput(input: OrderInput, place: Placed, warehouses?: string[]): OrderSubject {
  const goods = input.lines.reduce((sum, l) => sum + (l.amountFen ?? l.quantity * l.unitPriceFen), 0);
  return {
    channel: input.channel, shopId: input.shopId, status: input.status, tags: input.tags,
    totalFen: input.totalFen, goodsFen: goods, shippingFen: input.shippingFen, discountFen: input.discountFen,
    lines: input.lines, receiver: { country: input.receiver.country, provinceCode: place.provinceCode, cityCode: place.cityCode },
    buyerMessage: input.buyerMessage ?? null, paidAt: input.paidAt ? parseIsoInstant(input.paidAt) : null, warehouses,
  };
}

export function subjectOfOrder(order: OrderRow, lines: { sku: string; quantity: number }[], warehouses?: string[]): OrderSubject {
  return {
    channel: order.channel, shopId: order.shopId, status: order.channelStatus, tags: order.tags,
    totalFen: order.totalFen, goodsFen: order.goodsFen, shippingFen: order.shippingFen, discountFen: order.discountFen,
    lines, receiver: { country: order.receiverCountry, provinceCode: order.provinceCode, cityCode: order.cityCode },
    buyerMessage: order.buyerMessage, paidAt: order.paidAt, warehouses,
  };
}

/** The rules before routing; null when none fired (most orders of most tenants). */
export function beforeRouting(rules: CompiledRules, subject: OrderSubject): RuleOutcome | null {
  if (rules.intake.length === 0) return null;
  const outcome = evaluate(rules.intake, factsOf(subject, rules.zones));
  return outcome.fired.length ? outcome : null;
}

/** The rules after routing, on top of what fired before; null when nothing fired at all. */
export function afterRouting(rules: CompiledRules, subject: OrderSubject, before: RuleOutcome | null): RuleOutcome | null {
  if (rules.routed.length === 0 || before?.stopped) return before;
  const outcome = evaluate(rules.routed, factsOf(subject, rules.zones), before ? structuredClone(before) : undefined);
  return outcome.fired.length ? outcome : null;
}

export function decisionOf(outcome: RuleOutcome | null): OrderDecision | undefined {
  if (!outcome) return undefined;
  return {
    fired: outcome.fired,
    tags: outcome.tags,
    ...(outcome.priority ? { priority: outcome.priority.value } : {}),
    ...(outcome.group ? { group: outcome.group.value } : {}),
    ...(outcome.hold ? { hold: outcome.hold } : {}),
    ...(outcome.prefer.length || outcome.avoid.length ? { steer: { prefer: outcome.prefer, avoid: outcome.avoid } } : {}),
  };
}

/** Whether what fired asks for more than the order's own fields: an alert or a webhook call. */
export const hasEffects = (outcome: RuleOutcome | null) => !!outcome && (outcome.alerts.length > 0 || outcome.webhooks.length > 0);

/** The alerts and webhook calls the rules that fired for an order ask for. */
export function effectsOf(order: OrderRow, outcome: RuleOutcome | null): { alerts: Alert[]; calls: OutboundCall[] } {
  if (!outcome) return { alerts: [], calls: [] };
  const rule = (id: string) => outcome.fired.find((f) => f.id === id)!;
  return {
    alerts: outcome.alerts.map((a) => ({ kind: 'rule', subject: `${order.id}:${a.ruleId}`, message: `${rule(a.ruleId).name}: ${a.message}`, orderId: order.id })),
    calls: outcome.webhooks.map((w) => ({
      url: w.url, event: 'order.rule_fired',
      body: { event: 'order.rule_fired', rule: rule(w.ruleId), order: { id: order.id, channel: order.channel, shopId: order.shopId, channelOrderId: order.channelOrderId, status: order.status, priority: order.priority, handlingGroup: order.handlingGroup, tags: order.tags, totalFen: order.totalFen } },
    })),
  };
}
