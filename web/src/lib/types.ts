export type Priority = 'urgent' | 'high' | 'normal';
export type Warning = 'none' | 'amber' | 'red';
export type OrderStatus =
  | 'created' | 'paid' | 'allocated' | 'routed' | 'pushed' | 'accepted_by_wms' | 'shipped' | 'delivered' | 'closed' | 'cancelled' | 'on_hold' | 'exception';

export const priorities: Priority[] = ['urgent', 'high', 'normal'];
export const orderStatuses: OrderStatus[] = ['created', 'paid', 'allocated', 'routed', 'pushed', 'accepted_by_wms', 'shipped', 'delivered', 'closed', 'cancelled', 'on_hold', 'exception'];
export const waitingStatuses: OrderStatus[] = ['paid', 'allocated', 'routed', 'pushed', 'on_hold', 'exception'];
export const channels = ['taobao', 'tmall', 'jd', 'pdd', 'douyin', 'custom'];

export interface Person {
  id: string;
  login: string;
  displayName: string;
  role: string;
  groups: string[];
  hasPassword: boolean;
  createdAt: string;
  disabledAt: string | null;
}

export interface Session {
  tenantId: string;
  tenantName: string;
  isDemo: boolean;
  role: string | null;
  person: Person | null;
  csrfToken: string | null;
  expiresAt: string | null;
}

export interface BoardRow {
  id: string;
  channel: string;
  shopId: string;
  channelOrderId: string;
  status: OrderStatus;
  statusReason: string | null;
  heldFrom: OrderStatus | null;
  priority: Priority;
  handlingGroup: string | null;
  currency: string;
  totalFen: number;
  receiverProvince: string;
  receiverCity: string;
  tags: string[];
  warehouses: string[];
  paidAt: string | null;
  createdAt: string;
  processBy: string;
  warning: Warning;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface BoardSummary {
  now: string;
  statuses: OrderStatus[];
  byStatus: Record<string, Record<Priority, number>>;
  byTier: Record<Priority, number>;
  total: number;
  overdue: number;
  amber: number;
}

export interface OrderEvent {
  id: number;
  at: string;
  actor: string;
  type: string;
  from: OrderStatus | null;
  to: OrderStatus | null;
  reason: string | null;
  data: Record<string, unknown> | null;
}

export interface OrderDetail {
  id: string;
  channel: string;
  shopId: string;
  channelOrderId: string;
  status: OrderStatus;
  statusReason: string | null;
  heldFrom: OrderStatus | null;
  priority: Priority;
  prioritySetBy: string | null;
  handlingGroup: string | null;
  currency: string;
  goodsFen: number;
  shippingFen: number;
  discountFen: number;
  totalFen: number;
  receiver: Record<string, string | null>;
  tags: string[];
  buyerMessage: string | null;
  orderedAt: string;
  paidAt: string | null;
  processBy: string;
  shipBy: string | null;
  createdAt: string;
  updatedAt: string;
  lines: { lineNo: number; sku: string; title: string | null; quantity: number; unitPriceFen: number; amountFen: number }[];
  events: OrderEvent[];
}

export interface Attempt {
  at: string;
  target: string;
  outcome: string;
  error: string | null;
  latencyMs: number | null;
}

export interface DeliveryOrder {
  code: string;
  orderId: string;
  warehouseCode: string;
  status: string;
  attempts: number;
  lastError: string | null;
  nextAttemptAt: string | null;
  wmsId: string | null;
  carrier: string | null;
  trackingNo: string | null;
  routing?: unknown;
  attemptHistory?: Attempt[];
  [key: string]: unknown;
}

export interface Alert {
  id: string;
  kind: string;
  subject: string;
  message: string;
  warehouseCode: string | null;
  orderId: string | null;
  raisedAt: string;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
}

export interface Tier {
  windowMinutes: number;
  colour: string;
}

export interface Rule {
  id: string;
  position: number;
  name: string;
  description: string | null;
  enabled: boolean;
  stop: boolean;
  condition: Condition;
  actions: Action[];
  runs: 'at_intake' | 'after_routing';
  version: number;
  updatedAt: string;
  updatedBy: string;
}

export type Condition = { all: Condition[] } | { any: Condition[] } | { not: Condition } | FieldTest;
export interface FieldTest {
  field: string;
  op: string;
  value: unknown;
  zone?: string;
}
export type Action =
  | { type: 'set_priority'; priority: Priority }
  | { type: 'set_group'; group: string }
  | { type: 'add_tags'; tags: string[] }
  | { type: 'hold'; reason: string }
  | { type: 'alert'; message: string }
  | { type: 'webhook'; url: string }
  | { type: 'prefer_warehouse'; warehouses: string[] }
  | { type: 'avoid_warehouse'; warehouses: string[] };

export interface FieldInfo {
  name: string;
  type: string;
  operators: string[];
  values?: string[];
  label: { zh: string; en: string };
  routed?: boolean;
}
