import type { FastifyBaseLogger, FastifyInstance, FastifyRequest, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { RequestContext, Role } from '../platform/context.ts';
import { AppError } from '../platform/errors.ts';
import type { Metrics } from '../platform/metrics.ts';
import type { ReadLimiter } from '../platform/read-limit.ts';
import type { SecretBox } from '../platform/secrets.ts';
import type { SessionPrincipal } from '../modules/people/sessions.service.ts';

/** The Fastify instance route files receive: zod-typed, with the app's metrics. */
export type Api = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, ZodTypeProvider>;

declare module 'fastify' {
  interface FastifyRequest {
    ctx: RequestContext | null;
    /** The console session behind the request, when a signed-in person made it rather than an API key. */
    session: SessionPrincipal | null;
  }
  interface FastifyContextConfig {
    /** Answered without a caller: signing in, opening a login link. */
    public?: boolean;
  }
  interface FastifyInstance {
    metrics: Metrics;
    secrets: SecretBox;
    /** The cap on concurrent API reads. */
    reads: ReadLimiter;
  }
}

/** The caller's context; present on every authenticated route. */
export function ctxOf(req: FastifyRequest): RequestContext {
  if (!req.ctx) throw new AppError('UNAUTHENTICATED', 'an API key or a console session is required');
  return req.ctx;
}

/** The context, after checking that the caller's role is one of these. */
export function ctxFor(req: FastifyRequest, ...allowed: Role[]): RequestContext {
  const ctx = ctxOf(req);
  if (!ctx.actor.role || !allowed.includes(ctx.actor.role)) {
    throw new AppError('FORBIDDEN', `this action needs one of the roles: ${allowed.join(', ')}`);
  }
  return ctx;
}

export const allRoles: Role[] = ['admin', 'ops', 'agent', 'supervisor', 'viewer'];

/** Roles that read operational figures (stock, ledgers, scorecards); agents work tickets, not stock. */
export const stockReaders: Role[] = ['admin', 'ops', 'supervisor', 'viewer'];

/** A standard error body, for the OpenAPI document. */
export const errorResponseDescription = '{"error": {"code": "...", "message": "...", "details": ...}}';
