import type { FastifyRequest } from 'fastify';
import type { Clock } from '../platform/clock.ts';
import type { Database } from '../platform/db/index.ts';
import { AppError } from '../platform/errors.ts';
import { authenticate, type Principal } from '../modules/access/access.service.ts';

/**
 * Resolves `Authorization: Bearer <key>` into the request context. Lookups are cached for a few
 * seconds per process so a busy integrator does not cost a key query per order; a revocation made
 * through this process takes effect at once, one made elsewhere within the cache lifetime.
 */
export class Authenticator {
  private cache = new Map<string, { principal: Principal; until: number }>();

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly ttlMs = 5_000,
  ) {}

  async contextFor(req: FastifyRequest) {
    const header = req.headers.authorization;
    const token = /^bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1] ?? '';
    if (!token) throw new AppError('UNAUTHENTICATED', 'send an API key as "Authorization: Bearer <key>"');
    const now = Date.now();
    let hit = this.cache.get(token);
    if (!hit || hit.until < now) {
      const principal = await authenticate(this.db, token);
      if (!principal) {
        this.cache.delete(token);
        throw new AppError('UNAUTHENTICATED', 'the API key is unknown or revoked');
      }
      hit = { principal, until: now + this.ttlMs };
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(token, hit);
    }
    return { tenantId: hit.principal.tenantId, actor: hit.principal.actor, clock: this.clock, db: this.db };
  }

  forget(): void {
    this.cache.clear();
  }
}
