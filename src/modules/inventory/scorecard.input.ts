import { z } from 'zod';

export const channelName = z.string().regex(/^[a-z]{2,32}$/, 'a channel code such as douyin, taobao, jd, pdd');

export const monthQuery = z.object({
  month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'yyyy-MM').optional().describe('month in Asia/Shanghai, e.g. 2026-11; the current month when left out'),
});

export const weeklyQuery = z.object({
  channel: channelName.optional(),
  weeks: z.coerce.number().int().min(1).max(53).default(8).describe('how many weeks, the running one included'),
});

export const channelParams = z.object({ channel: channelName });
