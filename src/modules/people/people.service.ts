import type { RequestContext, Role } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { newId } from '../../platform/ids.ts';
import { hashPassword } from './people.password.ts';
import * as repo from './people.repository.ts';

/** People who work in the console. Their roles are the API keys' roles. */
export const personView = (p: repo.PersonRow, groups: string[] = []) => ({
  id: p.id,
  login: p.login,
  displayName: p.displayName,
  role: p.role,
  groups,
  hasPassword: p.passwordHash !== null,
  createdAt: p.createdAt.toISOString(),
  disabledAt: p.disabledAt?.toISOString() ?? null,
});
export type PersonView = ReturnType<typeof personView>;

export interface NewPerson {
  login: string;
  displayName: string;
  role: Role;
  password?: string;
}

export const normalLogin = (login: string) => login.trim().toLowerCase();

function groupsByPerson(members: repo.MemberRow[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const m of members) out.set(m.personId, [...(out.get(m.personId) ?? []), m.groupCode]);
  return out;
}

export async function listPeople(ctx: RequestContext): Promise<PersonView[]> {
  const [rows, members] = await Promise.all([repo.listPeople(ctx.db, ctx.tenantId), repo.listMembers(ctx.db, ctx.tenantId)]);
  const groups = groupsByPerson(members);
  return rows.map((p) => personView(p, groups.get(p.id)));
}

export async function createPerson(ctx: RequestContext, input: NewPerson): Promise<PersonView> {
  const row = await repo.insertPersonIfAbsent(ctx.db, {
    tenantId: ctx.tenantId,
    id: newId(),
    login: normalLogin(input.login),
    displayName: input.displayName,
    role: input.role,
    passwordHash: input.password === undefined ? null : await hashPassword(input.password),
    createdAt: ctx.clock.now(),
    disabledAt: null,
  });
  if (!row) throw new AppError('PERSON_EXISTS', `someone logs in as ${normalLogin(input.login)} already`);
  return personView(row);
}

/** The person with this login, made if there is none (the demo's admin, first start). */
export async function ensurePerson(ctx: RequestContext, input: NewPerson): Promise<repo.PersonRow> {
  const login = normalLogin(input.login);
  const found = await repo.findPersonByLogin(ctx.db, ctx.tenantId, login);
  if (found) return found;
  await createPerson(ctx, input);
  return (await repo.findPersonByLogin(ctx.db, ctx.tenantId, login))!;
}

export interface PersonPatch {
  displayName?: string;
  role?: Role;
  password?: string;
  disabled?: boolean;
}

/**
 * Changes a person. A new password or disabling ends their sessions. The tenant's last enabled
 * admin can neither be disabled nor lose the role: nobody could manage people after that.
 */
export async function updatePerson(ctx: RequestContext, id: string, patch: PersonPatch): Promise<PersonView> {
  return ctx.db.transaction(async (tx) => {
    const person = await repo.findPerson(tx, ctx.tenantId, id);
    if (!person) throw new AppError('PERSON_NOT_FOUND', `person ${id} not found`);
    const losesAdmin = person.role === 'admin' && !person.disabledAt && (patch.disabled === true || (patch.role !== undefined && patch.role !== 'admin'));
    if (losesAdmin) {
      const admins = (await repo.listPeople(tx, ctx.tenantId)).filter((p) => p.role === 'admin' && !p.disabledAt);
      if (admins.length === 1) throw new AppError('LAST_ADMIN_PERSON', 'this is the tenant\'s last enabled admin; make another admin first');
    }
    const at = ctx.clock.now();
    const updated = await repo.updatePerson(tx, ctx.tenantId, id, {
      ...(patch.displayName !== undefined ? { displayName: patch.displayName } : {}),
      ...(patch.role !== undefined ? { role: patch.role } : {}),
      ...(patch.password !== undefined ? { passwordHash: await hashPassword(patch.password) } : {}),
      ...(patch.disabled !== undefined ? { disabledAt: patch.disabled ? (person.disabledAt ?? at) : null } : {}),
    });
    if (patch.password !== undefined || patch.disabled === true || (patch.role !== undefined && patch.role !== person.role)) {
      await repo.endSessionsOf(tx, ctx.tenantId, id, at);
    }
    const members = (await repo.listMembers(tx, ctx.tenantId)).filter((m) => m.personId === id);
    return personView(updated!, members.map((m) => m.groupCode));
  });
}

export async function findPersonByLogin(ctx: RequestContext, login: string): Promise<repo.PersonRow | null> {
  return repo.findPersonByLogin(ctx.db, ctx.tenantId, normalLogin(login));
}

export async function findPerson(ctx: RequestContext, id: string): Promise<repo.PersonRow | null> {
  return repo.findPerson(ctx.db, ctx.tenantId, id);
}

/** Who is who, for showing names where the records say `person:<id>`: ids and display names only. */
export async function directory(ctx: RequestContext): Promise<{ id: string; displayName: string }[]> {
  return (await repo.listPeople(ctx.db, ctx.tenantId)).map((p) => ({ id: p.id, displayName: p.displayName }));
}
