import type { Clock } from '../../platform/clock.ts';
import { systemActor, type Actor } from '../../platform/context.ts';
import type { Database } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import { newId, randomSecret } from '../../platform/ids.ts';
import { hashesMatch, hashKey } from '../access/access.keys.ts';
import { decoyHash, passwordMatches } from './people.password.ts';
import * as repo from './people.repository.ts';
import { ensurePerson, normalLogin, personView, type PersonView } from './people.service.ts';

/**
 * Console sessions. A session token, like a login link's, is `<tenant>.<id>.<secret>`: the tenant
 * and id find the row by primary key, and only a SHA-256 of the secret is stored. The token lives
 * in an HttpOnly cookie; the CSRF token beside it is handed to the page, which sends it back in a
 * header on every request that changes something.
 */
export const SESSION_COOKIE = 'oms_session';
export const CSRF_HEADER = 'x-csrf-token';
export const SESSION_HOURS = 12;
export const LOGIN_LINK_MINUTES = 24 * 60;

/** Secrets are kept as API keys are: a SHA-256 of them, compared in constant time. */
const secretMatches = (secret: string, storedHex: string) => hashesMatch(storedHex, hashKey(secret));

interface ParsedToken {
  tenantId: string;
  id: string;
  secret: string;
}

function parseToken(token: string): ParsedToken | null {
  const match = /^([a-z0-9][a-z0-9-]{0,39})\.([0-9a-f-]{36})\.([A-Za-z0-9_-]{20,100})$/.exec(token);
  return match ? { tenantId: match[1]!, id: match[2]!, secret: match[3]! } : null;
}

/** What signing in needs before there is a caller: the database and the clock. */
export interface SignInDeps {
  db: Database;
  clock: Clock;
}

export interface SignedIn {
  /** The cookie's value. */
  token: string;
  csrfToken: string;
  expiresAt: Date;
  tenantId: string;
  person: PersonView;
}

async function openSession(db: Database, person: repo.PersonRow, at: Date): Promise<SignedIn> {
  const id = newId();
  const secret = randomSecret(32);
  const csrfToken = randomSecret(24);
  const expiresAt = new Date(at.getTime() + SESSION_HOURS * 3_600_000);
  await repo.insertSession(db, { tenantId: person.tenantId, id, personId: person.id, secretHash: hashKey(secret), csrfToken, createdAt: at, expiresAt, endedAt: null });
  return { token: `${person.tenantId}.${id}.${secret}`, csrfToken, expiresAt, tenantId: person.tenantId, person: personView(person) };
}

/**
 * Failed logins per tenant and name, kept by each server (the session routes hold one): after ten
 * within fifteen minutes the name is refused until the window has passed, whatever the password.
 */
export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();
  constructor(private readonly limit = 10, private readonly windowMs = 15 * 60_000) {}

  private recent(key: string, now: number): number[] {
    const kept = (this.failures.get(key) ?? []).filter((t) => t > now - this.windowMs);
    if (kept.length) this.failures.set(key, kept);
    else this.failures.delete(key);
    return kept;
  }

  check(key: string, now: number): void {
    const recent = this.recent(key, now);
    if (recent.length >= this.limit) {
      const retryAfterS = Math.ceil((recent[0]! + this.windowMs - now) / 1000);
      throw new AppError('TOO_MANY_ATTEMPTS', `too many failed logins for this name; try again in ${retryAfterS} s`, { retryAfterS });
    }
  }

  failed(key: string, now: number): void {
    if (this.failures.size > 100_000) this.failures.clear();
    this.failures.set(key, [...this.recent(key, now), now]);
  }

  passed(key: string): void {
    this.failures.delete(key);
  }
}

/** Signs a person in by name and password. Unknown names, wrong passwords and disabled people get the same answer in the same time. */
export async function logIn(db: Database, clock: Clock, throttle: LoginThrottle, input: { tenantId: string; login: string; password: string }): Promise<SignedIn> {
  const login = normalLogin(input.login);
  const key = `${input.tenantId}\u0000${login}`;
  const now = clock.now();
  throttle.check(key, now.getTime());
  const person = await repo.findPersonByLogin(db, input.tenantId, login);
  const matches = await passwordMatches(input.password, person?.passwordHash ?? (await decoyHash()));
  if (!person || !person.passwordHash || person.disabledAt || !matches) {
    throttle.failed(key, now.getTime());
    throw new AppError('LOGIN_FAILED', 'the name or the password is wrong');
  }
  throttle.passed(key);
  return openSession(db, person, now);
}

export interface SessionPrincipal {
  tenantId: string;
  sessionId: string;
  actor: Actor;
  csrfToken: string;
  expiresAt: Date;
  person: repo.PersonRow;
}

/** The live session a cookie names, with its person; null when it is unknown, ended, expired, or the person is disabled. */
export async function sessionFor(db: Database, token: string, at: Date): Promise<SessionPrincipal | null> {
  const parsed = parseToken(token);
  if (!parsed) return null;
  const session = await repo.findLiveSession(db, parsed.tenantId, parsed.id, at);
  if (!session || !secretMatches(parsed.secret, session.secretHash)) return null;
  const person = await repo.findPerson(db, session.tenantId, session.personId);
  if (!person || person.disabledAt) return null;
  return {
    tenantId: session.tenantId,
    sessionId: session.id,
    actor: { kind: 'person', id: person.id, role: person.role },
    csrfToken: session.csrfToken,
    expiresAt: session.expiresAt,
    person,
  };
}

export async function logOut(db: Database, tenantId: string, sessionId: string, at: Date): Promise<void> {
  await repo.endSession(db, tenantId, sessionId, at);
}

/** A one-time link that signs this person in, like the one the demo prints at start. */
export async function issueLoginLink(db: Database, person: repo.PersonRow, at: Date, minutes = LOGIN_LINK_MINUTES): Promise<string> {
  const id = newId();
  const secret = randomSecret(32);
  await repo.insertLoginLink(db, { tenantId: person.tenantId, id, personId: person.id, secretHash: hashKey(secret), createdAt: at, expiresAt: new Date(at.getTime() + minutes * 60_000), usedAt: null });
  return `${person.tenantId}.${id}.${secret}`;
}

/** Opens a session from a login link, once; null when the link is unknown, used, expired, or its person disabled. */
export async function redeemLoginLink(db: Database, token: string, at: Date): Promise<SignedIn | null> {
  const parsed = parseToken(token);
  if (!parsed) return null;
  const link = await repo.findLoginLink(db, parsed.tenantId, parsed.id);
  if (!link || !secretMatches(parsed.secret, link.secretHash)) return null;
  const used = await repo.useLoginLink(db, link.tenantId, link.id, at);
  if (!used) return null;
  const person = await repo.findPerson(db, used.tenantId, used.personId);
  if (!person || person.disabledAt) return null;
  return openSession(db, person, at);
}

/**
 * First start of a tenant with nobody in it: an admin person named "admin", without a password,
 * and a one-time link to sign them in (they set a password in the console). Null when the tenant
 * has people already.
 */
export async function firstAdminLink(db: Database, clock: Clock, tenantId: string): Promise<string | null> {
  if ((await repo.listPeople(db, tenantId)).length > 0) return null;
  const ctx = { tenantId, actor: systemActor('bootstrap'), clock, db };
  const admin = await ensurePerson(ctx, { login: 'admin', displayName: 'Admin', role: 'admin' });
  return issueLoginLink(db, admin, clock.now());
}
