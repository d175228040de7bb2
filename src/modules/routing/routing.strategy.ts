/**
 * Routing strategies: how the warehouses left after filtering are ranked for one order. A strategy
 * is an interface; which one applies is a tenant setting, per channel if need be.
 */
export interface RankedWarehouse {
  code: string;
  /** From the receiver's province seat to the warehouse; null when either has no coordinates. */
  distanceKm: number | null;
  priority: number;
  isDefault: boolean;
  /** Units of the order's SKUs available there now, at most what the order asks per SKU. */
  stock: number;
}

export interface RoutingStrategy {
  readonly name: string;
  readonly description: string;
  /** Negative when `a` is the better warehouse for the order. */
  compare(a: RankedWarehouse, b: RankedWarehouse): number;
}

/** Known distances first, nearest first; warehouses within this many km of each other count as equally near. */
const SAME_DISTANCE_KM = 50;

function byDistance(a: RankedWarehouse, b: RankedWarehouse): number {
  if (a.distanceKm === null || b.distanceKm === null) return Number(a.distanceKm === null) - Number(b.distanceKm === null);
  const d = a.distanceKm - b.distanceKm;
  return Math.abs(d) < SAME_DISTANCE_KM ? 0 : d;
}

const byDefault = (a: RankedWarehouse, b: RankedWarehouse) => Number(b.isDefault) - Number(a.isDefault);
const byPriority = (a: RankedWarehouse, b: RankedWarehouse) => a.priority - b.priority;
const byStock = (a: RankedWarehouse, b: RankedWarehouse) => b.stock - a.stock;
const byCode = (a: RankedWarehouse, b: RankedWarehouse) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0);

function chain(...rules: ((a: RankedWarehouse, b: RankedWarehouse) => number)[]) {
  return (a: RankedWarehouse, b: RankedWarehouse) => {
    for (const rule of rules) {
      const d = rule(a, b);
      if (d !== 0) return d;
    }
    return 0;
  };
}

export const strategies: Readonly<Record<string, RoutingStrategy>> = {
  nearest: {
    name: 'nearest',
    description: 'nearest to the receiver, then the default warehouse, then by priority',
    compare: chain(byDistance, byDefault, byPriority, byCode),
  },
  nearest_balance: {
    name: 'nearest_balance',
    description: 'nearest to the receiver, then the one with the most of the order’s stock (keeps stock balanced)',
    compare: chain(byDistance, byStock, byDefault, byPriority, byCode),
  },
  priority: {
    name: 'priority',
    description: 'the default warehouse, then by priority; distance only breaks ties',
    compare: chain(byDefault, byPriority, byDistance, byCode),
  },
};

export const strategyNames = Object.keys(strategies) as [string, ...string[]];
