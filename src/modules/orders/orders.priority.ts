/**
 * Priority tiers (优先级) and how long each may wait before processing starts. Rules set an order's
 * tier (see the rules module; the brief's tags ship as default rules); each tenant sets the windows.
 */
export const priorities = ['urgent', 'high', 'normal'] as const;
export type Priority = (typeof priorities)[number];

export const tierColours = ['red', 'orange', 'gold', 'blue', 'green', 'default'] as const;
export type TierColour = (typeof tierColours)[number];

export interface Tier {
  /** Minutes an order may wait, from payment (or from its creation when unpaid), before processing starts. */
  windowMinutes: number;
  colour: TierColour;
}

export type Tiers = Readonly<Record<Priority, Tier>>;

/** The brief's windows: urgent within 30 minutes, high within 2 hours, normal within 12 hours. */
export const defaultTiers: Tiers = {
  urgent: { windowMinutes: 30, colour: 'red' }, // 紧急: presale final payment, 限时达, VIP
  high: { windowMinutes: 120, colour: 'orange' }, // 高: same-day / next-day delivery promised
  normal: { windowMinutes: 720, colour: 'default' }, // 普通: ordinary express
};

/** The order's deadline for its tier. */
export function processBy(priority: Priority, from: Date, tiers: Tiers = defaultTiers): Date {
  return new Date(from.getTime() + tiers[priority].windowMinutes * 60_000);
}
