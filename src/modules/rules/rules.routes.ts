import { z } from 'zod';
import { allRoles, ctxFor, type Api } from '../../api/http.ts';
import type { RequestContext } from '../../platform/context.ts';
import { text } from '../../platform/validation.ts';
import { orderInput, type OrderInput } from '../orders/orders.input.ts';
import { fields, operatorsOf } from './rules.fields.ts';
import * as rules from './rules.service.ts';
import type { DraftRule } from './rules.service.ts';

/** The dry run spans orders and delivery orders: the composition root hands it in. */
export interface RuleTester {
  test(ctx: RequestContext, request: { orderId?: string; order?: OrderInput; warehouses?: string[]; draft?: DraftRule }): ReturnType<typeof rules.dryRun>;
}

const example = {
  name: '大额订单人工审核',
  description: 'Orders of ¥5,000 or more from Pinduoduo are held for a look.',
  condition: { all: [{ field: 'channel', op: 'eq', value: 'pdd' }, { field: 'totalFen', op: 'gte', value: 500000 }] },
  actions: [{ type: 'hold', reason: '大额订单，人工审核' }, { type: 'add_tags', tags: ['大额'] }],
};

const conditionDoc = 'A tree of {all: […]}, {any: […]}, {not: …} and field tests {field, op, value[, zone]}; see GET /api/v1/rules/fields. Checked on save: a problem is refused with 422 RULE_INVALID and its path.';
const ruleBody = z
  .object({
    name: text(100),
    description: text(500).nullable().optional(),
    enabled: z.boolean().optional(),
    stop: z.boolean().optional().describe('later rules are not looked at once this one fires'),
    position: z.number().int().min(1).max(10_000).optional().describe('1 runs first; the end when absent'),
    condition: z.unknown().describe(conditionDoc),
    actions: z.unknown().describe('set_priority, set_group, add_tags, hold, alert, webhook, prefer_warehouse, avoid_warehouse'),
  })
  .strict()
  .meta({ examples: [example] });

const patchBody = ruleBody
  .partial()
  .extend({ expectedVersion: z.number().int().min(1).optional().describe('refused with 409 when the rule was saved meanwhile') })
  .strict()
  .meta({ examples: [{ expectedVersion: 1, enabled: false }] });

const idParams = z.object({ id: z.string().min(1).max(64) });

const testBody = z
  .object({
    orderId: z.string().min(1).max(64).optional(),
    order: orderInput.optional(),
    warehouses: z.array(z.string().min(1).max(64)).max(20).optional(),
    draft: z.object({ id: z.string().min(1).max(64).optional(), name: text(100).optional(), stop: z.boolean().optional(), condition: z.unknown(), actions: z.unknown() }).strict().optional(),
  })
  .strict()
  .meta({ examples: [{ orderId: '01JD0000000000000000000000', draft: { condition: example.condition, actions: example.actions } }] });

export function ruleRoutes(app: Api, tester: RuleTester): void {
  app.get('/api/v1/rules', {
    schema: { tags: ['rules'], summary: 'The tenant\'s rules (条件触发器) in the order they run, with the rule set\'s version' },
  }, async (req) => rules.listRules(ctxFor(req, ...allRoles)));

  app.get('/api/v1/rules/fields', {
    schema: { tags: ['rules'], summary: 'What a condition may test: each field with its type and operators' },
  }, async (req) => {
    ctxFor(req, ...allRoles);
    return { items: Object.entries(fields).map(([name, f]) => ({ name, type: f.type, operators: operatorsOf[f.type], label: f.label, ...('values' in f ? { values: f.values } : {}), runs: 'routed' in f ? 'after_routing' : 'at_intake' })) };
  });

  app.post('/api/v1/rules', {
    schema: { tags: ['rules'], summary: 'Add a rule; it applies to orders recorded from now on', body: ruleBody },
  }, async (req, reply) => reply.code(201).send(await rules.createRule(ctxFor(req, 'admin'), req.body)));

  app.post('/api/v1/rules/test', {
    schema: {
      tags: ['rules'],
      summary: 'Dry run: the rules against a stored order (orderId) or one as it would arrive (order), optionally with a draft rule; nothing is saved',
      body: testBody,
    },
  }, async (req) => tester.test(ctxFor(req, 'admin', 'ops', 'supervisor'), req.body));

  app.get('/api/v1/rules/:id', {
    schema: { tags: ['rules'], summary: 'One rule', params: idParams },
  }, async (req) => rules.getRule(ctxFor(req, ...allRoles), req.params.id));

  app.patch('/api/v1/rules/:id', {
    schema: { tags: ['rules'], summary: 'Change a rule (enable, disable, move, edit) into its next version', params: idParams, body: patchBody },
  }, async (req) => rules.updateRule(ctxFor(req, 'admin'), req.params.id, req.body));

  app.delete('/api/v1/rules/:id', {
    schema: { tags: ['rules'], summary: 'Delete a rule; its versions stay in its history', params: idParams },
  }, async (req, reply) => {
    await rules.deleteRule(ctxFor(req, 'admin'), req.params.id);
    return reply.code(204).send();
  });

  app.get('/api/v1/rules/:id/versions', {
    schema: { tags: ['rules'], summary: 'Every version of a rule, newest first, deleted rules included', params: idParams },
  }, async (req) => ({ items: await rules.ruleHistory(ctxFor(req, ...allRoles), req.params.id) }));
}
