import type { RequestContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import type { WarehouseCreate, WarehousePatch } from './warehouses.input.ts';
import * as repo from './warehouses.repository.ts';
import type { WarehouseRow } from './warehouses.repository.ts';
import { configChanged } from '../../platform/config-cache.ts';

export type Warehouse = ReturnType<typeof warehouseView>;

export function warehouseView(row: WarehouseRow) {
  return {
    code: row.code,
    name: row.name,
    timeZone: row.timeZone,
    priority: row.priority,
    active: row.active,
    isDefault: row.isDefault,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export async function createWarehouse(ctx: RequestContext, input: WarehouseCreate): Promise<Warehouse> {
  const now = ctx.clock.now();
  const row = await ctx.db.transaction(async (tx) => {
    if (input.isDefault) await repo.clearDefault(tx, ctx.tenantId);
    return repo.insertIfAbsent(tx, { ...input, tenantId: ctx.tenantId, createdAt: now, updatedAt: now });
  });
  if (!row) throw new AppError('WAREHOUSE_EXISTS', `warehouse ${input.code} already exists`);
  configChanged(ctx.tenantId);
  return warehouseView(row);
}

export async function updateWarehouse(ctx: RequestContext, code: string, patch: WarehousePatch): Promise<Warehouse> {
  const row = await ctx.db.transaction(async (tx) => {
    if (patch.isDefault) await repo.clearDefault(tx, ctx.tenantId);
    return repo.update(tx, ctx.tenantId, code, { ...patch, updatedAt: ctx.clock.now() });
  });
  if (!row) throw new AppError('WAREHOUSE_NOT_FOUND', `warehouse ${code} not found`);
  configChanged(ctx.tenantId);
  return warehouseView(row);
}

export async function listWarehouses(ctx: RequestContext): Promise<Warehouse[]> {
  return (await repo.list(ctx.db, ctx.tenantId)).map(warehouseView);
}

export async function getWarehouse(ctx: RequestContext, code: string): Promise<Warehouse> {
  const row = await repo.findByCode(ctx.db, ctx.tenantId, code);
  if (!row) throw new AppError('WAREHOUSE_NOT_FOUND', `warehouse ${code} not found`);
  return warehouseView(row);
}

/** The warehouse orders are reserved at when no routing strategy picks another; null if none is set. */
export async function defaultWarehouse(ctx: RequestContext): Promise<Warehouse | null> {
  const row = await repo.findDefault(ctx.db, ctx.tenantId);
  return row ? warehouseView(row) : null;
}

/** Every active warehouse of every tenant, with its tenant, for jobs run on each warehouse's clock. */
export async function activeWarehousesAllTenants(ctx: Pick<RequestContext, 'db'>): Promise<(Warehouse & { tenantId: string })[]> {
  return (await repo.listActiveAllTenants(ctx.db)).map((row) => ({ ...warehouseView(row), tenantId: row.tenantId }));
}

/**
 * Where an order may take stock, preferred first: the default warehouse, then the other active
 * ones by priority. Empty when the tenant keeps no stock here (inventory not in use).
 */
export async function candidateWarehouses(ctx: Pick<RequestContext, 'db' | 'tenantId'>): Promise<string[]> {
  const rows = (await repo.list(ctx.db, ctx.tenantId)).filter((w) => w.active);
  rows.sort((a, b) => Number(b.isDefault) - Number(a.isDefault) || a.priority - b.priority || (a.code < b.code ? -1 : 1));
  return rows.map((w) => w.code);
}

/** Tenants keeping stock here (with at least one active warehouse). */
export async function tenantsWithWarehouses(ctx: Pick<RequestContext, 'db'>): Promise<string[]> {
  return [...new Set((await repo.listActiveAllTenants(ctx.db)).map((w) => w.tenantId))];
}
