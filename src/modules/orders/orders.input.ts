import { z } from 'zod';
import type { TimeConversion } from '../../platform/time/conversions.ts';
import { isoInstantMs } from '../../platform/time/instants.ts';
import { isCurrencyCode } from '../time/time.regions.ts';
import { timeZone } from '../time/time.input.ts';
import { channels } from '../channels/channels.input.ts';
import { instant, minorUnits, pastInstant, str, text } from '../../platform/validation.ts';
import { orderStatuses } from './orders.lifecycle.ts';
import { priorities } from './orders.priority.ts';

/** What a channel may say about an order; the lifecycle beyond this is the platform's own. */
export const channelStatuses = ['created', 'paid', 'cancelled', 'shipped', 'delivered', 'closed'] as const;
export type ChannelStatus = (typeof channelStatuses)[number];

/**
 * Why a channel does not yet let a paid order ship: under its risk check (Douyin 105, Pinduoduo
 * risk_control_status 1), shipping forbidden for now (Taobao PAID_FORBID_CONSIGN), locked or paused
 * (JD LOCKED, POP_ORDER_PAUSE). Such an order takes its stock but is held until the channel releases it.
 */
export const channelHolds = ['risk_check', 'consign_forbidden', 'locked', 'paused'] as const;
export type ChannelHold = (typeof channelHolds)[number];

const fen = minorUnits();

/** How much earlier than the order time a payment time may be: channels stamp the two on different clocks. */
export const PAYMENT_CLOCK_SKEW_MS = 5 * 60_000;

const line = z.object({
  sku: text(64),
  title: str().max(200).optional(),
  channelLineId: text(64).optional(),
  quantity: z.number().int().min(1).max(100_000),
  unitPriceFen: fen,
  /** The line's amount after line discounts; quantity × unit price when omitted. */
  amountFen: fen.optional(),
});

export const receiverInput = z.object({
  name: text(100),
  phone: str().trim().regex(/^[0-9+\-\s()*]{4,32}$/, 'must be a phone number'),
  country: str().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code').default('CN'),
  province: text(50),
  city: text(50),
  district: str().trim().max(50).optional(),
  address: text(300),
  postcode: str().trim().max(20).optional(),
  provinceCode: str().regex(/^\d{2,12}$/).optional(),
  cityCode: str().regex(/^\d{2,12}$/).optional(),
  districtCode: str().regex(/^\d{2,12}$/).optional(),
  timeZone: timeZone.optional().describe('the receiver\'s IANA zone; from the region pack of its country and province (an ISO 3166-2 code such as CA or NSW abroad) when left out'),
});

export const orderInputExample = {
  channel: 'custom',
  shopId: 'flagship',
  channelOrderId: '4312009876543210987',
  status: 'paid',
  buyerRef: 'buyer-88231',
  currency: 'CNY',
  shippingFen: 0,
  discountFen: 1000,
  totalFen: 25800,
  receiver: {
    name: '张伟',
    phone: '13812345678',
    province: '浙江省',
    city: '杭州市',
    district: '西湖区',
    address: '文三路 398 号 5 幢 1201 室',
  },
  tags: ['VIP'],
  orderedAt: '2026-11-11T00:03:12+08:00',
  paidAt: '2026-11-11T00:03:40+08:00',
  channelModifiedAt: '2026-11-11T00:03:40+08:00',
  lines: [
    { sku: 'SOFA-GREY-3S', title: '三人布艺沙发 灰色', quantity: 1, unitPriceFen: 19900 },
    { sku: 'PILLOW-01', title: '抱枕', quantity: 2, unitPriceFen: 3450 },
  ],
} as const;

export const orderInput = z
  .object({
    channel: z.enum(channels),
    shopId: text(64),
    /** Always a string: Taobao and Douyin ids exceed 2^53. */
    channelOrderId: text(64),
    status: z.enum(channelStatuses).describe('What the channel says: created (awaiting payment), paid, cancelled, shipped, delivered, closed'),
    /** The channel's own status word, kept for reference. */
    channelStatus: str().max(64).optional(),
    channelHold: z.enum(channelHolds).optional().describe('A paid order the channel does not let ship yet: risk_check, consign_forbidden, locked, paused'),
    buyerRef: str().max(100).optional(),
    currency: str().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code').refine(isCurrencyCode, 'not an ISO 4217 currency').default('CNY').describe('ISO 4217; every amount is in its minor units with its own exponent (JPY 0, CNY 2, KWD 3)'),
    goodsFen: fen.optional(),
    shippingFen: fen.default(0),
    discountFen: fen.default(0),
    totalFen: fen,
    receiver: receiverInput,
    tags: z.array(text(40)).max(50).default([]),
    priority: z.enum(priorities).optional(),
    buyerMessage: str().max(1000).optional(),
    sellerMemo: str().max(1000).optional(),
    orderedAt: pastInstant(),
    paidAt: pastInstant().optional(),
    /** Later messages win only if this is newer; defaults to the payment or order time. */
    channelModifiedAt: pastInstant().optional(),
    /** A promise, so it may lie days ahead (pre-sales). */
    shipBy: instant().optional(),
    lines: z.array(line).min(1).max(500),
  })
  .superRefine((order, ctx) => {
    if (order.channelHold && order.status !== 'paid') {
      ctx.addIssue({ code: 'custom', path: ['channelHold'], message: 'only a paid order can be held by its channel' });
    }
    const skus = new Set<string>();
    let goods = 0;
    order.lines.forEach((l, i) => {
      const amount = l.amountFen ?? l.quantity * l.unitPriceFen;
      if (!Number.isSafeInteger(amount)) {
        ctx.addIssue({ code: 'custom', path: ['lines', i, 'amountFen'], message: 'line amount is too large' });
      }
      goods += amount;
      const key = `${l.sku}\u0000${l.channelLineId ?? ''}`;
      if (skus.has(key)) {
        ctx.addIssue({ code: 'custom', path: ['lines', i, 'sku'], message: 'the same SKU appears twice; give each line a channelLineId or merge them' });
      }
      skus.add(key);
    });
    if (!Number.isSafeInteger(goods)) {
      ctx.addIssue({ code: 'custom', path: ['lines'], message: 'the lines add up to more than can be counted exactly' });
    }
    if (order.goodsFen !== undefined && order.goodsFen !== goods) {
      ctx.addIssue({ code: 'custom', path: ['goodsFen'], message: `must equal the sum of line amounts (${goods})` });
    }
    const expected = goods + order.shippingFen - order.discountFen;
    if (order.totalFen !== expected) {
      ctx.addIssue({
        code: 'custom',
        path: ['totalFen'],
        message: `must equal goods ${goods} + shipping ${order.shippingFen} − discount ${order.discountFen} = ${expected}`,
      });
    }
    if (order.paidAt && isoInstantMs(order.paidAt) < isoInstantMs(order.orderedAt) - PAYMENT_CLOCK_SKEW_MS) {
      ctx.addIssue({ code: 'custom', path: ['paidAt'], message: `must not be before orderedAt (${PAYMENT_CLOCK_SKEW_MS / 60_000} minutes of clock skew allowed)` });
    }
    if (order.status !== 'created' && order.status !== 'cancelled' && !order.paidAt) {
      ctx.addIssue({ code: 'custom', path: ['paidAt'], message: `is required when status is ${order.status}` });
    }
  })
  .meta({ examples: [orderInputExample] });

/**
 * A canonical order. A connector adds the conversions of the channel's own times it read (the
 * API's schema has no such field, so a caller cannot write them).
 */
export type OrderInput = z.output<typeof orderInput> & { timeConversions?: readonly TimeConversion[] };

export const transitionInputExample = { to: 'on_hold', reason: 'customer asked to change the address' } as const;

export const transitionInput = z
  .object({
    to: z.enum(orderStatuses),
    reason: str().trim().min(1).max(500),
  })
  .meta({ examples: [transitionInputExample] });

export type TransitionInput = z.output<typeof transitionInput>;

export type ReceiverInput = z.output<typeof receiverInput>;

/** A corrected receiver: as in an order, the country (when left out) staying the order's. */
export const receiverCorrection = receiverInput
  .extend({ country: str().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code').optional() })
  .meta({ examples: [orderInputExample.receiver] });
export type ReceiverCorrection = z.output<typeof receiverCorrection>;

export const orderIdParams = z.object({ id: z.string().min(1).max(64) });
