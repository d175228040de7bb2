import type { RequestContext } from '../../platform/context.ts';
import { configChanged } from '../../platform/config-cache.ts';
import { AppError, type FieldIssue } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { inTransaction } from '../../platform/transaction.ts';
import { ensureGroup, knownGroups } from '../people/groups.service.ts';
import { listWarehouses } from '../warehouses/warehouses.service.ts';
import { compileRules, type CompiledRules, type RuleToCompile } from './rules.compile.ts';
import { evaluate } from './rules.evaluate.ts';
import { factsOf, type OrderSubject } from './rules.fields.ts';
import { defaultRules, VIP_GROUP } from './rules.defaults.ts';
import { checkActions, checkCondition, type Action, type Condition } from './rules.definition.ts';
import * as repo from './rules.repository.ts';

/**
 * The rules engine's store (条件触发器): rules per tenant, in order, each versioned, enabled or not.
 * Every change moves the tenant's rule set to a new version; intake compiles a version once.
 */
export function ruleView(r: repo.RuleRow) {
  return {
    id: r.id, position: r.position, name: r.name, description: r.description, enabled: r.enabled, stop: r.stop,
    condition: r.condition, actions: r.actions, runs: r.routed ? ('after_routing' as const) : ('at_intake' as const),
    version: r.version, updatedAt: r.updatedAt.toISOString(), updatedBy: r.updatedBy,
  };
}
export type RuleView = ReturnType<typeof ruleView>;

export interface RuleInput {
  name: string;
  description?: string | null;
  enabled?: boolean;
  stop?: boolean;
  /** 1-based; the end when absent. */
  position?: number;
  condition: unknown;
  actions: unknown;
}

export type RulePatch = Partial<RuleInput> & { expectedVersion?: number };

const actorOf = (ctx: RequestContext) => `${ctx.actor.kind}:${ctx.actor.id}`;

/** The tenant's rule set, made with the default rules the first time it is asked for. */
async function ensureRuleSet(ctx: RequestContext): Promise<void> {
  if ((await repo.setVersion(ctx.db, ctx.tenantId)) !== null) return;
  await inTransaction(ctx, async (tx) => {
    const at = tx.clock.now();
    if (!(await repo.createSet(tx.db, tx.tenantId, at, 'system:defaults'))) return;
    await ensureGroup(tx, VIP_GROUP.code, VIP_GROUP.name);
    for (const [i, seed] of defaultRules.entries()) {
      const row = await repo.insert(tx.db, {
        tenantId: tx.tenantId, id: newId(), position: i + 1, name: seed.name, description: seed.description, enabled: true, stop: false,
        condition: seed.condition, actions: seed.actions, routed: false, version: 1, updatedAt: at, updatedBy: 'system:defaults',
      });
      await repo.recordVersion(tx.db, versionRow(row, 'created'));
    }
  });
}

const versionRow = (r: repo.RuleRow, change: repo.RuleVersionRow['change']): repo.RuleVersionRow => ({
  tenantId: r.tenantId, ruleId: r.id, version: r.version, change, position: r.position, name: r.name, description: r.description,
  enabled: r.enabled, stop: r.stop, condition: r.condition, actions: r.actions, savedAt: r.updatedAt, savedBy: r.updatedBy,
});

/** A rule's condition and actions, checked against the fields, operators, groups and warehouses there are; refused with 422 and every problem's path. */
export async function checkRule(ctx: RequestContext, raw: { condition: unknown; actions: unknown }): Promise<{ condition: Condition; actions: Action[]; routed: boolean }> {
  const issues: FieldIssue[] = [];
  const checked = checkCondition(raw.condition, issues);
  const actions = checkActions(raw.actions, checked?.routed ?? false, issues);
  if (checked && actions) {
    const groups = actions.flatMap((a, i) => (a.type === 'set_group' ? [{ i, code: a.group }] : []));
    const known = await knownGroups(ctx, groups.map((g) => g.code));
    for (const g of groups) if (!known.has(g.code)) issues.push({ path: `actions[${g.i}].group`, message: `no handling group ${g.code}` });
    const places = actions.flatMap((a, i) => (a.type === 'prefer_warehouse' || a.type === 'avoid_warehouse' ? a.warehouses.map((w, j) => ({ path: `actions[${i}].warehouses[${j}]`, code: w })) : []));
    if (places.length) {
      const codes = new Set((await listWarehouses(ctx)).map((w) => w.code));
      for (const p of places) if (!codes.has(p.code)) issues.push({ path: p.path, message: `no warehouse ${p.code}` });
    }
  }
  if (issues.length || !checked || !actions) {
    throw new AppError('RULE_INVALID', `the rule cannot be saved: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`, issues);
  }
  return { condition: checked.condition, actions, routed: checked.routed };
}

export async function listRules(ctx: RequestContext): Promise<{ version: number; items: RuleView[] }> {
  await ensureRuleSet(ctx);
  const [version, rows] = await Promise.all([repo.setVersion(ctx.db, ctx.tenantId), repo.list(ctx.db, ctx.tenantId)]);
  return { version: version!, items: rows.map(ruleView) };
}

export async function getRule(ctx: RequestContext, id: string): Promise<RuleView> {
  await ensureRuleSet(ctx);
  const row = await repo.find(ctx.db, ctx.tenantId, id);
  if (!row) throw new AppError('RULE_NOT_FOUND', `rule ${id} not found`);
  return ruleView(row);
}

/** Rules keep positions 1..n without gaps; a rule placed at p pushes those from p down. */
async function place(ctx: RequestContext, wanted: number | undefined, count: number): Promise<number> {
  const at = Math.min(Math.max(1, wanted ?? count + 1), count + 1);
  if (at <= count) await repo.shiftDown(ctx.db, ctx.tenantId, at);
  return at;
}

async function renumber(ctx: RequestContext): Promise<void> {
  const rows = await repo.list(ctx.db, ctx.tenantId);
  for (const [i, r] of rows.entries()) if (r.position !== i + 1) await repo.update(ctx.db, ctx.tenantId, r.id, { position: i + 1 });
}

async function changeSet<T>(ctx: RequestContext, work: (tx: RequestContext) => Promise<T>): Promise<T> {
  await ensureRuleSet(ctx);
  const result = await inTransaction(ctx, async (tx) => {
    await repo.bumpSet(tx.db, tx.tenantId, tx.clock.now(), actorOf(tx));
    return work(tx);
  });
  configChanged(ctx.tenantId);
  return result;
}

export async function createRule(ctx: RequestContext, input: RuleInput): Promise<RuleView> {
  const checked = await checkRule(ctx, input);
  return changeSet(ctx, async (tx) => {
    const count = (await repo.list(tx.db, tx.tenantId)).length;
    const position = await place(tx, input.position, count);
    const row = await repo.insert(tx.db, {
      tenantId: tx.tenantId, id: newId(), position, name: input.name, description: input.description ?? null, enabled: input.enabled ?? true,
      stop: input.stop ?? false, ...checked, version: 1, updatedAt: tx.clock.now(), updatedBy: actorOf(tx),
    });
    await repo.recordVersion(tx.db, versionRow(row, 'created'));
    return ruleView(row);
  });
}

/** Changes a rule into its next version; with `expectedVersion`, refuses if someone saved it meanwhile. */
export async function updateRule(ctx: RequestContext, id: string, patch: RulePatch): Promise<RuleView> {
  const current = await getRule(ctx, id);
  const checked = patch.condition !== undefined || patch.actions !== undefined
    ? await checkRule(ctx, { condition: patch.condition ?? current.condition, actions: patch.actions ?? current.actions })
    : null;
  return changeSet(ctx, async (tx) => {
    const row = await repo.find(tx.db, tx.tenantId, id);
    if (!row) throw new AppError('RULE_NOT_FOUND', `rule ${id} not found`);
    if (patch.expectedVersion !== undefined && patch.expectedVersion !== row.version) {
      throw new AppError('CONFLICT', `rule ${id} is at version ${row.version} now, not ${patch.expectedVersion}: someone saved it meanwhile`);
    }
    let position = row.position;
    if (patch.position !== undefined && patch.position !== row.position) {
      await repo.update(tx.db, tx.tenantId, id, { position: 0 });
      await renumber(tx);
      const count = (await repo.list(tx.db, tx.tenantId)).length - 1;
      position = await place(tx, patch.position, count);
    }
    const updated = await repo.update(tx.db, tx.tenantId, id, {
      position,
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.description !== undefined ? { description: patch.description } : {}),
      ...(patch.enabled !== undefined ? { enabled: patch.enabled } : {}),
      ...(patch.stop !== undefined ? { stop: patch.stop } : {}),
      ...(checked ?? {}),
      version: row.version + 1, updatedAt: tx.clock.now(), updatedBy: actorOf(tx),
    });
    await renumber(tx);
    await repo.recordVersion(tx.db, versionRow(updated, 'updated'));
    return ruleView((await repo.find(tx.db, tx.tenantId, id))!);
  });
}

export async function deleteRule(ctx: RequestContext, id: string): Promise<void> {
  await changeSet(ctx, async (tx) => {
    const row = await repo.find(tx.db, tx.tenantId, id);
    if (!row) throw new AppError('RULE_NOT_FOUND', `rule ${id} not found`);
    await repo.remove(tx.db, tx.tenantId, id);
    await repo.recordVersion(tx.db, versionRow({ ...row, version: row.version + 1, updatedAt: tx.clock.now(), updatedBy: actorOf(tx) }, 'deleted'));
    await renumber(tx);
  });
}

export async function ruleHistory(ctx: RequestContext, id: string) {
  const rows = await repo.versions(ctx.db, ctx.tenantId, id);
  if (rows.length === 0) throw new AppError('RULE_NOT_FOUND', `rule ${id} not found`);
  return rows.map((r) => ({
    version: r.version, change: r.change, position: r.position, name: r.name, description: r.description, enabled: r.enabled, stop: r.stop,
    condition: r.condition, actions: r.actions, savedAt: r.savedAt.toISOString(), savedBy: r.savedBy,
  }));
}

/** Compiled rule sets of this process, one per tenant, replaced when the set's version moves on. */
const compiled = new Map<string, CompiledRules>();

/** The tenant's enabled rules, compiled: one version read, and a compilation only when the version is new to this process. */
export async function compiledRules(ctx: RequestContext): Promise<CompiledRules> {
  let version = await repo.setVersion(ctx.db, ctx.tenantId);
  if (version === null) {
    await ensureRuleSet(ctx);
    version = (await repo.setVersion(ctx.db, ctx.tenantId))!;
  }
  const cached = compiled.get(ctx.tenantId);
  if (cached?.version === version) return cached;
  const rows = (await repo.list(ctx.db, ctx.tenantId)).filter((r) => r.enabled);
  const fresh = compileRules(version, rows.map((r) => ({ id: r.id, version: r.version, name: r.name, stop: r.stop, condition: r.condition, actions: r.actions, routed: r.routed })));
  if (compiled.size > 10_000) compiled.clear();
  compiled.set(ctx.tenantId, fresh);
  return fresh;
}

export interface DraftRule {
  /** The saved rule this draft stands in for; a new rule (run last) when absent. */
  id?: string;
  name?: string;
  stop?: boolean;
  condition: unknown;
  actions: unknown;
}

/**
 * The dry run: every rule of the set (a draft in place of its saved rule, or last) against one
 * order, saying which matched and what all of them together would decide. Nothing is saved.
 */
export async function dryRun(ctx: RequestContext, subject: OrderSubject, draft?: DraftRule) {
  await ensureRuleSet(ctx);
  const [version, rows] = await Promise.all([repo.setVersion(ctx.db, ctx.tenantId), repo.list(ctx.db, ctx.tenantId)]);
  const list: (RuleToCompile & { enabled: boolean; draft: boolean })[] = rows.map((r) => ({
    id: r.id, version: r.version, name: r.name, stop: r.stop, condition: r.condition, actions: r.actions, routed: r.routed, enabled: r.enabled, draft: false,
  }));
  if (draft) {
    const checked = await checkRule(ctx, draft);
    const saved = draft.id ? list.findIndex((r) => r.id === draft.id) : -1;
    if (draft.id && saved < 0) throw new AppError('RULE_NOT_FOUND', `rule ${draft.id} not found`);
    const entry = { id: draft.id ?? 'draft', version: saved >= 0 ? list[saved]!.version + 1 : 1, name: draft.name ?? list[saved]?.name ?? 'draft', stop: draft.stop ?? list[saved]?.stop ?? false, ...checked, enabled: true, draft: true };
    if (saved >= 0) list[saved] = entry;
    else list.push(entry);
  }
  const enabled = list.filter((r) => r.enabled);
  const set = compileRules(version!, enabled);
  const facts = factsOf(subject, set.zones);
  const routedKnown = subject.warehouses !== undefined && subject.warehouses.length > 0;
  const outcome = evaluate(set.intake, facts);
  if (routedKnown) evaluate(set.routed, facts, outcome);
  const fired = new Set(outcome.fired.map((f) => f.id));
  const each = [...set.intake, ...set.routed];
  return {
    version: version!,
    rules: list.map((r) => {
      const compiledRule = each.find((c) => c.id === r.id);
      const matched = !!compiledRule && (!r.routed || routedKnown) && compiledRule.matches(facts);
      return {
        id: r.id, version: r.version, name: r.name, draft: r.draft, enabled: r.enabled, runs: r.routed ? 'after_routing' : 'at_intake',
        matched, fired: fired.has(r.id), actions: r.actions,
        ...(!r.enabled ? { note: 'disabled' } : r.routed && !routedKnown ? { note: 'tests the routed warehouse; give warehouses, or an order that was routed' } : matched && !fired.has(r.id) ? { note: 'matched, but an earlier rule said stop' } : {}),
      };
    }),
    outcome: {
      priority: outcome.priority?.value ?? null, group: outcome.group?.value ?? null, hold: outcome.hold?.reason ?? null, tags: outcome.tags,
      alerts: outcome.alerts.map((a) => a.message), webhooks: outcome.webhooks.map((w) => w.url), prefer: outcome.prefer, avoid: outcome.avoid,
      overridden: outcome.overridden, stopped: outcome.stopped,
    },
  };
}
