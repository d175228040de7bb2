import fastifyStatic from '@fastify/static';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Api } from './http.ts';

/** Where `npm run build:web` puts the console (web/dist), from this file. */
export const consoleDir = fileURLToPath(new URL('../../web/dist/', import.meta.url));

const notBuilt = `<!doctype html><meta charset="utf-8"><title>OMS</title>
<body style="font-family:sans-serif;max-width:40em;margin:4em auto;line-height:1.6">
<h1>The console is not built</h1>
<p>Run <code>npm run build:web</code> (or <code>npm start</code>, which builds it when it is missing or older than its sources), then reload.</p>
<p>The API is here all the same: <a href="/api/openapi.json">/api/openapi.json</a>.</p></body>`;

/** Paths the console never owns: a miss there is the API's 404, in JSON. */
const apiPaths = /^\/(api|webhooks|wms|auth|metrics|healthz)(\/|$|\?)/;

/**
 * Serves the console's built files at / and answers any other page address with its index.html,
 * so that a reload of /board or /orders/… opens the app there. Hashed assets are cached for a
 * year; index.html never, so a new build is picked up by the next reload.
 */
export async function serveConsole(app: Api, dir = consoleDir): Promise<(req: FastifyRequest, reply: FastifyReply) => boolean> {
  const built = existsSync(`${dir}index.html`);
  if (built) {
    await app.register(fastifyStatic, {
      root: dir,
      wildcard: false,
      index: false,
      // The build writes .br and .gz copies beside each file (scripts/build-web.mjs).
      preCompressed: true,
      // setHeaders decides: assets for a year, the page itself never.
      cacheControl: false,
      setHeaders: (res, path) => {
        res.setHeader('cache-control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    });
  }
  app.get('/', { schema: { hide: true } }, async (_req, reply) => (built ? reply.header('cache-control', 'no-cache').sendFile('index.html') : reply.type('text/html').send(notBuilt)));
  return (req, reply) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || apiPaths.test(req.url) || !(req.headers.accept ?? '').includes('text/html')) return false;
    if (built) void reply.header('cache-control', 'no-cache').sendFile('index.html');
    else void reply.type('text/html').send(notBuilt);
    return true;
  };
}
