import type { RequestContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import * as repo from './people.repository.ts';

/** Handling groups (处理组): where rules send orders, and whose members work them. */
export const groupView = (g: repo.GroupRow) => ({ code: g.code, name: g.name, createdAt: g.createdAt.toISOString() });

export async function listGroups(ctx: RequestContext) {
  return (await repo.listGroups(ctx.db, ctx.tenantId)).map(groupView);
}

export async function createGroup(ctx: RequestContext, input: { code: string; name: string }) {
  const row = await repo.insertGroupIfAbsent(ctx.db, { tenantId: ctx.tenantId, code: input.code, name: input.name, createdAt: ctx.clock.now() });
  if (!row) throw new AppError('GROUP_EXISTS', `handling group ${input.code} exists already`);
  return groupView(row);
}

/** Makes the group unless it exists (seeding). */
export async function ensureGroup(ctx: RequestContext, code: string, name: string): Promise<void> {
  await repo.insertGroupIfAbsent(ctx.db, { tenantId: ctx.tenantId, code, name, createdAt: ctx.clock.now() });
}

/** Which of these group codes the tenant has. */
export async function knownGroups(ctx: RequestContext, codes: string[]): Promise<Set<string>> {
  return repo.groupCodesIn(ctx.db, ctx.tenantId, [...new Set(codes)]);
}
