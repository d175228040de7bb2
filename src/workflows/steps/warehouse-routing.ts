import type { RequestContext } from '../../platform/context.ts';
import { loadsOn, type DeliveryContext, type RoutedDelivery } from '../../modules/fulfillment/delivery-orders.service.ts';
import type { ReservationOutcome, ReservationRequest } from '../../modules/inventory/reservations.service.ts';
import { CapacityBook, routeOrder, workDay, type Route, type RoutedOrder } from '../../modules/routing/routing.service.ts';
import { routingSettingsFor, type RoutingSettings } from '../../modules/routing/routing.settings.ts';
import { activeWarehouses, type Warehouse } from '../../modules/warehouses/warehouses.service.ts';
import type { BusinessCalendar } from '../../modules/time/time.calendar.ts';
import { tenantCalendars } from '../../modules/time/time.service.ts';

/** What routing needs of a tenant: its active warehouses, their calendars, its settings, and which warehouses have a WMS link. */
export interface RoutingConfig {
  warehouses: Warehouse[];
  calendars: ReadonlyMap<string, BusinessCalendar>;
  settings: RoutingSettings;
  linked: Set<string>;
}

export async function routingConfig(ctx: Pick<RequestContext, 'db' | 'tenantId'>): Promise<RoutingConfig> {
  const [warehouses, settings] = await Promise.all([activeWarehouses(ctx), routingSettingsFor(ctx)]);
  const calendars = warehouses.some((w) => w.calendar) ? await tenantCalendars(ctx) : new Map<string, BusinessCalendar>();
  return { warehouses, calendars, settings, linked: new Set(warehouses.filter((w) => w.wms !== null).map((w) => w.code)) };
}

/** The capacity left now at the warehouses that have a daily capacity, read once for a batch. */
export async function capacityNow(ctx: RequestContext, config: RoutingConfig): Promise<CapacityBook> {
  const at = ctx.clock.now();
  const limited = config.warehouses.filter((w) => w.dailyCapacity !== null);
  const calendarOf = (w: Warehouse) => (w.calendar ? config.calendars.get(w.calendar) : undefined);
  const used = await loadsOn(ctx, limited.map((w) => ({ warehouseCode: w.code, workDay: workDay(at, w, calendarOf(w)) })));
  return new CapacityBook(config.warehouses, (code, day) => used.get(`${code}\u0000${day}`) ?? 0, at, config.calendars);
}

/** An order to route and reserve. */
export interface RoutingCandidate extends RoutedOrder {
  shopId: string;
  paid: boolean;
  lines: { lineNo: number; sku: string; quantity: number }[];
}

/** Each order's reservation request, ranked by its route. */
export function routedRequests(orders: RoutingCandidate[], config: RoutingConfig, capacity: CapacityBook): { requests: ReservationRequest[]; routes: Map<string, Route> } {
  const routes = new Map<string, Route>();
  const requests = orders.map((o): ReservationRequest => {
    const route = routeOrder(o, config.warehouses, config.settings, capacity);
    routes.set(o.orderId, route);
    return { orderId: o.orderId, channel: o.channel, shopId: o.shopId, paid: o.paid, lines: o.lines, warehouses: route.warehouses, route, allowSplit: config.settings.allowSplit };
  });
  return { requests, routes };
}

/** The delivery orders an order that reserved its stock is shipped by, with its routing decision and what the warehouses before the chosen ones lacked. */
export function routedDelivery(outcome: Extract<ReservationOutcome, { status: 'reserved' }>, route: Route, paid: boolean): RoutedDelivery {
  const decision = route.decision();
  const lacked = outcome.passedOver.map((p) => ({
    warehouseCode: p.warehouseCode,
    reason: `short of ${Object.entries(p.short).map(([sku, n]) => `${sku} ×${n}`).join(', ')}`,
  }));
  return { orderId: outcome.orderId, paid, lines: outcome.lines, decision: { ...decision, dropped: [...decision.dropped, ...lacked] } };
}

export function deliveryContext(config: RoutingConfig, capacity: CapacityBook): DeliveryContext {
  return { linked: config.linked, workDay: (code) => capacity.day(code) };
}
