import type { RequestContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import type { SecretBox } from '../../platform/secrets.ts';
import { provinceSeat } from '../addresses/seats.ts';
import { warehouseCreate, type WarehouseCreateInput, type WarehousePatch } from './warehouses.input.ts';
import * as repo from './warehouses.repository.ts';
import type { NewWarehouseRow, WarehouseRow } from './warehouses.repository.ts';
import { configChanged } from '../../platform/config-cache.ts';
import { getCalendar } from '../time/time.service.ts';
import { requirePack, zoneFor } from '../time/time.regions.ts';
import { subdivisionOf } from '../time/time.input.ts';

export type Warehouse = ReturnType<typeof warehouseView>;

export function warehouseView(row: WarehouseRow) {
  return {
    code: row.code,
    name: row.name,
    timeZone: row.timeZone,
    country: row.country,
    region: row.region,
    calendar: row.calendarCode,
    priority: row.priority,
    active: row.active,
    isDefault: row.isDefault,
    location: row.latitude === null || row.longitude === null ? null : { divisionCode: row.divisionCode, latitude: row.latitude, longitude: row.longitude },
    coverage: row.coverage,
    channels: row.channels,
    excludedSkus: row.excludedSkus,
    dailyCapacity: row.dailyCapacity,
    cutOff: row.cutOff,
    wms: row.wmsProtocol
      ? {
        protocol: row.wmsProtocol, url: row.wmsUrl, appKey: row.wmsAppKey, customerId: row.wmsCustomerId, appSecretSet: row.wmsAppSecretSealed !== null,
        /** Where the WMS reports shipments and stock changes (the tenant's one endpoint), signed with the same app key and secret. */
        callbackPath: `/wms/${row.tenantId}`,
      }
      : null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Input attributes as columns: the location's coordinates filled from its division when not given, the WMS secret sealed. */
function columnsOf(box: SecretBox | undefined, input: Omit<WarehousePatch, 'isDefault'> & { isDefault?: boolean }): Partial<NewWarehouseRow> {
  const { location, wms, calendar, ...plain } = input;
  const columns: Partial<NewWarehouseRow> = { ...plain, ...(calendar !== undefined ? { calendarCode: calendar } : {}) };
  if (location !== undefined) {
    const seat = location?.latitude === undefined && location?.divisionCode ? provinceSeat(location.divisionCode) : null;
    Object.assign(columns, {
      divisionCode: location?.divisionCode ?? null,
      latitude: location?.latitude ?? seat?.latitude ?? null,
      longitude: location?.longitude ?? seat?.longitude ?? null,
    });
  }
  if (wms !== undefined) {
    if (wms && !box) throw new Error('a WMS link is stored sealed: pass the secret box');
    Object.assign(columns, {
      wmsProtocol: wms?.protocol ?? null, wmsUrl: wms?.url ?? null, wmsAppKey: wms?.appKey ?? null,
      wmsAppSecretSealed: wms ? box!.seal(wms.appSecret) : null, wmsCustomerId: wms?.customerId ?? null,
    });
  }
  return columns;
}

/** Adds a warehouse; `box` seals its WMS secret and is needed only when it has a WMS link. */
export async function createWarehouse(ctx: RequestContext, raw: WarehouseCreateInput, box?: SecretBox): Promise<Warehouse> {
  const parsed = warehouseCreate.parse(raw);
  const input = { ...parsed, region: subdivisionOf(parsed.region, parsed.country) };
  const pack = await placeChecked(ctx, input);
  const now = ctx.clock.now();
  const row = await ctx.db.transaction(async (tx) => {
    if (input.isDefault) await repo.clearDefault(tx, ctx.tenantId);
    const { code, name, timeZone, cutOff, ...rest } = input;
    return repo.insertIfAbsent(tx, {
      ...columnsOf(box, rest), code, name, timeZone: timeZone ?? pack!.zone, cutOff: cutOff === undefined ? (pack?.cutOff ?? null) : cutOff,
      tenantId: ctx.tenantId, createdAt: now, updatedAt: now,
    });
  });
  if (!row) throw new AppError('WAREHOUSE_EXISTS', `warehouse ${input.code} already exists`);
  configChanged(ctx.tenantId);
  return warehouseView(row);
}

export async function updateWarehouse(ctx: RequestContext, code: string, raw: WarehousePatch, box?: SecretBox): Promise<Warehouse> {
  let patch = raw;
  if (patch.country !== undefined || patch.region !== undefined || patch.calendar) {
    const current = await getWarehouse(ctx, code);
    const country = patch.country ?? current.country;
    if (patch.region !== undefined) patch = { ...patch, region: subdivisionOf(patch.region, country) };
    const pack = await placeChecked(ctx, { country, region: patch.region === undefined ? current.region : patch.region, calendar: patch.calendar ?? null });
    // A warehouse moved to another region takes that region's zone, unless a zone is given too or its zone was set by hand.
    const derived = current.country !== null && current.timeZone === zoneFor(current.country, current.region);
    if (pack && patch.timeZone === undefined && (derived || current.country === null)) patch = { ...patch, timeZone: pack.zone };
  }
  const row = await ctx.db.transaction(async (tx) => {
    if (patch.isDefault) await repo.clearDefault(tx, ctx.tenantId);
    return repo.update(tx, ctx.tenantId, code, { ...columnsOf(box, patch), updatedAt: ctx.clock.now() });
  });
  if (!row) throw new AppError('WAREHOUSE_NOT_FOUND', `warehouse ${code} not found`);
  configChanged(ctx.tenantId);
  return warehouseView(row);
}

/**
 * The region pack of a warehouse's country (its zone for its region, its carrier cut-off), or
 * null without a country; 422 for a country without a pack or a region the pack does not know,
 * 404 for a calendar that does not exist.
 */
async function placeChecked(ctx: RequestContext, w: { country: string | null; region: string | null; calendar: string | null }): Promise<{ zone: string; cutOff: string } | null> {
  if (w.calendar) await getCalendar(ctx, w.calendar);
  if (!w.country) {
    if (w.region) throw new AppError('REGION_UNKNOWN', 'a region needs its country', [{ path: 'country', message: 'required with region' }]);
    return null;
  }
  const pack = requirePack(w.country, w.region);
  return { zone: zoneFor(w.country, w.region)!, cutOff: pack.cutOff };
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

/** The active warehouses, default first, then by priority: what routing chooses from. */
export async function activeWarehouses(ctx: Pick<RequestContext, 'db' | 'tenantId'>): Promise<Warehouse[]> {
  const rows = (await repo.list(ctx.db, ctx.tenantId)).filter((w) => w.active);
  rows.sort((a, b) => Number(b.isDefault) - Number(a.isDefault) || a.priority - b.priority || (a.code < b.code ? -1 : 1));
  return rows.map(warehouseView);
}

/** How to reach a warehouse's WMS, its secret opened; null when it has no WMS link. */
export interface WmsLink {
  protocol: 'qimen' | 'json';
  url: string;
  appKey: string;
  appSecret: string;
  customerId: string | null;
  timeZone: string;
  /** Local HH:MM its day's delivery orders must ship by (the cut-off), or null. */
  cutOff: string | null;
}

function linkOf(w: WarehouseRow, box: SecretBox): WmsLink | null {
  if (!w.wmsProtocol || !w.wmsUrl || !w.wmsAppKey || !w.wmsAppSecretSealed) return null;
  return {
    protocol: w.wmsProtocol as WmsLink['protocol'], url: w.wmsUrl, appKey: w.wmsAppKey, appSecret: box.open(w.wmsAppSecretSealed),
    customerId: w.wmsCustomerId, timeZone: w.timeZone, cutOff: w.cutOff,
  };
}

export async function wmsLinks(ctx: Pick<RequestContext, 'db' | 'tenantId'>, box: SecretBox): Promise<Map<string, WmsLink>> {
  const links = new Map<string, WmsLink>();
  for (const w of await repo.list(ctx.db, ctx.tenantId)) {
    const link = linkOf(w, box);
    if (link) links.set(w.code, link);
  }
  return links;
}

/** One warehouse's WMS link: null when it has none, WAREHOUSE_NOT_FOUND when there is no such warehouse. */
export async function wmsLinkOf(ctx: Pick<RequestContext, 'db' | 'tenantId'>, box: SecretBox, code: string): Promise<WmsLink | null> {
  const row = await repo.findByCode(ctx.db, ctx.tenantId, code);
  if (!row) throw new AppError('WAREHOUSE_NOT_FOUND', `warehouse ${code} not found`);
  return linkOf(row, box);
}

/** Warehouses with a WMS link, active or not: where delivery orders can be sent. */
export async function linkedWarehouses(ctx: Pick<RequestContext, 'db' | 'tenantId'>): Promise<Set<string>> {
  return new Set((await repo.list(ctx.db, ctx.tenantId)).filter((w) => w.wmsProtocol !== null).map((w) => w.code));
}

/** Tenants keeping stock here (with at least one active warehouse). */
export async function tenantsWithWarehouses(ctx: Pick<RequestContext, 'db'>): Promise<string[]> {
  return [...new Set((await repo.listActiveAllTenants(ctx.db)).map((w) => w.tenantId))];
}
