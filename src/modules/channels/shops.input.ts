import { z } from 'zod';
import { str, text } from '../../platform/validation.ts';

import { marketplaces } from './channels.input.ts';

export { marketplaces, type Marketplace } from './channels.input.ts';

const shopCode = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/, 'lowercase letters, digits and dashes, at most 40');
const secret = text(512);
const baseUrl = z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' }).max(300);

export const shopCreateExample = {
  id: 'dy-live',
  channel: 'douyin',
  name: '抖音直播旗舰店',
  channelShopId: '4463798',
  credentials: { appKey: '7012345678901234567', appSecret: 'replace-with-the-app-secret', accessToken: 'replace-with-the-shop-access-token' },
} as const;

export const shopCreate = z
  .object({
    id: shopCode,
    channel: z.enum(marketplaces),
    name: text(100),
    channelShopId: text(64),
    credentials: z.object({
      appKey: text(128),
      appSecret: secret,
      accessToken: secret.optional(),
      refreshToken: secret.optional(),
    }),
    /** Overrides the platform's production gateway (e.g. a sandbox). */
    apiBaseUrl: baseUrl.optional(),
    active: z.boolean().default(true),
  })
  .meta({ examples: [shopCreateExample] });

export type ShopCreate = z.output<typeof shopCreate>;

export const shopPatchExample = { name: '抖音直播旗舰店（新）', credentials: { accessToken: 'a-refreshed-access-token' } } as const;

export const shopPatch = z
  .object({
    name: text(100).optional(),
    credentials: z
      .object({ appKey: text(128).optional(), appSecret: secret.optional(), accessToken: secret.optional(), refreshToken: secret.optional() })
      .optional(),
    apiBaseUrl: baseUrl.nullable().optional(),
    active: z.boolean().optional(),
  })
  .refine((p) => Object.values(p).some((v) => v !== undefined), 'send at least one field to change')
  .meta({ examples: [shopPatchExample] });

export type ShopPatch = z.output<typeof shopPatch>;

export const shopIdParam = z.object({ id: str().min(1).max(40) });
