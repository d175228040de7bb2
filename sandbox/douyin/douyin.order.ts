import type { SpecValue } from '../common/catalogue.ts';
import type { OrderScenario } from '../common/order-scenario.ts';
import type { Receiver } from '../common/receiver.ts';
import type { OrderStatus } from './douyin.lifecycle.ts';

/** The sandbox's order model: shops, platform SKUs, orders with their lines and shipments. */

export interface SandboxShop {
  /** Numeric, as Douyin's shop ids are; written to JSON as a number. */
  readonly shopId: string;
  readonly shopName: string;
  readonly appKey: string;
  readonly accessToken: string;
}

export interface PlatformSku {
  /** 19 digits, beyond 2^53: the platform sends it as a bare JSON integer. */
  readonly productId: string;
  /** 16 digits, within 2^53. */
  readonly skuId: string;
  readonly outProductId: string;
  readonly outSkuId: string;
  readonly productName: string;
  readonly specs: readonly SpecValue[];
}

export interface DouyinSkuOrder {
  readonly skuOrderId: string;
  readonly sku: PlatformSku;
  readonly unitPriceFen: number;
  readonly quantity: number;
  /** unit × quantity. */
  readonly sumFen: number;
  /** This line's share of the order discount and of the freight, fen. */
  readonly promotionFen: number;
  readonly postFen: number;
  /** sum − promotion + post. Lines add up to the order's pay_amount. */
  readonly payFen: number;
}

export interface Shipment {
  readonly orderId: string;
  readonly shopId: string;
  readonly companyCode: string;
  readonly trackingNo: string;
  readonly at: number;
  /** The params as received, for tests to inspect. */
  readonly params: Readonly<Record<string, unknown>>;
}

export interface DouyinOrder {
  readonly orderId: string;
  readonly shop: SandboxShop;
  readonly scenario: OrderScenario;
  readonly skuOrders: readonly DouyinSkuOrder[];
  readonly buyerOpenId: string;
  /** 1 WeChat Pay, 2 Alipay. */
  readonly payType: number;
  readonly channelPaymentNo: string;
  status: OrderStatus;
  /** All times in ms; the wire gets Unix seconds. */
  readonly createTime: number;
  updateTime: number;
  payTime?: number;
  shipTime?: number;
  finishTime?: number;
  cancelReason: string;
  receiver: Receiver;
  readonly shipments: Shipment[];
}
