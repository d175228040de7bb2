/**
 * Priority tiers (优先级) and how long each may wait before processing starts. The tier comes from
 * the order itself when given, otherwise from its tags as below.
 */
export const priorities = ['urgent', 'high', 'normal'] as const;
export type Priority = (typeof priorities)[number];

const MINUTE = 60_000;

export const processingWindowMs: Readonly<Record<Priority, number>> = {
  urgent: 30 * MINUTE, // 紧急: presale final payment, 限时达, VIP
  high: 2 * 60 * MINUTE, // 高: same-day / next-day delivery promised
  normal: 12 * 60 * MINUTE, // 普通: ordinary express
};

const urgentTags = ['vip', '限时达', 'presale_final', '预售尾款', 'time_limited'];
const highTags = ['当日达', '次日达', 'same_day', 'next_day'];

/** Whole tags only, case-insensitive: "svip-member" is not "VIP". */
function hasTag(tags: readonly string[], wanted: readonly string[]): boolean {
  return tags.some((tag) => wanted.includes(tag.trim().toLowerCase()));
}

/** The tier an order gets from its tags when nobody set one. */
export function defaultPriority(tags: readonly string[]): Priority {
  if (hasTag(tags, urgentTags)) return 'urgent';
  if (hasTag(tags, highTags)) return 'high';
  return 'normal';
}

export function processBy(priority: Priority, from: Date): Date {
  return new Date(from.getTime() + processingWindowMs[priority]);
}
