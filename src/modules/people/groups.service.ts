import type { RequestContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import * as repo from './people.repository.ts';

/** Handling groups (处理组): where rules send orders, and whose members work them. */
export const groupView = (g: repo.GroupRow, members: string[] = []) => ({ code: g.code, name: g.name, members, createdAt: g.createdAt.toISOString() });

export async function listGroups(ctx: RequestContext) {
  const [groups, members] = await Promise.all([repo.listGroups(ctx.db, ctx.tenantId), repo.listMembers(ctx.db, ctx.tenantId)]);
  return groups.map((g) => groupView(g, members.filter((m) => m.groupCode === g.code).map((m) => m.personId)));
}

export async function createGroup(ctx: RequestContext, input: { code: string; name: string }) {
  const row = await repo.insertGroupIfAbsent(ctx.db, { tenantId: ctx.tenantId, code: input.code, name: input.name, createdAt: ctx.clock.now() });
  if (!row) throw new AppError('GROUP_EXISTS', `handling group ${input.code} exists already`);
  return groupView(row);
}

/** Sets who works in a group; every person must exist in the tenant. */
export async function setMembers(ctx: RequestContext, code: string, personIds: string[]) {
  const ids = [...new Set(personIds)];
  return ctx.db.transaction(async (tx) => {
    const group = (await repo.listGroups(tx, ctx.tenantId)).find((g) => g.code === code);
    if (!group) throw new AppError('GROUP_NOT_FOUND', `handling group ${code} not found`);
    const found = new Set((await repo.peopleIn(tx, ctx.tenantId, ids)).map((p) => p.id));
    const missing = ids.filter((id) => !found.has(id));
    if (missing.length) {
      throw new AppError('PERSON_NOT_FOUND', `no such person: ${missing.join(', ')}`, missing.map((id) => ({ path: `members[${ids.indexOf(id)}]`, message: 'no such person' })));
    }
    await repo.replaceMembers(tx, ctx.tenantId, code, ids, ctx.clock.now());
    return groupView(group, ids);
  });
}

/** Makes the group unless it exists (seeding). */
export async function ensureGroup(ctx: RequestContext, code: string, name: string): Promise<void> {
  await repo.insertGroupIfAbsent(ctx.db, { tenantId: ctx.tenantId, code, name, createdAt: ctx.clock.now() });
}

/** Which of these group codes the tenant has. */
export async function knownGroups(ctx: RequestContext, codes: string[]): Promise<Set<string>> {
  return repo.groupCodesIn(ctx.db, ctx.tenantId, [...new Set(codes)]);
}
