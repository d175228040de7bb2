import { and, asc, eq, isNotNull, sql, type SQL } from 'drizzle-orm';
import { executeNamed, rowsOf, type Database, composeCtes, cteParts, type CteParts } from '../../platform/db/index.ts';
import { instantFromDb, instantFromDbOrNull } from '../../platform/time/instants.ts';
import { channelListings, stockPushes, stockSyncRules } from './stock-sync.schema.ts';

export type ListingRow = typeof channelListings.$inferSelect;
export type RuleRow = typeof stockSyncRules.$inferSelect;
export type NewRuleRow = typeof stockSyncRules.$inferInsert;
export type PushRow = typeof stockPushes.$inferSelect;

const stamp = (at: Date) => sql`${at.toISOString()}::timestamptz`;
const jsonList = (values: string[]) => sql`(select jsonb_array_elements_text(${JSON.stringify(values)}::jsonb))`;

/**
 * A change needs writing down only when the row rests or a push is in flight; a row already
 * waiting (due, or in backoff) pushes the book as it is when its time comes.
 */
const stillToTell = sql`stock_pushes.due_at is null or stock_pushes.lease_until is not null`;

/**
 * Marks every shop listing these SKUs as due for a stock push. A row already due keeps its time,
 * so a burst of changes becomes one push carrying the latest figure; a change while a push is in
 * flight bumps `change_seq`, so that push leaves the row due again when it finishes.
 * Rows are locked in (shop, SKU) order, as everywhere else.
 */
export async function markDue(db: Database, tenantId: string, skus: string[], at: Date): Promise<void> {
  if (skus.length === 0) return;
  await db.execute(markDueStatement(tenantId, jsonList([...new Set(skus)].sort()), at));
}

/** The statement behind markDue, for SKUs given by a subquery (another statement's changed rows). */
export function markDueStatement(tenantId: string, skus: SQL, at: Date): SQL {
  return sql`
    insert into stock_pushes (tenant_id, shop_id, sku, channel, due_at, updated_at)
    select l.tenant_id, l.shop_id, l.sku, l.channel, ${stamp(at)}, ${stamp(at)}
    from channel_listings l
    where l.tenant_id = ${tenantId} and l.active and l.sku = any(array${skus})
    order by l.shop_id collate "C", l.sku collate "C"
    on conflict (tenant_id, shop_id, sku) do update
      set due_at = coalesce(stock_pushes.due_at, excluded.due_at), change_seq = stock_pushes.change_seq + 1,
          updated_at = excluded.updated_at
      where ${stillToTell}`;
}

/** Marks one shop's active listings due: all of them, or only these SKUs (a rule changed). */
export async function markShopDue(db: Database, tenantId: string, shopId: string, skus: string[] | null, at: Date): Promise<void> {
  if (skus !== null && skus.length === 0) return;
  const only = skus === null ? sql`true` : sql`l.sku in ${jsonList([...new Set(skus)].sort())}`;
  await db.execute(sql`
    insert into stock_pushes (tenant_id, shop_id, sku, channel, due_at, updated_at)
    select l.tenant_id, l.shop_id, l.sku, l.channel, ${stamp(at)}, ${stamp(at)}
    from channel_listings l
    where l.tenant_id = ${tenantId} and l.shop_id = ${shopId} and l.active and ${only}
    order by l.shop_id collate "C", l.sku collate "C"
    on conflict (tenant_id, shop_id, sku) do update
      set due_at = coalesce(stock_pushes.due_at, excluded.due_at), change_seq = stock_pushes.change_seq + 1,
          updated_at = excluded.updated_at
      where ${stillToTell}`);
}

// ---------------------------------------------------------------------------------------------
// Listings

export interface SoldListing {
  shopId: string;
  channel: string;
  sku: string;
}

/**
 * The CTEs `listed` (the listings that did not exist yet, inserted; an inactive one stays
 * inactive) and `listed_due` (those new listings marked due for their first push).
 */
export function listingsIfAbsentCtes(tenantId: string, items: SoldListing[], at: Date): CteParts {
  const unique = new Map(items.map((i) => [`${i.shopId}\u0000${i.sku}`, i]));
  const sorted = [...unique.values()].sort((a, b) => (a.shopId === b.shopId ? cmp(a.sku, b.sku) : cmp(a.shopId, b.shopId)));
  const rows = JSON.stringify(sorted.map((i) => ({ shop_id: i.shopId, channel: i.channel, sku: i.sku })));
  return cteParts(['listed', 'listed_due'], sql`listed as (
      insert into channel_listings (tenant_id, shop_id, sku, channel, active, created_at)
      select ${tenantId}, i.shop_id, i.sku, i.channel, true, ${stamp(at)}
      from json_to_recordset(${rows}::json) as i(shop_id text, channel text, sku text)
      order by i.shop_id collate "C", i.sku collate "C"
      on conflict (tenant_id, shop_id, sku) do nothing
      returning tenant_id, shop_id, sku, channel
    ), listed_due as (
      insert into stock_pushes (tenant_id, shop_id, sku, channel, due_at, updated_at)
      select tenant_id, shop_id, sku, channel, ${stamp(at)}, ${stamp(at)} from listed
      order by shop_id collate "C", sku collate "C"
      on conflict (tenant_id, shop_id, sku) do update
        set due_at = coalesce(stock_pushes.due_at, excluded.due_at), change_seq = stock_pushes.change_seq + 1,
            channel = excluded.channel, updated_at = excluded.updated_at
      returning 1
    )`);
}

/** Inserts the listings that do not exist yet and marks them due (listingsIfAbsentCtes). Returns how many were new. */
export async function insertListingsIfAbsent(db: Database, tenantId: string, items: SoldListing[], at: Date): Promise<number> {
  if (items.length === 0) return 0;
  const result = await executeNamed(db, sql`${composeCtes([listingsIfAbsentCtes(tenantId, items, at)])} select count(*)::int as n from listed`);
  return Number(rowsOf(result)[0]?.n ?? 0);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Creates the listing, or turns an inactive one back on. Returns the row and whether it was off or absent. */
export async function upsertActiveListing(db: Database, row: { tenantId: string; shopId: string; sku: string; channel: string; at: Date }): Promise<{ listing: ListingRow; started: boolean }> {
  const existing = await findListing(db, row.tenantId, row.shopId, row.sku);
  if (existing?.active) return { listing: existing, started: false };
  const rows = await db
    .insert(channelListings)
    .values({ tenantId: row.tenantId, shopId: row.shopId, sku: row.sku, channel: row.channel, active: true, createdAt: row.at })
    .onConflictDoUpdate({ target: [channelListings.tenantId, channelListings.shopId, channelListings.sku], set: { active: true, channel: row.channel } })
    .returning();
  return { listing: rows[0]!, started: true };
}

export async function findListing(db: Database, tenantId: string, shopId: string, sku: string): Promise<ListingRow | null> {
  const rows = await db
    .select()
    .from(channelListings)
    .where(and(eq(channelListings.tenantId, tenantId), eq(channelListings.shopId, shopId), eq(channelListings.sku, sku)));
  return rows[0] ?? null;
}

export interface ListingFilter {
  shopId?: string;
  sku?: string;
  active?: boolean;
  after?: { shopId: string; sku: string };
  limit: number;
}

export async function listListings(db: Database, tenantId: string, f: ListingFilter): Promise<ListingRow[]> {
  const where: SQL[] = [eq(channelListings.tenantId, tenantId)];
  if (f.shopId) where.push(eq(channelListings.shopId, f.shopId));
  if (f.sku) where.push(eq(channelListings.sku, f.sku));
  if (f.active !== undefined) where.push(eq(channelListings.active, f.active));
  if (f.after) where.push(sql`(${channelListings.shopId}, ${channelListings.sku}) > (${f.after.shopId}, ${f.after.sku})`);
  return db
    .select()
    .from(channelListings)
    .where(and(...where))
    .orderBy(asc(channelListings.shopId), asc(channelListings.sku))
    .limit(f.limit);
}

/** Turns a listing off and drops its pending push: its stock is no longer synced. */
export async function deactivateListing(db: Database, tenantId: string, shopId: string, sku: string, at: Date): Promise<ListingRow | null> {
  const rows = await db
    .update(channelListings)
    .set({ active: false })
    .where(and(eq(channelListings.tenantId, tenantId), eq(channelListings.shopId, shopId), eq(channelListings.sku, sku)))
    .returning();
  if (rows.length === 0) return null;
  await db
    .update(stockPushes)
    .set({ dueAt: null, failingSince: null, attempts: 0, updatedAt: at })
    .where(and(eq(stockPushes.tenantId, tenantId), eq(stockPushes.shopId, shopId), eq(stockPushes.sku, sku)));
  return rows[0]!;
}

// ---------------------------------------------------------------------------------------------
// Rules

/** The shop's rule (`sku = '*'`) and the overrides of these SKUs (all overrides when null). */
export async function rulesOf(db: Database, tenantId: string, shopId: string, skus: string[] | null): Promise<RuleRow[]> {
  const where: SQL[] = [eq(stockSyncRules.tenantId, tenantId), eq(stockSyncRules.shopId, shopId)];
  if (skus !== null) where.push(sql`${stockSyncRules.sku} in ${jsonList(['*', ...skus])}`);
  return db.select().from(stockSyncRules).where(and(...where)).orderBy(asc(stockSyncRules.sku));
}

export async function upsertRule(db: Database, row: NewRuleRow): Promise<RuleRow> {
  const { tenantId: _t, shopId: _s, sku: _k, ...set } = row;
  const rows = await db
    .insert(stockSyncRules)
    .values(row)
    .onConflictDoUpdate({ target: [stockSyncRules.tenantId, stockSyncRules.shopId, stockSyncRules.sku], set })
    .returning();
  return rows[0]!;
}

export async function deleteRule(db: Database, tenantId: string, shopId: string, sku: string): Promise<boolean> {
  const rows = await db
    .delete(stockSyncRules)
    .where(and(eq(stockSyncRules.tenantId, tenantId), eq(stockSyncRules.shopId, shopId), eq(stockSyncRules.sku, sku)))
    .returning({ sku: stockSyncRules.sku });
  return rows.length > 0;
}

// ---------------------------------------------------------------------------------------------
// Pushes

/** A row the sender holds: its lease is the token every later write checks. */
export interface ClaimedPush {
  tenantId: string;
  shopId: string;
  sku: string;
  channel: string;
  changeSeq: number;
  attempts: number;
  failingSince: Date | null;
  leaseUntil: Date;
}

/**
 * Claims up to `limit` due rows whose lease is free, any tenant, earliest due first, skipping rows
 * another sender (or a stock change still in its transaction) holds. Each claimed row gets a lease
 * and stays due at the lease's end, so a sender that dies mid-push is replaced when the lease runs
 * out; a finished push releases it. Commit this before pushing.
 */
export async function claimDue(db: Database, now: Date, leaseMs: number, limit: number): Promise<ClaimedPush[]> {
  const leaseUntil = new Date(now.getTime() + leaseMs);
  const result = await db.execute(sql`
    with due as (
      select tenant_id, shop_id, sku from stock_pushes
      where due_at <= ${stamp(now)} and (lease_until is null or lease_until <= ${stamp(now)})
      order by due_at
      limit ${limit}
      for update skip locked
    )
    update stock_pushes p
      set lease_until = ${stamp(leaseUntil)}, due_at = ${stamp(leaseUntil)}
    from due
    where p.tenant_id = due.tenant_id and p.shop_id = due.shop_id and p.sku = due.sku
    returning p.tenant_id, p.shop_id, p.sku, p.channel, p.change_seq, p.attempts, p.failing_since, p.lease_until`);
  return rowsOf(result).map((r) => ({
    tenantId: String(r.tenant_id),
    shopId: String(r.shop_id),
    sku: String(r.sku),
    channel: String(r.channel),
    changeSeq: Number(r.change_seq),
    attempts: Number(r.attempts),
    failingSince: instantFromDbOrNull(r.failing_since),
    leaseUntil: instantFromDb(r.lease_until as string | Date),
  }));
}

/** True while the listing is on: a push finishing after it was turned off leaves nothing due. */
const listed = (claim: ClaimedPush) => sql`exists (
  select 1 from channel_listings l
  where l.tenant_id = ${claim.tenantId} and l.shop_id = ${claim.shopId} and l.sku = ${claim.sku} and l.active)`;

const held = (claim: ClaimedPush) => and(
  eq(stockPushes.tenantId, claim.tenantId),
  eq(stockPushes.shopId, claim.shopId),
  eq(stockPushes.sku, claim.sku),
  eq(stockPushes.leaseUntil, claim.leaseUntil),
);

/**
 * The channel took the figure. Errors clear; the row is due again at once if a change came in
 * while the push was in flight, otherwise it rests. False when the lease was lost meanwhile.
 */
export async function recordSuccess(db: Database, claim: ClaimedPush, pushed: { quantity: number; channelQty: number | null; at: Date }): Promise<boolean> {
  const rows = await db
    .update(stockPushes)
    .set({
      leaseUntil: null,
      dueAt: sql`case when ${stockPushes.changeSeq} <> ${claim.changeSeq} and ${listed(claim)} then ${stamp(pushed.at)} end`,
      attempts: 0,
      lastError: null,
      failingSince: null,
      lastPushedQty: pushed.quantity,
      lastPushedAt: pushed.at,
      // What the platform said it shows, when it said; otherwise an older figure no longer holds.
      channelQty: pushed.channelQty,
      channelQtyAt: pushed.channelQty === null ? null : pushed.at,
      updatedAt: pushed.at,
    })
    .where(held(claim))
    .returning({ sku: stockPushes.sku });
  return rows.length > 0;
}

/**
 * The push failed: count the attempt, keep the first failure's time, keep the error, and make the
 * row due again at `retryAt` (whatever changed meanwhile goes with that retry).
 */
export async function recordFailure(db: Database, claim: ClaimedPush, failure: { error: string; at: Date; retryAt: Date; countAttempt: boolean }): Promise<boolean> {
  const rows = await db
    .update(stockPushes)
    .set({
      leaseUntil: null,
      dueAt: sql`case when ${listed(claim)} then ${stamp(failure.retryAt)} end`,
      attempts: failure.countAttempt ? sql`${stockPushes.attempts} + 1` : undefined,
      lastError: failure.error,
      failingSince: failure.countAttempt ? sql`coalesce(${stockPushes.failingSince}, ${stamp(failure.at)})` : undefined,
      updatedAt: failure.at,
    })
    .where(held(claim))
    .returning({ sku: stockPushes.sku });
  return rows.length > 0;
}

export interface PushFilter {
  shopId?: string;
  sku?: string;
  failing?: boolean;
  due?: boolean;
  after?: { shopId: string; sku: string };
  limit: number;
}

export async function listPushes(db: Database, tenantId: string, f: PushFilter): Promise<PushRow[]> {
  const where: SQL[] = [eq(stockPushes.tenantId, tenantId)];
  if (f.shopId) where.push(eq(stockPushes.shopId, f.shopId));
  if (f.sku) where.push(eq(stockPushes.sku, f.sku));
  if (f.failing === true) where.push(isNotNull(stockPushes.failingSince));
  if (f.failing === false) where.push(sql`${stockPushes.failingSince} is null`);
  if (f.due === true) where.push(isNotNull(stockPushes.dueAt));
  if (f.after) where.push(sql`(${stockPushes.shopId}, ${stockPushes.sku}) > (${f.after.shopId}, ${f.after.sku})`);
  return db.select().from(stockPushes).where(and(...where)).orderBy(asc(stockPushes.shopId), asc(stockPushes.sku)).limit(f.limit);
}
