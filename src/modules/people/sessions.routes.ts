import { serialize } from 'cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ctxOf, type Api } from '../../api/http.ts';
import { AppError } from '../../platform/errors.ts';
import { str, text } from '../../platform/validation.ts';
import { DEFAULT_TENANT, findTenant } from '../access/access.service.ts';
import { password } from './people.input.ts';
import { passwordMatches } from './people.password.ts';
import { findPerson, personView, updatePerson } from './people.service.ts';
import { LoginThrottle, logIn, logOut, redeemLoginLink, SESSION_COOKIE, type SignedIn, type SignInDeps } from './sessions.service.ts';

const loginBody = z
  .object({
    tenant: z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/).default(DEFAULT_TENANT).describe('the tenant; "default" unless told'),
    login: text(64),
    password: str().min(1).max(200),
  })
  .strict()
  .meta({ examples: [{ tenant: 'demo', login: 'admin', password: 'correct horse battery staple' }] });

const passwordBody = z
  .object({ currentPassword: str().max(200).optional(), password })
  .strict()
  .meta({ examples: [{ currentPassword: 'the old passphrase', password: 'a new, longer passphrase' }] });

const secure = (req: FastifyRequest) => req.protocol === 'https';

/**
 * The cookie lives as long as the session, counted from when the browser gets it (Max-Age), so a
 * browser whose clock differs from the server's keeps it all the same.
 */
function setSessionCookie(req: FastifyRequest, reply: FastifyReply, signedIn: SignedIn, now: Date) {
  const maxAge = Math.max(1, Math.floor((signedIn.expiresAt.getTime() - now.getTime()) / 1000));
  reply.header('set-cookie', serialize(SESSION_COOKIE, signedIn.token, { httpOnly: true, sameSite: 'lax', path: '/', maxAge, secure: secure(req) }));
}

function clearSessionCookie(req: FastifyRequest, reply: FastifyReply) {
  reply.header('set-cookie', serialize(SESSION_COOKIE, '', { httpOnly: true, sameSite: 'lax', path: '/', maxAge: 0, secure: secure(req) }));
}

const sessionView = (s: { tenantId: string; csrfToken: string; expiresAt: Date; person: Parameters<typeof personView>[0] | ReturnType<typeof personView> }) => ({
  tenantId: s.tenantId,
  person: 'passwordHash' in s.person ? personView(s.person) : s.person,
  csrfToken: s.csrfToken,
  expiresAt: s.expiresAt.toISOString(),
});

/** What the session routes need from the composition root: the database and clock for the routes before sign-in, and to drop cached sessions when one ends. */
export interface SessionDeps extends SignInDeps {
  ended(): void;
}

/**
 * Console sign-in: by name and password, or by a one-time link (`GET /auth/link?token=…`, which
 * the demo prints at start). The session is an HttpOnly, SameSite=Lax cookie; the CSRF token is
 * handed to the page here and in GET /api/v1/session.
 */
export function sessionRoutes(app: Api, deps: SessionDeps): void {
  const throttle = new LoginThrottle();
  app.post('/api/v1/session', {
    config: { public: true },
    schema: { tags: ['people'], summary: 'Sign in to the console with a name and a password; sets the session cookie', body: loginBody, security: [] },
  }, async (req, reply) => {
    const signedIn = await logIn(deps.db, deps.clock, throttle, { tenantId: req.body.tenant, login: req.body.login, password: req.body.password });
    setSessionCookie(req, reply, signedIn, deps.clock.now());
    return sessionView(signedIn);
  });

  app.get('/api/v1/session', {
    schema: { tags: ['people'], summary: 'Who is signed in, the tenant, and the CSRF token to send back in X-CSRF-Token' },
  }, async (req) => {
    const ctx = ctxOf(req);
    const tenant = await findTenant(ctx.db, ctx.tenantId);
    const base = { tenantName: tenant?.name ?? ctx.tenantId, isDemo: tenant?.isDemo ?? false, role: ctx.actor.role };
    if (!req.session) return { ...base, tenantId: ctx.tenantId, person: null, csrfToken: null, expiresAt: null };
    return { ...base, ...sessionView(req.session) };
  });

  app.delete('/api/v1/session', {
    schema: { tags: ['people'], summary: 'Sign out: end the session and clear its cookie' },
  }, async (req, reply) => {
    const ctx = ctxOf(req);
    if (req.session) await logOut(ctx.db, ctx.tenantId, req.session.sessionId, ctx.clock.now());
    deps.ended();
    clearSessionCookie(req, reply);
    return reply.code(204).send();
  });

  app.put('/api/v1/session/password', {
    schema: { tags: ['people'], summary: 'Change the signed-in person\'s own password (the current one is needed when there is one); ends their other sessions', body: passwordBody },
  }, async (req, reply) => {
    const ctx = ctxOf(req);
    if (!req.session) throw new AppError('FORBIDDEN', 'only a person signed in to the console has a password');
    const person = await findPerson(ctx, req.session.person.id);
    if (!person) throw new AppError('UNAUTHENTICATED', 'the session has ended; sign in again');
    if (person.passwordHash && !(await passwordMatches(req.body.currentPassword ?? '', person.passwordHash))) {
      throw new AppError('LOGIN_FAILED', 'the current password is wrong');
    }
    await updatePerson(ctx, person.id, { password: req.body.password });
    deps.ended();
    const signedIn = await logIn(ctx.db, ctx.clock, throttle, { tenantId: ctx.tenantId, login: person.login, password: req.body.password });
    setSessionCookie(req, reply, signedIn, ctx.clock.now());
    return sessionView(signedIn);
  });

  app.get('/auth/link', {
    schema: { tags: ['people'], summary: 'Open a one-time login link: sets the session cookie and goes to the console', querystring: z.object({ token: z.string().max(300) }), security: [] },
  }, async (req, reply) => {
    const signedIn = await redeemLoginLink(deps.db, req.query.token, deps.clock.now());
    if (!signedIn) return reply.redirect('/login?error=link', 303);
    setSessionCookie(req, reply, signedIn, deps.clock.now());
    return reply.redirect('/', 303);
  });
}

