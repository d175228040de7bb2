import { Prng } from '../common/prng.ts';

/**
 * What a warehouse management system keeps, whatever protocol it speaks: the delivery orders it
 * accepted (once each, however often they are sent), the stock it holds, and the shipments it
 * confirms after a delay. Protocol gateways (Qimen XML, JSON) sit on top of it.
 */
export interface WmsLine {
  readonly lineNo: string;
  readonly itemCode: string;
  readonly quantity: number;
}

/** How far ahead of the WMS's clock an order's own time may be before it counts as a future order. */
const CLOCK_SKEW_MS = 5 * 60_000;

export interface WmsDeliveryOrder {
  readonly code: string;
  readonly wmsId: string;
  readonly warehouseCode: string;
  readonly lines: readonly WmsLine[];
  readonly receiver: Readonly<Record<string, string>>;
  /** The order's own instants as sent, verbatim (Qimen wall clock, or ISO-8601 with zone). */
  readonly sentTimes: Readonly<Record<string, string>>;
  /** The same instants as read, in ms: what the sender meant, zone included. */
  readonly sentInstants: Readonly<Record<string, number>>;
  readonly acceptedAt: number;
  /**
   * When the warehouse starts on it: at once, or, for an order whose payment time lies ahead of
   * the WMS's clock by more than clocks differ, not before then (a WMS holds a "future" order:
   * a Beijing time sent as UTC would make an order paid at 00:30 wait eight hours).
   */
  readonly releaseAt: number;
  /** How many times the same delivery order code came again after it was accepted. */
  duplicates: number;
  shippedAt: number | null;
  carrier: string | null;
  trackingNumber: string | null;
}

export interface WmsFaults {
  /** Share of requests refused with a retryable "service unavailable" before they are read (0–1). */
  readonly errorRate?: number;
  /** Share of the requests not refused that are held for `timeoutMs` and dropped unread. */
  readonly timeoutRate?: number;
  readonly timeoutMs?: number;
  /**
   * Share of delivery orders accepted whose answer is lost: the WMS keeps the order but drops the
   * connection, so the sender sees a failure and must send it again (the repeat is a duplicate).
   */
  readonly lostAnswerRate?: number;
  /** Added latency per request, ms. */
  readonly latencyMs?: number;
}

export type FaultDecision = { kind: 'none' } | { kind: 'error' } | { kind: 'timeout'; ms: number } | { kind: 'down' };

export class WmsStore {
  readonly orders = new Map<string, WmsDeliveryOrder>();
  /** Per warehouse, per item: units on hand. */
  readonly stock = new Map<string, Map<string, number>>();
  /** Answers dropped after the order was accepted (lostAnswerRate). */
  lostAnswers = 0;
  /** Codes sent again with other content: refused, never taken as a duplicate. */
  conflicts = 0;
  private downUntil = 0;
  private sequence = 0;
  private readonly rng: Prng;

  constructor(
    readonly warehouses: ReadonlySet<string>,
    private readonly faults: WmsFaults,
    seed: number | string,
    private readonly now: () => number,
  ) {
    this.rng = new Prng(seed);
  }

  /** The WMS is down (connections dropped) for this long from now. */
  outage(ms: number): void {
    this.downUntil = Math.max(this.downUntil, this.now() + ms);
  }

  get duplicateCount(): number {
    let n = 0;
    for (const o of this.orders.values()) n += o.duplicates;
    return n;
  }

  private decideFault(): FaultDecision {
    if (this.now() < this.downUntil) return { kind: 'down' };
    if (this.rng.chance(this.faults.errorRate ?? 0)) return { kind: 'error' };
    if (this.rng.chance(this.faults.timeoutRate ?? 0)) return { kind: 'timeout', ms: this.faults.timeoutMs ?? 5_000 };
    return { kind: 'none' };
  }

  private get latencyMs(): number {
    return this.faults.latencyMs ?? 0;
  }

  /**
   * Accepts a delivery order, or recognises one accepted before (same code, same warehouse and
   * lines): then it counts a duplicate. The same code with other content is a conflict, refused.
   */
  accept(order: Omit<WmsDeliveryOrder, 'wmsId' | 'acceptedAt' | 'releaseAt' | 'duplicates' | 'shippedAt' | 'carrier' | 'trackingNumber'>): { order: WmsDeliveryOrder; duplicate: boolean } | { conflict: WmsDeliveryOrder } {
    const seen = this.orders.get(order.code);
    if (seen) {
      if (seen.warehouseCode !== order.warehouseCode || JSON.stringify(seen.lines) !== JSON.stringify(order.lines)) {
        this.conflicts++;
        return { conflict: seen };
      }
      seen.duplicates++;
      return { order: seen, duplicate: true };
    }
    const now = this.now();
    const t = order.sentInstants;
    const paid = t.paidAt ?? t.payTime ?? t.createdAt ?? t.createTime ?? now;
    const accepted: WmsDeliveryOrder = {
      ...order, wmsId: `WMS${String(++this.sequence).padStart(8, '0')}`, acceptedAt: now, releaseAt: paid > now + CLOCK_SKEW_MS ? paid : now, duplicates: 0, shippedAt: null, carrier: null, trackingNumber: null,
    };
    this.orders.set(order.code, accepted);
    return { order: accepted, duplicate: false };
  }

  /** Ships an accepted order: its units leave the stock, and it gets a carrier and tracking number. */
  ship(code: string): WmsDeliveryOrder {
    const order = this.orders.get(code);
    if (!order) throw new Error(`no delivery order ${code}`);
    if (order.shippedAt !== null) return order;
    const shelf = this.shelf(order.warehouseCode);
    for (const line of order.lines) shelf.set(line.itemCode, (shelf.get(line.itemCode) ?? 0) - line.quantity);
    order.shippedAt = this.now();
    order.carrier = 'SF';
    order.trackingNumber = `SF${this.rng.digits(12)}`;
    return order;
  }

  /** Orders released at least `afterMs` ago and not shipped yet, oldest first. */
  dueToShip(afterMs: number): WmsDeliveryOrder[] {
    const cutoff = this.now() - afterMs;
    return [...this.orders.values()].filter((o) => o.shippedAt === null && o.releaseAt <= cutoff).sort((a, b) => a.releaseAt - b.releaseAt);
  }

  /** Units of an item that accepted, unshipped orders will take from a warehouse. */
  unshipped(warehouseCode: string, itemCode: string): number {
    let units = 0;
    for (const o of this.orders.values()) {
      if (o.warehouseCode !== warehouseCode || o.shippedAt !== null) continue;
      for (const l of o.lines) if (l.itemCode === itemCode) units += l.quantity;
    }
    return units;
  }

  /**
   * Plays the fault drawn for a request before it is answered: added latency, or the connection
   * dropped (at once while down, after the hold for a timeout). True when the request is to be
   * refused as busy; false to answer it; null when it has been dropped.
   */
  async play(socket: { destroy(): void }, record: (dropped: 'down' | 'timeout') => void): Promise<boolean | null> {
    const fault = this.decideFault();
    if (fault.kind === 'down' || fault.kind === 'timeout') {
      record(fault.kind);
      if (fault.kind === 'timeout') await new Promise((resolve) => setTimeout(resolve, fault.ms).unref());
      socket.destroy();
      return null;
    }
    if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    return fault.kind === 'error';
  }

  /** Whether the answer to an order just accepted is to be lost (lostAnswerRate). */
  loseAnswer(): boolean {
    if (!this.rng.chance(this.faults.lostAnswerRate ?? 0)) return false;
    this.lostAnswers++;
    return true;
  }

  setStock(warehouseCode: string, itemCode: string, quantity: number): void {
    this.shelf(warehouseCode).set(itemCode, quantity);
  }

  stockOf(warehouseCode: string, itemCode: string): number {
    return this.stock.get(warehouseCode)?.get(itemCode) ?? 0;
  }

  private shelf(warehouseCode: string): Map<string, number> {
    let shelf = this.stock.get(warehouseCode);
    if (!shelf) this.stock.set(warehouseCode, (shelf = new Map()));
    return shelf;
  }
}
