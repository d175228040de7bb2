import type { RuleRow } from './stock-sync.repository.ts';

// The quantity a shop is told it may sell (可售库存): pure functions of the book and the shop's rule.

/** How much of the stock one shop may sell. */
export interface SyncRule {
  /** Share of the available units, 0–100. */
  percent: number;
  /** Units added after the share (negative holds some back). */
  plus: number;
  minQty: number | null;
  maxQty: number | null;
  /** The warehouses whose stock this shop sells; null: every active warehouse. */
  warehouseCodes: string[] | null;
  /** A fixed quota instead of the share (still never above what is available). */
  fixedQuota: number | null;
}

/** With no rule of its own, a shop sells everything available. */
export const defaultRule: SyncRule = { percent: 100, plus: 0, minQty: null, maxQty: null, warehouseCodes: null, fixedQuota: null };

/** One warehouse's figures for the SKU, as the book has them. */
export interface WarehouseStock {
  warehouseCode: string;
  onHand: number;
  reserved: number;
  /** The warehouse's own safety stock; null when the SKU's figure applies. */
  safetyStock: number | null;
}

export interface ChannelQuantity {
  /** What the shop is told it may sell. */
  quantity: number;
  /** Units available over the counted warehouses. */
  available: number;
  /** The safety stock over the counted warehouses. */
  safetyStock: number;
  /** What the shop's rule works from: max(0, available − safetyStock). */
  sellable: number;
  /** True when a safety stock holds back everything available: every shop is told zero. */
  safetyCut: boolean;
}

/**
 * Units available and the safety stock over the counted warehouses (every warehouse given when
 * `warehouseCodes` is null; the caller gives the active warehouses only). Each counted warehouse has
 * `available = max(0, onHand − reserved)`; the SKU's available is their sum. The SKU's figure
 * (`sku_stock_settings`) covers, together, the counted warehouses that have no figure of their
 * own; a warehouse with its own figure (`stock_levels.safety_stock`) adds that figure instead. So
 * with no per-warehouse figures it is simply the SKU's safety stock, however many warehouses hold
 * the SKU.
 */
export function countedStock(levels: readonly WarehouseStock[], skuSafetyStock: number, warehouseCodes: readonly string[] | null): { available: number; safetyStock: number } {
  const counted = warehouseCodes === null ? levels : levels.filter((l) => warehouseCodes.includes(l.warehouseCode));
  let available = 0;
  let safetyStock = 0;
  let skuFigureApplies = false;
  for (const level of counted) {
    available += Math.max(0, level.onHand - level.reserved);
    if (level.safetyStock === null) skuFigureApplies = true;
    else safetyStock += level.safetyStock;
  }
  if (skuFigureApplies) safetyStock += skuSafetyStock;
  return { available, safetyStock };
}

/**
 * The quantity pushed to one shop for one SKU. A pure function of the book, the SKU's safety stock
 * and the shop's rule:
 *
 * 1. Available and safety stock over the counted warehouses: see countedStock.
 * 2. The safety stock is a buffer held back from every shop: the rule works from
 *    `sellable = max(0, available − safetyStock)`, so the units held back are never offered. When
 *    nothing is sellable every shop is told 0 at once, since every shop's figure is recomputed
 *    from the same book the moment the stock moves.
 * 3. With a fixed quota: min(fixedQuota, sellable).
 * 4. Otherwise floor(sellable × percent / 100 + plus), raised to minQty, lowered to maxQty, and
 *    finally never above sellable and never below zero.
 */
export function channelQuantity(levels: readonly WarehouseStock[], skuSafetyStock: number, rule: SyncRule): ChannelQuantity {
  const { available, safetyStock } = countedStock(levels, skuSafetyStock, rule.warehouseCodes);
  const sellable = Math.max(0, available - safetyStock);
  if (sellable === 0) return { quantity: 0, available, safetyStock, sellable, safetyCut: safetyStock > 0 };
  let quantity: number;
  if (rule.fixedQuota !== null) {
    quantity = rule.fixedQuota;
  } else {
    // Integer arithmetic: (sellable × percent + 100 × plus) / 100, floored.
    quantity = Math.floor((sellable * rule.percent + 100 * rule.plus) / 100);
    if (rule.minQty !== null) quantity = Math.max(quantity, rule.minQty);
    if (rule.maxQty !== null) quantity = Math.min(quantity, rule.maxQty);
  }
  quantity = Math.max(0, Math.min(quantity, sellable));
  return { quantity, available, safetyStock, sellable, safetyCut: false };
}

export function ruleOf(row: RuleRow | undefined): SyncRule {
  if (!row) return defaultRule;
  return {
    percent: row.percent,
    plus: row.plus,
    minQty: row.minQty,
    maxQty: row.maxQty,
    warehouseCodes: row.warehouseCodes,
    fixedQuota: row.fixedQuota,
  };
}

/** The SKU's override, else the shop's rule, else the default. */
export function effectiveRule(rules: RuleRow[], sku: string): SyncRule {
  return ruleOf(rules.find((r) => r.sku === sku) ?? rules.find((r) => r.sku === '*'));
}
