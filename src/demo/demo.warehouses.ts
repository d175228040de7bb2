import { randomBytes } from 'node:crypto';
import { startWmsSandbox, type WmsSandbox } from '../../sandbox/wms/wms.sandbox.ts';
import type { RequestContext } from '../platform/context.ts';
import type { SecretBox } from '../platform/secrets.ts';
import { createWarehouse, listWarehouses, updateWarehouse } from '../modules/warehouses/warehouses.service.ts';
import type { WarehouseCreateInput } from '../modules/warehouses/warehouses.input.ts';
import { everyLevel } from '../modules/inventory/stock.service.ts';
import { listDeliveries } from '../modules/fulfillment/delivery-orders.service.ts';
import { createCalendar, tenantCalendars } from '../modules/time/time.service.ts';
import type { CalendarCreateInput } from '../modules/time/time.input.ts';

const shifts = ['08:30-12:00', '13:00-18:00'];
/** The demo warehouses' calendars: China's official holidays and 调休 (Sundays off), and California's (weekends off). Zones come from the region packs. */
export const demoCalendars: CalendarCreateInput[] = [
  { code: 'CN-WH', name: '国内仓库工作日历', country: 'CN', hours: { mon: shifts, tue: shifts, wed: shifts, thu: shifts, fri: shifts, sat: shifts, sun: [] } },
  { code: 'US-CA', name: 'California warehouse days', country: 'US', region: 'CA', hours: { mon: ['08:00-17:00'], tue: ['08:00-17:00'], wed: ['08:00-17:00'], thu: ['08:00-17:00'], fri: ['08:00-17:00'], sat: [], sun: [] } },
];

/** The demo's warehouses: three in China behind one Qimen WMS, one in Los Angeles behind a JSON WMS. */
export const demoWarehouses: (WarehouseCreateInput & { protocol: 'qimen' | 'json' })[] = [
  { code: 'HZ01', name: '华东杭州仓', country: 'CN', calendar: 'CN-WH', priority: 10, isDefault: true, location: { divisionCode: '330100' }, coverage: ['CN'], protocol: 'qimen', cutOff: '16:00', dailyCapacity: 50_000 },
  { code: 'GZ01', name: '华南广州仓', country: 'CN', calendar: 'CN-WH', priority: 20, location: { divisionCode: '440100' }, coverage: ['CN'], protocol: 'qimen', cutOff: '16:00', dailyCapacity: 30_000 },
  { code: 'TJ01', name: '华北天津仓', country: 'CN', calendar: 'CN-WH', priority: 30, location: { divisionCode: '120000' }, coverage: ['CN'], protocol: 'qimen', cutOff: '15:00', dailyCapacity: 20_000 },
  {
    code: 'US-LA1', name: 'Los Angeles overseas warehouse', country: 'US', region: 'CA', calendar: 'US-CA', priority: 40, location: { latitude: 34.05, longitude: -118.24 },
    coverage: ['US'], protocol: 'json', cutOff: '14:00',
  },
];

export interface DemoWarehouses {
  wms: { protocol: string; url: string }[];
  /**
   * Puts on the WMSs' shelves what the book says each warehouse holds, so their counts agree, and
   * hands them back the delivery orders they had taken and not shipped before the demo last
   * stopped (a sandbox keeps nothing across starts; a real WMS would still have them).
   */
  shelve(ctx: RequestContext): Promise<void>;
  /** Has the WMSs report shipments to the OMS at this address, once it listens. */
  connect(omsUrl: string): void;
  stop(): Promise<void>;
}

/** Demo warehouses ship an order this long after accepting it. */
const SHIP_AFTER_MS = 20_000;

/**
 * Starts the demo's WMS sandboxes (a few requests fail, as real ones do; the dispatcher retries
 * them; orders ship 20 s after acceptance) and links the demo warehouses to them, creating the
 * warehouses the tenant lacks. With a port base, the Qimen WMS listens there and the JSON one on the next port.
 */
export async function startDemoWarehouses(ctx: RequestContext, box: SecretBox, portBase?: number): Promise<DemoWarehouses> {
  const account = { appKey: 'oms-demo', appSecret: randomBytes(16).toString('hex'), customerId: 'DEMO-OWNER' };
  const faults = { errorRate: 0.05, latencyMs: 5 };
  const started: WmsSandbox[] = [];
  try {
    const shipping = { shipAfterMs: SHIP_AFTER_MS, autoShipEveryMs: 5_000 };
    const qimen = await startWmsSandbox({ port: portBase, protocol: 'qimen', accounts: [account], warehouses: ['HZ01', 'GZ01', 'TJ01'], faults, timeZone: 'Asia/Shanghai', ...shipping });
    started.push(qimen);
    const json = await startWmsSandbox({ port: portBase === undefined ? undefined : portBase + 1, protocol: 'json', accounts: [account], warehouses: ['US-LA1'], faults, timeZone: 'America/Los_Angeles', ...shipping });
    started.push(json);
    const calendars = await tenantCalendars(ctx);
    for (const calendar of demoCalendars) if (!calendars.has(calendar.code)) await createCalendar(ctx, calendar);
    const existing = new Set((await listWarehouses(ctx)).map((w) => w.code));
    for (const { protocol, ...warehouse } of demoWarehouses) {
      const wms = { protocol, url: protocol === 'qimen' ? `${qimen.url}/router/qimen/service` : json.url, ...account };
      const place = { country: warehouse.country ?? null, region: warehouse.region ?? null, calendar: warehouse.calendar ?? null };
      if (existing.has(warehouse.code)) await updateWarehouse(ctx, warehouse.code, { wms, coverage: warehouse.coverage ?? [], ...place }, box);
      else await createWarehouse(ctx, { ...warehouse, wms }, box);
    }
    return {
      wms: [{ protocol: 'qimen', url: qimen.url }, { protocol: 'json', url: json.url }],
      async shelve(ctx) {
        const wmsOf = (warehouseCode: string) => (warehouseCode === 'US-LA1' ? json : qimen);
        for await (const l of everyLevel(ctx)) wmsOf(l.warehouseCode).store.setStock(l.warehouseCode, l.sku, l.onHand);
        for (let before: string | undefined; ;) {
          const page = await listDeliveries(ctx, { status: 'accepted', before, limit: 500 });
          for (const d of page.items) {
            const lines = d.lines.map((l) => ({ lineNo: String(l.lineNo), itemCode: l.sku, quantity: l.quantity }));
            wmsOf(d.warehouseCode).store.accept({ code: d.code, warehouseCode: d.warehouseCode, lines, receiver: {}, sentTimes: {}, sentInstants: {} });
          }
          if (!page.nextBefore) break;
          before = page.nextBefore;
        }
      },
      connect(omsUrl) {
        for (const wms of started) wms.connect({ url: `${omsUrl}/wms/${ctx.tenantId}`, ...account });
      },
      stop: async () => void (await Promise.allSettled(started.map((s) => s.close()))),
    };
  } catch (err) {
    await Promise.allSettled(started.map((s) => s.close()));
    throw err;
  }
}
