import { and, asc, eq, gt, inArray, isNull } from 'drizzle-orm';
import type { Database } from '../../platform/db/index.ts';
import { groupMembers, handlingGroups, loginLinks, people, sessions } from './people.schema.ts';

export type GroupRow = typeof handlingGroups.$inferSelect;
export type PersonRow = typeof people.$inferSelect;
export type SessionRow = typeof sessions.$inferSelect;
export type LoginLinkRow = typeof loginLinks.$inferSelect;
export type MemberRow = typeof groupMembers.$inferSelect;

export async function insertGroupIfAbsent(db: Database, row: GroupRow): Promise<GroupRow | null> {
  const rows = await db.insert(handlingGroups).values(row).onConflictDoNothing().returning();
  return rows[0] ?? null;
}

export async function listGroups(db: Database, tenantId: string): Promise<GroupRow[]> {
  return db.select().from(handlingGroups).where(eq(handlingGroups.tenantId, tenantId)).orderBy(asc(handlingGroups.code));
}

export async function groupCodesIn(db: Database, tenantId: string, codes: string[]): Promise<Set<string>> {
  if (codes.length === 0) return new Set();
  const rows = await db
    .select({ code: handlingGroups.code })
    .from(handlingGroups)
    .where(and(eq(handlingGroups.tenantId, tenantId), inArray(handlingGroups.code, codes)));
  return new Set(rows.map((r) => r.code));
}

export async function listMembers(db: Database, tenantId: string): Promise<MemberRow[]> {
  return db.select().from(groupMembers).where(eq(groupMembers.tenantId, tenantId)).orderBy(asc(groupMembers.groupCode), asc(groupMembers.addedAt));
}

/** Replaces a group's members with these people. */
export async function replaceMembers(db: Database, tenantId: string, groupCode: string, personIds: string[], at: Date): Promise<void> {
  await db.delete(groupMembers).where(and(eq(groupMembers.tenantId, tenantId), eq(groupMembers.groupCode, groupCode)));
  if (personIds.length === 0) return;
  await db.insert(groupMembers).values(personIds.map((personId) => ({ tenantId, groupCode, personId, addedAt: at })));
}

export async function insertPersonIfAbsent(db: Database, row: PersonRow): Promise<PersonRow | null> {
  const rows = await db.insert(people).values(row).onConflictDoNothing().returning();
  return rows[0] ?? null;
}

export async function listPeople(db: Database, tenantId: string): Promise<PersonRow[]> {
  return db.select().from(people).where(eq(people.tenantId, tenantId)).orderBy(asc(people.login));
}

export async function findPerson(db: Database, tenantId: string, id: string): Promise<PersonRow | null> {
  const rows = await db.select().from(people).where(and(eq(people.tenantId, tenantId), eq(people.id, id)));
  return rows[0] ?? null;
}

export async function findPersonByLogin(db: Database, tenantId: string, login: string): Promise<PersonRow | null> {
  const rows = await db.select().from(people).where(and(eq(people.tenantId, tenantId), eq(people.login, login)));
  return rows[0] ?? null;
}

export async function peopleIn(db: Database, tenantId: string, ids: string[]): Promise<PersonRow[]> {
  if (ids.length === 0) return [];
  return db.select().from(people).where(and(eq(people.tenantId, tenantId), inArray(people.id, ids)));
}

export async function updatePerson(db: Database, tenantId: string, id: string, patch: Partial<Pick<PersonRow, 'displayName' | 'role' | 'passwordHash' | 'disabledAt'>>): Promise<PersonRow | null> {
  const rows = await db.update(people).set(patch).where(and(eq(people.tenantId, tenantId), eq(people.id, id))).returning();
  return rows[0] ?? null;
}

export async function insertSession(db: Database, row: SessionRow): Promise<void> {
  await db.insert(sessions).values(row);
}

/** A session that has not ended and has not expired at `at`. */
export async function findLiveSession(db: Database, tenantId: string, id: string, at: Date): Promise<SessionRow | null> {
  const rows = await db
    .select()
    .from(sessions)
    .where(and(eq(sessions.tenantId, tenantId), eq(sessions.id, id), isNull(sessions.endedAt), gt(sessions.expiresAt, at)));
  return rows[0] ?? null;
}

export async function endSession(db: Database, tenantId: string, id: string, at: Date): Promise<void> {
  await db.update(sessions).set({ endedAt: at }).where(and(eq(sessions.tenantId, tenantId), eq(sessions.id, id), isNull(sessions.endedAt)));
}

/** Ends every live session of a person (disabled, or a new password). */
export async function endSessionsOf(db: Database, tenantId: string, personId: string, at: Date): Promise<void> {
  await db.update(sessions).set({ endedAt: at }).where(and(eq(sessions.tenantId, tenantId), eq(sessions.personId, personId), isNull(sessions.endedAt)));
}

export async function insertLoginLink(db: Database, row: LoginLinkRow): Promise<void> {
  await db.insert(loginLinks).values(row);
}

export async function findLoginLink(db: Database, tenantId: string, id: string): Promise<LoginLinkRow | null> {
  const rows = await db.select().from(loginLinks).where(and(eq(loginLinks.tenantId, tenantId), eq(loginLinks.id, id)));
  return rows[0] ?? null;
}

/** Marks the link used if it is unused and unexpired, in one statement, so two clicks cannot both sign in. */
export async function useLoginLink(db: Database, tenantId: string, id: string, at: Date): Promise<LoginLinkRow | null> {
  const rows = await db
    .update(loginLinks)
    .set({ usedAt: at })
    .where(and(eq(loginLinks.tenantId, tenantId), eq(loginLinks.id, id), isNull(loginLinks.usedAt), gt(loginLinks.expiresAt, at)))
    .returning();
  return rows[0] ?? null;
}
