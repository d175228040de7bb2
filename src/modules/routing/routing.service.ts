import { alwaysOpen, type BusinessCalendar } from '../time/time.calendar.ts';
import { distanceKm, provinceSeat, type Coordinates } from '../addresses/seats.ts';
import type { WarehouseRanking } from '../inventory/reservations.service.ts';
import type { Warehouse } from '../warehouses/warehouses.service.ts';
import type { RoutingSettings } from './routing.settings.ts';
import { strategyFor } from './routing.settings.ts';
import type { RankedWarehouse } from './routing.strategy.ts';

/**
 * Routing as filter → sort → choose. Filters drop the warehouses that cannot take an order at
 * all (coverage, channel, SKUs it never ships, capacity left on its work day), each with its
 * reason; the tenant's strategy sorts the rest when the order's turn comes, knowing the stock
 * then; reservation chooses the first that fills the order, or the fewest that do together.
 */
export interface RoutedOrder {
  orderId: string;
  channel: string;
  receiver: { country: string; provinceCode: string | null; cityCode: string | null; districtCode: string | null };
  lines: { sku: string; quantity: number }[];
  /** Warehouses rules asked to prefer (tried first, in the strategy's order) or avoid (dropped). */
  steer?: RoutingSteer | null;
}

export interface RoutingSteer {
  prefer: string[];
  avoid: string[];
}

export interface Dropped {
  warehouseCode: string;
  reason: string;
}

/** What was decided for an order and why, as stored on its delivery orders and shown by the API. */
export interface RoutingDecision {
  strategy: string;
  receiver: RoutedOrder['receiver'];
  /** Warehouses left after filtering, in the order tried, with their distance from the receiver. */
  ranked: { warehouseCode: string; distanceKm: number | null }[];
  dropped: Dropped[];
  chosen: string[];
  split: boolean;
  /** Warehouses rules preferred, tried before the others. */
  preferred?: string[];
}

/**
 * The work day a warehouse is working for at `at`, on its own clock: today when its calendar
 * says today is a working day and its cut-off has not passed, else its next working day. A
 * warehouse without a calendar works every day.
 */
export function workDay(at: Date, w: Pick<Warehouse, 'timeZone' | 'cutOff'>, calendar: BusinessCalendar | undefined): string {
  return (calendar ?? alwaysOpen).workDay(at, w.timeZone, w.cutOff);
}

/** Delivery orders still to be had per warehouse on its current work day, drawn down as orders are routed in a batch. */
export class CapacityBook {
  private readonly days = new Map<string, string>();
  private readonly left = new Map<string, number>();

  constructor(warehouses: Warehouse[], used: (warehouseCode: string, day: string) => number, at: Date, calendars: ReadonlyMap<string, BusinessCalendar> = new Map()) {
    for (const w of warehouses) {
      const day = workDay(at, w, w.calendar ? calendars.get(w.calendar) : undefined);
      this.days.set(w.code, day);
      if (w.dailyCapacity !== null) this.left.set(w.code, w.dailyCapacity - used(w.code, day));
    }
  }

  day(code: string): string {
    return this.days.get(code)!;
  }

  hasRoom(code: string): boolean {
    return (this.left.get(code) ?? 1) > 0;
  }

  take(code: string): void {
    const left = this.left.get(code);
    if (left !== undefined) this.left.set(code, left - 1);
  }
}

function covers(coverage: string[], r: RoutedOrder['receiver']): boolean {
  if (coverage.length === 0) return true;
  return coverage.some((region) => {
    if (region.length === 2) return region === r.country;
    if (r.country !== 'CN') return false;
    if (region.endsWith('0000')) return r.provinceCode?.slice(0, 2) === region.slice(0, 2);
    if (region.endsWith('00')) return r.cityCode === region;
    return r.districtCode === region;
  });
}

/** Why a warehouse cannot take this order at all, or null. Capacity is checked when the order's turn comes. */
function filterOut(w: Warehouse, order: RoutedOrder): string | null {
  if (order.steer?.avoid.includes(w.code)) return 'avoided by a rule';
  if (!covers(w.coverage, order.receiver)) return `does not serve ${order.receiver.country === 'CN' ? (order.receiver.cityCode ?? order.receiver.provinceCode ?? 'CN') : order.receiver.country}`;
  if (w.channels.length > 0 && !w.channels.includes(order.channel)) return `does not ship for ${order.channel}`;
  const excluded = order.lines.map((l) => l.sku).filter((sku) => w.excludedSkus.includes(sku));
  if (excluded.length > 0) return `never ships ${[...new Set(excluded)].join(', ')}`;
  return null;
}

const coordinatesOf = (w: Warehouse): Coordinates | null => (w.location ? { latitude: w.location.latitude, longitude: w.location.longitude } : null);

/** An order's route: the warehouses it may go to, ranked when its turn comes, and the record of what was decided. */
export interface Route extends WarehouseRanking {
  /** Every warehouse that passed the filters (capacity aside): what the order may draw on. */
  readonly warehouses: string[];
  /** Nothing passed the filters, or no warehouse had room when the order's turn came. */
  unroutable(): boolean;
  decision(): RoutingDecision;
}

export function routeOrder(order: RoutedOrder, warehouses: Warehouse[], settings: RoutingSettings, capacity: CapacityBook): Route {
  const strategy = strategyFor(settings, order.channel);
  const seat = order.receiver.country === 'CN' && order.receiver.provinceCode ? provinceSeat(order.receiver.provinceCode) : null;
  const dropped: Dropped[] = [];
  const passing: Omit<RankedWarehouse, 'stock'>[] = [];
  for (const w of warehouses) {
    const reason = filterOut(w, order);
    if (reason) dropped.push({ warehouseCode: w.code, reason });
    else {
      const at = coordinatesOf(w);
      passing.push({ code: w.code, distanceKm: seat && at ? Math.round(distanceKm(seat, at)) : null, priority: w.priority, isDefault: w.isDefault });
    }
  }
  let ranked: typeof passing = [];
  let chosen: string[] = [];
  return {
    warehouses: passing.map((w) => w.code),
    rank(available) {
      const roomy: typeof passing = [];
      for (const w of passing) {
        if (capacity.hasRoom(w.code)) roomy.push(w);
        else dropped.push({ warehouseCode: w.code, reason: `daily capacity reached for ${capacity.day(w.code)}` });
      }
      const stockAt = (code: string) => order.lines.reduce((n, l) => n + Math.min(l.quantity, available(l.sku, code)), 0);
      const prefer = order.steer?.prefer ?? [];
      const preferred = (w: { code: string }) => (prefer.includes(w.code) ? 0 : 1);
      ranked = roomy.map((w) => ({ ...w, stock: stockAt(w.code) })).sort((a, b) => preferred(a) - preferred(b) || strategy.compare(a, b));
      return ranked.map((w) => w.code);
    },
    chosen(codes) {
      chosen = codes;
      for (const code of codes) capacity.take(code);
    },
    unroutable: () => passing.length === 0 || ranked.length === 0,
    decision: () => ({
      strategy: strategy.name, receiver: order.receiver, ranked: ranked.map((w) => ({ warehouseCode: w.code, distanceKm: w.distanceKm })),
      dropped, chosen, split: chosen.length > 1,
      ...(order.steer?.prefer.length ? { preferred: order.steer.prefer } : {}),
    }),
  };
}
