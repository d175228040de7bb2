import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, databaseFailure, errorStatus, type ErrorCode } from '../platform/errors.ts';
import { loggableError } from '../platform/logger.ts';

function send(reply: FastifyReply, code: ErrorCode, message: string, details?: unknown) {
  if (code === 'OVERLOADED') reply.header('retry-after', '1');
  if (code === 'TOO_MANY_ATTEMPTS') reply.header('retry-after', String((details as { retryAfterS?: number } | undefined)?.retryAfterS ?? 60));
  return reply.code(errorStatus[code]).send({ error: { code, message, ...(details === undefined ? {} : { details }) } });
}

/** Fastify's own client errors, by their codes, in our vocabulary. */
const fastifyCodes: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'BAD_REQUEST',
  FST_ERR_CTP_INVALID_JSON_BODY: 'BAD_REQUEST',
  FST_ERR_BAD_URL: 'BAD_URL',
  FST_ERR_MAX_PARAM_LENGTH: 'URI_TOO_LONG',
};

/**
 * Database refusals that only input can cause, once validation has passed: a sum past its
 * column's range (a receipt pushing on-hand stock past 2^31 − 1).
 */
const sqlStateCodes: Record<string, { code: ErrorCode; message: string }> = {
  '22003': { code: 'QUANTITY_TOO_LARGE', message: 'a quantity or amount would exceed what can be stored (2147483647 units); nothing was changed' },
};

/** The one place where failures become HTTP responses. */
export function errorHandler(error: FastifyError | AppError | Error, req: FastifyRequest, reply: FastifyReply) {
  if (error instanceof AppError) return send(reply, error.code, error.message, error.details);
  if (hasZodFastifySchemaValidationErrors(error)) {
    const where = (error as FastifyError).validationContext ?? 'body';
    const details = error.validation.map((issue) => ({
      in: where,
      path: issue.instancePath.replace(/^\//, '').replace(/\//g, '.'),
      message: issue.message,
    }));
    const first = details[0]!;
    return send(reply, 'VALIDATION_FAILED', `${where}${first.path ? '.' + first.path : ''}: ${first.message}`, details);
  }
  const failure = databaseFailure(error);
  const refusal = failure && sqlStateCodes[failure.sqlState];
  if (refusal) return send(reply, refusal.code, refusal.message);
  const fastifyError = error as FastifyError;
  if (fastifyError.code && fastifyCodes[fastifyError.code]) {
    return send(reply, fastifyCodes[fastifyError.code]!, fastifyError.message);
  }
  if (error instanceof SyntaxError || (fastifyError.statusCode && fastifyError.statusCode < 500)) {
    return send(reply, 'BAD_REQUEST', error.message);
  }
  req.log.error({ error: loggableError(error), route: req.routeOptions.url }, 'unhandled error');
  return send(reply, 'INTERNAL', 'internal error; the incident has been logged');
}

/** Errors Fastify meets before a route is matched (bad URL encoding, over-long path segments), in the same shape. */
export function frameworkErrors(error: FastifyError, req: FastifyRequest, reply: FastifyReply) {
  return errorHandler(error, req, reply);
}

/**
 * Errors Node meets before there is a request at all (headers too large, a timeout, bytes that
 * are not HTTP), answered in the platform's error shape rather than Fastify's.
 */
export function clientErrors(error: Error & { code?: string }, socket: import('node:net').Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, code, message] =
    error.code === 'HPE_HEADER_OVERFLOW' ? [431, 'HEADERS_TOO_LARGE', 'the request headers are too large']
    : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? [408, 'REQUEST_TIMEOUT', 'the request took too long to arrive']
    : [400, 'BAD_REQUEST', 'not a well-formed HTTP request'];
  const body = JSON.stringify({ error: { code, message } });
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${status === 431 ? 'Request Header Fields Too Large' : status === 408 ? 'Request Timeout' : 'Bad Request'}\r\nContent-Length: ${Buffer.byteLength(body)}\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n${body}`);
  }
  socket.destroy(error);
}
