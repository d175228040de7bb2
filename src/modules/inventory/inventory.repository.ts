import { and, asc, desc, eq, gte, inArray, lt, sql, type SQL } from 'drizzle-orm';
import { executeNamed, insertRows, rowsOf, type Database } from '../../platform/db/index.ts';
import { instantFromDb } from '../../platform/time/instants.ts';
import { inventorySettings, oversells, skuStockSettings, stockLevels, stockMovements } from './inventory.schema.ts';

export type LevelRow = typeof stockLevels.$inferSelect;
export type MovementRow = typeof stockMovements.$inferSelect;
export type NewMovementRow = typeof stockMovements.$inferInsert;
export type SettingsRow = typeof inventorySettings.$inferSelect;

export interface LevelKey {
  sku: string;
  warehouseCode: string;
}

export interface LevelDelta extends LevelKey {
  onHand: number;
  reserved: number;
}

/** Rows are locked in this order everywhere, so two transactions never wait on each other in a circle. */
const lockOrder = sql`sku collate "C", warehouse_code collate "C"`;

const json = (value: unknown) => sql`${JSON.stringify(value)}::jsonb`;

/**
 * Adds the deltas to the levels, locking rows in key order; rows missing are created at zero
 * first. A delta that would take a figure below zero fails the table's check, and the whole
 * statement with it.
 */
export async function applyDeltas(db: Database, tenantId: string, deltas: LevelDelta[], at: Date): Promise<LevelRow[]> {
  if (deltas.length === 0) return [];
  const rows = json(merged(deltas).map((d) => ({ sku: d.sku, warehouse_code: d.warehouseCode, on_hand: d.onHand, reserved: d.reserved })));
  const stamp = sql`${at.toISOString()}::timestamptz`;
  await db.execute(sql`
    insert into stock_levels (tenant_id, sku, warehouse_code, on_hand, reserved, updated_at)
    select ${tenantId}, d.sku, d.warehouse_code, 0, 0, ${stamp}
    from jsonb_to_recordset(${rows}) as d(sku text, warehouse_code text)
    order by ${lockOrder}
    on conflict (tenant_id, sku, warehouse_code) do nothing`);
  const result = await db.execute(sql`
    with d as (
      select * from jsonb_to_recordset(${rows}) as d(sku text, warehouse_code text, on_hand int, reserved int)
    ), locked as (
      select s.sku, s.warehouse_code, d.on_hand, d.reserved
      from stock_levels s join d on s.sku = d.sku and s.warehouse_code = d.warehouse_code
      where s.tenant_id = ${tenantId} and s.sku = any(array(select sku from d))
      order by s.sku collate "C", s.warehouse_code collate "C"
      for update of s
    )
    update stock_levels s
      set on_hand = s.on_hand + l.on_hand, reserved = s.reserved + l.reserved, updated_at = ${stamp}
    from locked l
    where s.tenant_id = ${tenantId} and s.sku = l.sku and s.warehouse_code = l.warehouse_code
    returning s.*`);
  return rowsOf(result).map(levelFromSql);
}

/** One delta per key: an UPDATE … FROM applies only one source row to each target row. */
function merged(deltas: LevelDelta[]): LevelDelta[] {
  const byKey = new Map<string, LevelDelta>();
  for (const d of deltas) {
    const k = `${d.sku}\u0000${d.warehouseCode}`;
    const sum = byKey.get(k);
    if (sum) {
      sum.onHand += d.onHand;
      sum.reserved += d.reserved;
    } else byKey.set(k, { ...d });
  }
  return [...byKey.values()];
}

export async function insertMovements(db: Database, rows: NewMovementRow[]): Promise<void> {
  await insertRows(db, stockMovements, rows);
}

/** Inserts one movement and returns its id (for records that point at the movement they caused). */
export async function insertMovement(db: Database, row: NewMovementRow): Promise<number> {
  const rows = await db.insert(stockMovements).values(row).returning({ id: stockMovements.id });
  return rows[0]!.id;
}

export interface LevelFilter {
  sku?: string;
  warehouseCode?: string;
  skus?: string[];
  after?: LevelKey;
  limit: number;
}

export async function listLevels(db: Database, tenantId: string, f: LevelFilter): Promise<LevelRow[]> {
  const where: SQL[] = [eq(stockLevels.tenantId, tenantId)];
  if (f.sku) where.push(eq(stockLevels.sku, f.sku));
  if (f.skus) where.push(inArray(stockLevels.sku, f.skus));
  if (f.warehouseCode) where.push(eq(stockLevels.warehouseCode, f.warehouseCode));
  if (f.after) where.push(sql`(${stockLevels.sku}, ${stockLevels.warehouseCode}) > (${f.after.sku}, ${f.after.warehouseCode})`);
  return db.select().from(stockLevels).where(and(...where)).orderBy(asc(stockLevels.sku), asc(stockLevels.warehouseCode)).limit(f.limit);
}

export async function findLevel(db: Database, tenantId: string, key: LevelKey, lock = false): Promise<LevelRow | null> {
  const query = db
    .select()
    .from(stockLevels)
    .where(and(eq(stockLevels.tenantId, tenantId), eq(stockLevels.sku, key.sku), eq(stockLevels.warehouseCode, key.warehouseCode)));
  const rows = lock ? await query.for('update') : await query;
  return rows[0] ?? null;
}

export async function setWarehouseSafetyStock(db: Database, tenantId: string, key: LevelKey, safetyStock: number | null, at: Date): Promise<void> {
  await db
    .insert(stockLevels)
    .values({ tenantId, ...key, safetyStock, updatedAt: at })
    .onConflictDoUpdate({ target: [stockLevels.tenantId, stockLevels.sku, stockLevels.warehouseCode], set: { safetyStock, updatedAt: at } });
}

export async function setSkuSafetyStock(db: Database, tenantId: string, sku: string, safetyStock: number, at: Date): Promise<void> {
  await db
    .insert(skuStockSettings)
    .values({ tenantId, sku, safetyStock, updatedAt: at })
    .onConflictDoUpdate({ target: [skuStockSettings.tenantId, skuStockSettings.sku], set: { safetyStock, updatedAt: at } });
}

export interface BookLevel {
  sku: string;
  warehouseCode: string;
  onHand: number;
  reserved: number;
  safetyStock: number | null;
  skuSafetyStock: number | null;
}

/**
 * Every level of these SKUs, at any warehouse, with the SKU's own safety stock: what a batch's
 * plan reads, without locking. One prepared statement whatever the number of SKUs (they travel
 * as one JSON parameter), as it runs once per batch on the hot path.
 */
export async function levelsWithSkuSafety(db: Database, tenantId: string, skus: string[]): Promise<BookLevel[]> {
  if (skus.length === 0) return [];
  const result = await executeNamed(db, sql`
    with k as (select value as sku from json_array_elements_text(${JSON.stringify(skus)}::json))
    select s.sku, s.warehouse_code, s.on_hand, s.reserved, s.safety_stock, g.safety_stock as sku_safety_stock
    from stock_levels s left join sku_stock_settings g on g.tenant_id = s.tenant_id and g.sku = s.sku
    where s.tenant_id = ${tenantId} and s.sku = any(array(select sku from k))`);
  return rowsOf(result).map((r) => ({
    sku: String(r.sku), warehouseCode: String(r.warehouse_code), onHand: Number(r.on_hand), reserved: Number(r.reserved),
    safetyStock: r.safety_stock === null ? null : Number(r.safety_stock), skuSafetyStock: r.sku_safety_stock === null ? null : Number(r.sku_safety_stock),
  }));
}

export async function skuSafetyStocks(db: Database, tenantId: string, skus: string[]): Promise<Map<string, number>> {
  if (skus.length === 0) return new Map();
  const rows = await db
    .select({ sku: skuStockSettings.sku, safetyStock: skuStockSettings.safetyStock })
    .from(skuStockSettings)
    .where(and(eq(skuStockSettings.tenantId, tenantId), inArray(skuStockSettings.sku, skus)));
  return new Map(rows.map((r) => [r.sku, r.safetyStock]));
}

export interface MovementFilter {
  sku?: string;
  warehouseCode?: string;
  kind?: string;
  reference?: string;
  beforeId?: number;
  limit: number;
}

export async function listMovements(db: Database, tenantId: string, f: MovementFilter): Promise<MovementRow[]> {
  const where: SQL[] = [eq(stockMovements.tenantId, tenantId)];
  if (f.sku) where.push(eq(stockMovements.sku, f.sku));
  if (f.warehouseCode) where.push(eq(stockMovements.warehouseCode, f.warehouseCode));
  if (f.kind) where.push(eq(stockMovements.kind, f.kind));
  if (f.reference) where.push(eq(stockMovements.reference, f.reference));
  if (f.beforeId !== undefined) where.push(lt(stockMovements.id, f.beforeId));
  return db.select().from(stockMovements).where(and(...where)).orderBy(desc(stockMovements.id)).limit(f.limit);
}

export async function findSettings(db: Database, tenantId: string): Promise<SettingsRow | null> {
  const rows = await db.select().from(inventorySettings).where(eq(inventorySettings.tenantId, tenantId));
  return rows[0] ?? null;
}

export async function upsertSettings(db: Database, row: typeof inventorySettings.$inferInsert): Promise<SettingsRow> {
  const { tenantId: _tenant, ...set } = row;
  const rows = await db.insert(inventorySettings).values(row).onConflictDoUpdate({ target: inventorySettings.tenantId, set }).returning();
  return rows[0]!;
}

/** A level that disagrees with its ledger or with its live reservations. */
export interface LedgerMismatch extends LevelKey {
  tenantId: string;
  onHand: number;
  reserved: number;
  ledgerOnHand: number;
  ledgerReserved: number;
  activeReserved: number;
}

/**
 * Every level whose figures differ from the sums of its movements, or whose reserved figure
 * differs from its active reservations; empty when the books are whole.
 */
export async function ledgerMismatches(db: Database, tenantId?: string): Promise<LedgerMismatch[]> {
  const tenantFilter = (column: SQL) => (tenantId === undefined ? sql`true` : sql`${column} = ${tenantId}`);
  const result = await db.execute(sql`
    with ledger as (
      select tenant_id, sku, warehouse_code, sum(on_hand_delta)::bigint as on_hand, sum(reserved_delta)::bigint as reserved
      from stock_movements where ${tenantFilter(sql`tenant_id`)} group by tenant_id, sku, warehouse_code
    ), held as (
      select tenant_id, sku, warehouse_code, sum(quantity)::bigint as reserved
      from reservations where status = 'active' and ${tenantFilter(sql`tenant_id`)} group by tenant_id, sku, warehouse_code
    )
    select coalesce(s.tenant_id, l.tenant_id) as tenant_id, coalesce(s.sku, l.sku) as sku,
           coalesce(s.warehouse_code, l.warehouse_code) as warehouse_code,
           coalesce(s.on_hand, 0) as on_hand, coalesce(s.reserved, 0) as reserved,
           coalesce(l.on_hand, 0) as ledger_on_hand, coalesce(l.reserved, 0) as ledger_reserved,
           coalesce(h.reserved, 0) as active_reserved
    from (select * from stock_levels where ${tenantFilter(sql`tenant_id`)}) s
    full join ledger l on l.tenant_id = s.tenant_id and l.sku = s.sku and l.warehouse_code = s.warehouse_code
    left join held h on h.tenant_id = coalesce(s.tenant_id, l.tenant_id) and h.sku = coalesce(s.sku, l.sku)
      and h.warehouse_code = coalesce(s.warehouse_code, l.warehouse_code)
    where coalesce(s.on_hand, 0) <> coalesce(l.on_hand, 0)
       or coalesce(s.reserved, 0) <> coalesce(l.reserved, 0)
       or coalesce(s.reserved, 0) <> coalesce(h.reserved, 0)
       or coalesce(s.on_hand, 0) < 0 or coalesce(s.reserved, 0) < 0
    order by 1, 2, 3`);
  return rowsOf(result).map((r) => ({
    tenantId: String(r.tenant_id),
    sku: String(r.sku),
    warehouseCode: String(r.warehouse_code),
    onHand: Number(r.on_hand),
    reserved: Number(r.reserved),
    ledgerOnHand: Number(r.ledger_on_hand),
    ledgerReserved: Number(r.ledger_reserved),
    activeReserved: Number(r.active_reserved),
  }));
}

/** Levels counted, for the verify report. */
export async function countLevels(db: Database, tenantId?: string): Promise<number> {
  const result = await db.execute(
    tenantId === undefined
      ? sql`select count(*)::int as n from stock_levels`
      : sql`select count(*)::int as n from stock_levels where tenant_id = ${tenantId}`,
  );
  return Number(rowsOf(result)[0]?.n ?? 0);
}

function levelFromSql(r: Record<string, unknown>): LevelRow {
  return {
    tenantId: String(r.tenant_id),
    sku: String(r.sku),
    warehouseCode: String(r.warehouse_code),
    onHand: Number(r.on_hand),
    reserved: Number(r.reserved),
    safetyStock: r.safety_stock === null || r.safety_stock === undefined ? null : Number(r.safety_stock),
    updatedAt: instantFromDb(r.updated_at as string | Date),
  };
}

export async function insertOversells(db: Database, rows: (typeof oversells.$inferInsert)[]): Promise<void> {
  if (rows.length === 0) return;
  await db.insert(oversells).values(rows);
}

/** Oversells per channel between two instants. */
export async function oversellCounts(db: Database, tenantId: string, from: Date, to: Date): Promise<Map<string, number>> {
  const rows = await db
    .select({ channel: oversells.channel, n: sql<number>`count(*)::int` })
    .from(oversells)
    .where(and(eq(oversells.tenantId, tenantId), gte(oversells.at, from), lt(oversells.at, to)))
    .groupBy(oversells.channel);
  return new Map(rows.map((r) => [r.channel, Number(r.n)]));
}
