import { timingSafeEqual } from 'node:crypto';
import { parse as parseCookies } from 'cookie';
import type { FastifyRequest } from 'fastify';
import type { Clock } from '../platform/clock.ts';
import type { RequestContext } from '../platform/context.ts';
import type { Database } from '../platform/db/index.ts';
import { AppError } from '../platform/errors.ts';
import { authenticate, type Principal } from '../modules/access/access.service.ts';
import { CSRF_HEADER, SESSION_COOKIE, sessionFor, type SessionPrincipal } from '../modules/people/sessions.service.ts';

const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

export interface Authenticated {
  ctx: RequestContext;
  /** Present when a person signed in to the console made the request. */
  session: SessionPrincipal | null;
}

/** Entries looked up recently, kept for a few seconds per process. */
class ShortCache<T> {
  private entries = new Map<string, { value: T; until: number }>();
  constructor(private readonly ttlMs: number) {}

  async get(key: string, load: () => Promise<T | null>): Promise<T | null> {
    const now = Date.now();
    const hit = this.entries.get(key);
    if (hit && hit.until >= now) return hit.value;
    const value = await load();
    if (!value) {
      this.entries.delete(key);
      return null;
    }
    if (this.entries.size > 10_000) this.entries.clear();
    this.entries.set(key, { value, until: now + this.ttlMs });
    return value;
  }

  clear(): void {
    this.entries.clear();
  }
}

/**
 * Resolves the caller: an integration's `Authorization: Bearer <key>`, or a person's session
 * cookie from the console. Lookups are cached for a few seconds per process so a busy integrator
 * does not cost a key query per order; a revocation or logout made through this process takes
 * effect at once, one made elsewhere within the cache lifetime.
 *
 * A request under a session cookie that changes something (any method but GET, HEAD, OPTIONS)
 * must carry the session's CSRF token in X-CSRF-Token. The cookie is SameSite=Lax as well, so a
 * form on another site cannot use it; the token also covers older browsers and same-site pages.
 */
export class Authenticator {
  private keys: ShortCache<Principal>;
  private sessions: ShortCache<SessionPrincipal>;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    ttlMs = 5_000,
  ) {
    this.keys = new ShortCache(ttlMs);
    this.sessions = new ShortCache(ttlMs);
  }

  async authenticate(req: FastifyRequest): Promise<Authenticated> {
    const header = req.headers.authorization;
    if (header !== undefined) {
      const token = /^bearer\s+(\S+)\s*$/i.exec(header)?.[1] ?? '';
      if (!token) throw new AppError('UNAUTHENTICATED', 'send an API key as "Authorization: Bearer <key>"');
      const principal = await this.keys.get(token, () => authenticate(this.db, token));
      if (!principal) throw new AppError('UNAUTHENTICATED', 'the API key is unknown or revoked');
      return { ctx: this.context(principal), session: null };
    }
    const cookie = parseCookies(req.headers.cookie ?? '')[SESSION_COOKIE];
    if (!cookie) throw new AppError('UNAUTHENTICATED', 'sign in to the console, or send an API key as "Authorization: Bearer <key>"');
    const session = await this.sessions.get(cookie, () => sessionFor(this.db, cookie, this.clock.now()));
    if (!session || session.expiresAt <= this.clock.now()) throw new AppError('UNAUTHENTICATED', 'the session has ended; sign in again');
    if (!safeMethods.has(req.method)) {
      const sent = req.headers[CSRF_HEADER];
      if (typeof sent !== 'string' || !sameText(sent, session.csrfToken)) {
        throw new AppError('CSRF_TOKEN_INVALID', `a request that changes something needs the session's token in ${CSRF_HEADER} (GET /api/v1/session gives it)`);
      }
    }
    return { ctx: this.context(session), session };
  }

  private context(principal: { tenantId: string; actor: RequestContext['actor'] }): RequestContext {
    return { tenantId: principal.tenantId, actor: principal.actor, clock: this.clock, db: this.db };
  }

  /** Drops what is cached, after a key is revoked, a session ends or a person changes. */
  forget(): void {
    this.keys.clear();
    this.sessions.clear();
  }
}
