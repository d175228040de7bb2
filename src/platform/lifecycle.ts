import type { Actor, RequestContext, Role } from './context.ts';
import type { Database } from './db/index.ts';
import { AppError, type ErrorCode } from './errors.ts';

/**
 * One mechanism for every status a module keeps (orders, delivery orders, shipment notices, count
 * tasks): the lifecycle is data, a table of the moves allowed and who may ask for each, with
 * guards for the rules a table cannot say. A module hands in how its rows are read and saved; the
 * engine checks every move against the table, the actor's role and the guards before it is saved,
 * and the save applies a move only while the row is still in the status it was checked from.
 */

/** Who may ask for a move: the platform itself always may; people only with these roles. */
export type Allowed = readonly Role[];
/** A move only the platform makes. */
export const SYSTEM_ONLY: Allowed = [];

/** from-status → to-status → who may ask. A move not in the table is illegal. */
export type TransitionTable<S extends string> = Readonly<Record<S, Partial<Record<S, Allowed>>>>;

/** Why a move is refused, with the stable code the caller sees. */
export interface Refusal {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
}

export type Check = { ok: true } | ({ ok: false } & Refusal);

/** A move under consideration: the row, where it is, where it would go, and who asks (null: the platform). */
export interface Proposed<S extends string, R> {
  row: R;
  from: S;
  to: S;
  role: Role | null;
}

/** A rule on some moves beyond the table; returns why the move is refused, or null to let it pass. */
export type Guard<S extends string, R> = (move: Proposed<S, R>) => Refusal | null;

export interface LifecycleDefinition<S extends string, R> {
  /** What a row is, for messages: "an order", "a delivery order". */
  noun: string;
  statuses: readonly S[];
  table: TransitionTable<S>;
  /** Statuses a row may be written in when it is inserted, and who may insert it so. */
  entry: Partial<Record<S, Allowed>>;
  guards?: readonly Guard<S, R>[];
  /** The status a row is in. */
  statusOf(row: R): S;
}

export interface Lifecycle<S extends string, R> extends LifecycleDefinition<S, R> {
  /** Whether `from → to` is in the table and this role may ask for it, and every guard lets it pass. */
  check(move: Proposed<S, R>): Check;
  /** Whether a row may be inserted in `status` by this role. */
  checkEntry(status: S, role: Role | null): Check;
  /** The statuses from which `to` may be reached. */
  fromStatusesOf(to: S): S[];
  /** Statuses that leave no way out. */
  isTerminal(status: S): boolean;
}

function allows(allowed: Allowed | undefined, role: Role | null): 'illegal' | 'forbidden' | 'ok' {
  if (!allowed) return 'illegal';
  return role === null || allowed.includes(role) ? 'ok' : 'forbidden';
}

export function defineLifecycle<S extends string, R>(def: LifecycleDefinition<S, R>): Lifecycle<S, R> {
  const check = (move: Proposed<S, R>): Check => {
    const { from, to, role } = move;
    const verdict = allows(def.table[from]?.[to], role);
    if (verdict === 'illegal') return { ok: false, code: 'ILLEGAL_TRANSITION', message: `${def.noun} cannot go from ${from} to ${to}` };
    if (verdict === 'forbidden') return { ok: false, code: 'FORBIDDEN', message: `role ${role} may not move ${def.noun} from ${from} to ${to}` };
    for (const guard of def.guards ?? []) {
      const refusal = guard(move);
      if (refusal) return { ok: false, ...refusal };
    }
    return { ok: true };
  };
  return {
    ...def,
    check,
    checkEntry(status, role) {
      const verdict = allows(def.entry[status], role);
      if (verdict === 'illegal') return { ok: false, code: 'ILLEGAL_TRANSITION', message: `${def.noun} cannot start out ${status}` };
      if (verdict === 'forbidden') return { ok: false, code: 'FORBIDDEN', message: `role ${role} may not make ${def.noun} that is ${status}` };
      return { ok: true };
    },
    fromStatusesOf: (to) => def.statuses.filter((s) => def.table[s][to] !== undefined),
    isTerminal: (status) => Object.keys(def.table[status]).length === 0,
  };
}

/** A checked move, ready to be saved: what the module's save function writes, with its event. */
export interface Move<S extends string, R, P> {
  id: string;
  row: R;
  from: S;
  to: S;
  /** What else the move writes on the row (when it was sent, why it stopped, …). */
  patch: P;
  reason: string | null;
  data: Record<string, unknown> | null;
  at: Date;
  actor: Actor;
}

/** How a module's rows are found and saved; the platform knows no table. */
export interface LifecycleStore<S extends string, R, P> {
  idOf(row: R): string;
  /** Reads one row, locked until the transaction ends; null when there is none. */
  lock(db: Database, tenantId: string, id: string): Promise<R | null>;
  /** The error for a row that does not exist. */
  notFound(id: string): AppError;
  /**
   * Saves the moves in one go, each only while its row is still in `from`, and appends their
   * events; returns the rows moved, as they are now, by id.
   */
  save(db: Database, tenantId: string, moves: Move<S, R, P>[]): Promise<Map<string, R>>;
}

export interface Planned<S extends string, R, P> {
  row: R;
  to: S;
  reason?: string | null;
  data?: Record<string, unknown> | null;
  patch?: P;
}

export interface PlanOptions {
  /** Moves the platform makes of its own accord: the actor's role is not consulted. */
  platform?: boolean;
  /** A refused move is left out instead of failing them all (a batch of reports, some stale). */
  skipRefused?: boolean;
}

/** Throws the refusal as the error callers see. */
export function refuse(check: Check, details: Record<string, unknown> = {}, prefix = ''): void {
  if (!check.ok) throw new AppError(check.code, prefix + check.message, { ...details, ...check.details });
}

/**
 * Checks planned moves against the lifecycle and makes them the moves to save: for a caller that
 * writes them in a statement of its own, or through `transitionMany`. A refused move throws
 * (or, with `skipRefused`, is left out).
 */
export function planMoves<S extends string, R, P>(
  ctx: Pick<RequestContext, 'actor' | 'clock'>,
  lifecycle: Lifecycle<S, R>,
  store: Pick<LifecycleStore<S, R, P>, 'idOf'>,
  planned: readonly Planned<S, R, P>[],
  options: PlanOptions = {},
): Move<S, R, P>[] {
  const at = ctx.clock.now();
  const role = options.platform ? null : ctx.actor.role;
  return planned.flatMap((p) => {
    const from = lifecycle.statusOf(p.row);
    const id = store.idOf(p.row);
    const check = lifecycle.check({ row: p.row, from, to: p.to, role });
    if (!check.ok) {
      if (options.skipRefused) return [];
      refuse(check, { id, from, to: p.to }, `${id}: `);
    }
    return [{ id, row: p.row, from, to: p.to, patch: (p.patch ?? {}) as P, reason: p.reason ?? null, data: p.data ?? null, at, actor: ctx.actor }];
  });
}

/**
 * Moves many rows at once in the caller's transaction: checked, then saved in one go. A row that
 * left its status since it was read is not moved; the rows moved come back by id.
 */
export async function transitionMany<S extends string, R, P>(
  ctx: RequestContext,
  lifecycle: Lifecycle<S, R>,
  store: LifecycleStore<S, R, P>,
  planned: readonly Planned<S, R, P>[],
  options: PlanOptions = {},
): Promise<Map<string, R>> {
  const moves = planMoves(ctx, lifecycle, store, planned, options);
  if (moves.length === 0) return new Map();
  return store.save(ctx.db, ctx.tenantId, moves);
}

export interface TransitionRequest<S extends string, R, P> {
  to: S;
  reason?: string | null;
  data?: Record<string, unknown> | null;
  /** The work of the step, done once the move is allowed and before it is saved; returns what else the move writes. */
  effect?: (ctx: RequestContext, row: R) => Promise<P>;
}

/**
 * The one way a single row changes status: locks it, checks the move against the table, the
 * actor's role and the guards, lets `effect` do the step's work, saves and appends the event, all
 * in one transaction (the caller's, when `ctx.db` is one). Returns the row as it is now.
 */
export async function transition<S extends string, R, P>(
  ctx: RequestContext,
  lifecycle: Lifecycle<S, R>,
  store: LifecycleStore<S, R, P>,
  id: string,
  request: TransitionRequest<S, R, P>,
  options: Pick<PlanOptions, 'platform'> = {},
): Promise<R> {
  return ctx.db.transaction(async (db) => {
    const tx = { ...ctx, db };
    const row = await store.lock(db, ctx.tenantId, id);
    if (row === null) throw store.notFound(id);
    const from = lifecycle.statusOf(row);
    refuse(lifecycle.check({ row, from, to: request.to, role: options.platform ? null : ctx.actor.role }), { id, from, to: request.to });
    const patch = request.effect ? await request.effect(tx, row) : ({} as P);
    const move: Move<S, R, P> = {
      id, row, from, to: request.to, patch, reason: request.reason ?? null, data: request.data ?? null, at: ctx.clock.now(), actor: ctx.actor,
    };
    const saved = (await store.save(db, ctx.tenantId, [move])).get(id);
    if (saved === undefined) throw new Error(`${lifecycle.noun} ${id} left ${from} while locked`);
    return saved;
  });
}
