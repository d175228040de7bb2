import type { preValidationAsyncHookHandler, RouteOptions } from 'fastify';
import { z } from 'zod';
import { AppError } from '../platform/errors.ts';
import type { ReadLimiter } from '../platform/read-limit.ts';
import { unstorableTextAt, unstorableTextMessage } from '../platform/validation.ts';
import type { Api } from './http.ts';

const isRead = (method: RouteOptions['method']) => [method].flat().some((m) => m === 'GET' || m === 'HEAD');

/** The query parameters a route declares: the keys of its querystring schema, none without one. */
function declaredParameters(schema: unknown): Set<string> | null {
  if (schema === undefined) return new Set();
  return schema instanceof z.ZodObject ? new Set(Object.keys(schema.shape)) : null;
}

function withHook<T>(existing: T | T[] | undefined, hook: T): T[] {
  return [hook, ...(existing === undefined ? [] : [existing].flat() as T[])];
}

/**
 * Every API read (GET under /api/v1/): a query parameter it does not declare is refused with
 * UNKNOWN_PARAMETER rather than ignored, so a filter that does not exist never returns unrelated
 * rows; and its handler runs under the process's read cap.
 */
export function guardReads(app: Api, reads: ReadLimiter): void {
  app.addHook('onRoute', (route) => {
    if (!isRead(route.method) || !route.url.startsWith('/api/v1/')) return;
    const declared = declaredParameters(route.schema?.querystring);
    if (declared) {
      const refuseUnknown: preValidationAsyncHookHandler = async (req) => {
        const unknown = Object.keys((req.query ?? {}) as object).filter((name) => !declared.has(name));
        if (unknown.length === 0) return;
        const known = declared.size ? `; this endpoint takes: ${[...declared].join(', ')}` : '; this endpoint takes none';
        throw new AppError('UNKNOWN_PARAMETER', `unknown query parameter${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}${known}`, {
          unknown,
          known: [...declared],
        });
      };
      route.preValidation = withHook(route.preValidation, refuseUnknown);
    }
    const handler = route.handler;
    route.handler = function (req, reply) {
      return reads.run(async () => handler.call(this, req, reply));
    };
  });
}

/**
 * Text PostgreSQL cannot store (NUL, lone UTF-16 surrogates) is refused in every path parameter,
 * query parameter, body string and body key, before any route sees it: stored, it would fail the
 * statement (a 500) or be changed silently.
 */
export function refuseUnstorableText(app: Api): void {
  const check: preValidationAsyncHookHandler = async (req) => {
    for (const [part, value] of [['params', req.params], ['querystring', req.query], ['body', req.body]] as const) {
      const at = unstorableTextAt(value);
      if (!at) continue;
      const path = at.join('.');
      throw new AppError('VALIDATION_FAILED', `${part}${path ? '.' + path : ''}: ${unstorableTextMessage}`, [
        { in: part, path, message: unstorableTextMessage },
      ]);
    }
  };
  app.addHook('preValidation', check);
}
