import type { RequestContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { decodeCursor, encodeCursor, pageOf, pageProbe } from '../../platform/paging.ts';
import { sqlStateOf } from '../../platform/db/index.ts';
import { getWarehouse } from '../warehouses/warehouses.service.ts';
import * as repo from './inventory.repository.ts';
import type { LevelRow, MovementRow } from './inventory.repository.ts';
import * as sync from './stock-sync.repository.ts';

/** Movement kinds recorded apart from orders: by hand, or as a WMS reports them (wms_report); reservations, releases and shipments come from orders. */
export type ManualKind = 'receipt' | 'adjustment' | 'count_correction' | 'wms_report';

export interface StockChange {
  sku: string;
  warehouseCode: string;
  /** Units added (receipt) or the signed change (adjustment, correction). */
  quantity: number;
}

export interface ChangeOptions {
  kind: ManualKind;
  reason: string;
  reference?: string | null;
}

function isCheckViolation(err: unknown): boolean {
  return sqlStateOf(err) === '23514';
}

/**
 * Refuses (WAREHOUSE_NOT_FOUND) a code no warehouse has. Every write that may create a level
 * passes here first: a level at a warehouse that does not exist would be offered to channels,
 * and no order could ever be routed to it.
 */
async function assertWarehousesExist(ctx: RequestContext, codes: Iterable<string>): Promise<void> {
  for (const code of new Set(codes)) await getWarehouse(ctx, code);
}

/**
 * Records stock changes with their ledger movements in one transaction (the caller's, when
 * `ctx.db` is one). A change that would leave fewer than zero units on hand is refused whole.
 */
export async function changeStock(ctx: RequestContext, changes: StockChange[], options: ChangeOptions): Promise<LevelRow[]> {
  await assertWarehousesExist(ctx, changes.map((c) => c.warehouseCode));
  const now = ctx.clock.now();
  try {
    return await ctx.db.transaction(async (tx) => {
      const levels = await repo.applyDeltas(tx, ctx.tenantId, changes.map((c) => ({ ...c, onHand: c.quantity, reserved: 0 })), now);
      await repo.insertMovements(tx, changes.map((c) => ({
        tenantId: ctx.tenantId, sku: c.sku, warehouseCode: c.warehouseCode, kind: options.kind, onHandDelta: c.quantity,
        reservedDelta: 0, reason: options.reason, reference: options.reference ?? null, actorKind: ctx.actor.kind,
        actorId: ctx.actor.id, at: now,
      })));
      await sync.markDue(tx, ctx.tenantId, changes.map((c) => c.sku), now);
      return levels;
    });
  } catch (err) {
    if (isCheckViolation(err)) {
      throw new AppError('INSUFFICIENT_STOCK', 'the change would leave fewer than zero units on hand', {
        changes: changes.map((c) => ({ sku: c.sku, warehouseCode: c.warehouseCode, quantity: c.quantity })),
      });
    }
    throw err;
  }
}

/**
 * Sets on-hand to a counted figure: writes the difference as one movement and returns its id (null
 * when the count matched the book). Locks the level first so the difference is exact.
 */
export async function correctToCount(ctx: RequestContext, sku: string, warehouseCode: string, counted: number, reason: string, reference: string): Promise<{ movementId: number | null; before: number }> {
  await assertWarehousesExist(ctx, [warehouseCode]);
  const now = ctx.clock.now();
  const level = await repo.findLevel(ctx.db, ctx.tenantId, { sku, warehouseCode }, true);
  const before = level?.onHand ?? 0;
  const delta = counted - before;
  if (delta === 0) return { movementId: null, before };
  await repo.applyDeltas(ctx.db, ctx.tenantId, [{ sku, warehouseCode, onHand: delta, reserved: 0 }], now);
  const movementId = await repo.insertMovement(ctx.db, {
    tenantId: ctx.tenantId, sku, warehouseCode, kind: 'count_correction', onHandDelta: delta, reservedDelta: 0, reason,
    reference, actorKind: ctx.actor.kind, actorId: ctx.actor.id, at: now,
  });
  await sync.markDue(ctx.db, ctx.tenantId, [sku], now);
  return { movementId, before };
}

/** A level as the API shows it: what is there, what is promised, what is left to sell. */
export function levelView(row: LevelRow, skuSafety = 0) {
  const safetyStock = row.safetyStock ?? skuSafety;
  const available = row.onHand - row.reserved;
  return {
    sku: row.sku,
    warehouseCode: row.warehouseCode,
    onHand: row.onHand,
    reserved: row.reserved,
    available,
    safetyStock,
    /** At or under safety stock: channels are told zero. */
    belowSafety: available <= safetyStock,
    updatedAt: row.updatedAt.toISOString(),
  };
}

export async function listLevels(ctx: RequestContext, filter: { sku?: string; warehouseCode?: string; after?: { sku: string; warehouseCode: string }; limit: number }) {
  const rows = await repo.listLevels(ctx.db, ctx.tenantId, { ...filter, limit: pageProbe(filter.limit) });
  const page = pageOf(rows, filter.limit, (last) => encodeCursor([last.sku, last.warehouseCode]));
  const safety = await repo.skuSafetyStocks(ctx.db, ctx.tenantId, [...new Set(page.rows.map((r) => r.sku))]);
  return { items: page.rows.map((r) => levelView(r, safety.get(r.sku) ?? 0)), nextCursor: page.next };
}

/** Every level (of one warehouse, if given), a page at a time. */
export async function* everyLevel(ctx: RequestContext, warehouseCode?: string) {
  let after: { sku: string; warehouseCode: string } | undefined;
  for (;;) {
    const page = await listLevels(ctx, { warehouseCode, after, limit: 500 });
    yield* page.items;
    const last = page.items[page.items.length - 1];
    if (!page.nextCursor || !last) return;
    after = { sku: last.sku, warehouseCode: last.warehouseCode };
  }
}

/** A levels page's cursor: the last level's SKU and warehouse. */
export function decodeLevelCursor(cursor: string): { sku: string; warehouseCode: string } {
  const [sku, warehouseCode] = decodeCursor(cursor, 2);
  return { sku: sku!, warehouseCode: warehouseCode! };
}

export function movementView(m: MovementRow) {
  return {
    id: String(m.id),
    sku: m.sku,
    warehouseCode: m.warehouseCode,
    kind: m.kind,
    onHandDelta: m.onHandDelta,
    reservedDelta: m.reservedDelta,
    reason: m.reason,
    reference: m.reference,
    actor: { kind: m.actorKind, id: m.actorId },
    at: m.at.toISOString(),
  };
}

export async function listMovements(ctx: RequestContext, filter: repo.MovementFilter) {
  const rows = await repo.listMovements(ctx.db, ctx.tenantId, { ...filter, limit: pageProbe(filter.limit) });
  const page = pageOf(rows, filter.limit, (last) => String(last.id));
  return { items: page.rows.map(movementView), nextBefore: page.next };
}

export async function setSafetyStock(ctx: RequestContext, sku: string, safetyStock: number, warehouseCode?: string) {
  if (warehouseCode) await assertWarehousesExist(ctx, [warehouseCode]);
  const now = ctx.clock.now();
  await ctx.db.transaction(async (tx) => {
    if (warehouseCode) await repo.setWarehouseSafetyStock(tx, ctx.tenantId, { sku, warehouseCode }, safetyStock, now);
    else await repo.setSkuSafetyStock(tx, ctx.tenantId, sku, safetyStock, now);
    await sync.markDue(tx, ctx.tenantId, [sku], now);
  });
}

/** Does every level equal its ledger and its live reservations? Used by `oms inventory verify`. */
export async function verifyLedger(db: RequestContext['db'], tenantId?: string) {
  const [mismatches, levels] = await Promise.all([repo.ledgerMismatches(db, tenantId), repo.countLevels(db, tenantId)]);
  return { ok: mismatches.length === 0, levelsChecked: levels, mismatches };
}
