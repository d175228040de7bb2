import type { RequestContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import type { SecretBox } from '../../platform/secrets.ts';
import type { Marketplace } from './channels.input.ts';
import type { ShopCreate, ShopPatch } from './shops.input.ts';
import * as repo from './shops.repository.ts';
import type { NewShopRow, ShopRow } from './shops.repository.ts';
import { configChanged } from '../../platform/config-cache.ts';

/** A shop as the API shows it: never a secret, only whether one is set. */
export function shopView(row: ShopRow) {
  return {
    id: row.id,
    channel: row.channel,
    name: row.name,
    channelShopId: row.channelShopId,
    credentials: {
      appKey: row.appKey,
      appSecretSet: true,
      accessTokenSet: row.accessTokenSealed !== null,
      refreshTokenSet: row.refreshTokenSealed !== null,
    },
    apiBaseUrl: row.apiBaseUrl,
    active: row.active,
    /** Where the marketplace should push messages for this shop. */
    webhookPath: `/webhooks/${row.channel}/${row.tenantId}.${row.id}`,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** What a connector needs to talk to the marketplace as this shop. */
export interface ShopCredentials {
  tenantId: string;
  shopId: string;
  channel: Marketplace;
  channelShopId: string;
  appKey: string;
  appSecret: string;
  accessToken: string | null;
  apiBaseUrl: string | null;
}

export async function createShop(ctx: RequestContext, box: SecretBox, input: ShopCreate) {
  const now = ctx.clock.now();
  const row = await repo.insertIfAbsent(ctx.db, {
    tenantId: ctx.tenantId,
    id: input.id,
    channel: input.channel,
    name: input.name,
    channelShopId: input.channelShopId,
    appKey: input.credentials.appKey,
    appSecretSealed: box.seal(input.credentials.appSecret),
    accessTokenSealed: input.credentials.accessToken ? box.seal(input.credentials.accessToken) : null,
    refreshTokenSealed: input.credentials.refreshToken ? box.seal(input.credentials.refreshToken) : null,
    apiBaseUrl: input.apiBaseUrl ?? null,
    active: input.active,
    createdAt: now,
    updatedAt: now,
  });
  if (!row) {
    throw new AppError('SHOP_EXISTS', `a shop with id ${input.id}, or ${input.channel} shop ${input.channelShopId}, is already registered`);
  }
  configChanged(ctx.tenantId);
  return shopView(row);
}

export async function listShops(ctx: RequestContext) {
  return (await repo.list(ctx.db, ctx.tenantId)).map(shopView);
}

export async function getShop(ctx: RequestContext, id: string) {
  const row = await repo.findById(ctx.db, ctx.tenantId, id);
  if (!row) throw new AppError('SHOP_NOT_FOUND', `shop ${id} not found`);
  return shopView(row);
}

export async function updateShop(ctx: RequestContext, box: SecretBox, id: string, patch: ShopPatch) {
  const c = patch.credentials ?? {};
  const changes: Partial<NewShopRow> = {
    name: patch.name,
    appKey: c.appKey,
    appSecretSealed: c.appSecret ? box.seal(c.appSecret) : undefined,
    accessTokenSealed: c.accessToken ? box.seal(c.accessToken) : undefined,
    refreshTokenSealed: c.refreshToken ? box.seal(c.refreshToken) : undefined,
    apiBaseUrl: patch.apiBaseUrl,
    active: patch.active,
    updatedAt: ctx.clock.now(),
  };
  const row = await repo.update(ctx.db, ctx.tenantId, id, changes);
  if (!row) throw new AppError('SHOP_NOT_FOUND', `shop ${id} not found`);
  configChanged(ctx.tenantId);
  return shopView(row);
}

/** Opens a shop's credentials for a connector. Never logged, never returned by the API. */
export async function credentialsOf(ctx: RequestContext, box: SecretBox, id: string): Promise<ShopCredentials> {
  const row = await repo.findById(ctx.db, ctx.tenantId, id);
  if (!row) throw new AppError('SHOP_NOT_FOUND', `shop ${id} not found`);
  return {
    tenantId: row.tenantId,
    shopId: row.id,
    channel: row.channel as Marketplace,
    channelShopId: row.channelShopId,
    appKey: row.appKey,
    appSecret: box.open(row.appSecretSealed),
    accessToken: row.accessTokenSealed ? box.open(row.accessTokenSealed) : null,
    apiBaseUrl: row.apiBaseUrl,
  };
}

/** The tenant's registered, active shops, by id (orders may name shops never registered). */
export async function allActiveShopIds(ctx: Pick<RequestContext, 'db' | 'tenantId'>): Promise<Set<string>> {
  return repo.allActiveIds(ctx.db, ctx.tenantId);
}
