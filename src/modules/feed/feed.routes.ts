import type { ServerResponse } from 'node:http';
import { allRoles, ctxFor, type Api } from '../../api/http.ts';
import type { RequestContext } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import { loggableError } from '../../platform/logger.ts';
import { currentPosition, decodePosition, encodePosition, readFeed, reached, type FeedMessage, type FeedPosition } from './feed.service.ts';

export interface FeedOptions {
  /** How often each stream looks for news (ms). */
  pollMs?: number;
  /** A comment line this often keeps proxies from closing a quiet stream (ms). */
  heartbeatMs?: number;
  /** Streams one process keeps open at most; past them, 503 OVERLOADED. */
  maxStreams?: number;
}

function frame(message: FeedMessage): string {
  return `id: ${message.id}\nevent: ${message.event}\ndata: ${JSON.stringify(message.data)}\n\n`;
}

/** One open stream: reads the feed every pollMs and writes what is new. */
class FeedStream {
  private timer: NodeJS.Timeout | null = null;
  private lastWrite = Date.now();
  private closed = false;

  constructor(
    private readonly ctx: RequestContext,
    private readonly res: ServerResponse,
    private position: FeedPosition,
    private readonly options: Required<FeedOptions>,
    private readonly onError: (error: unknown) => void,
  ) {}

  start(): void {
    this.res.write(`retry: 2000\nid: ${encodePosition(this.position)}\nevent: ready\ndata: {}\n\n`);
    this.schedule(0);
  }

  private schedule(ms: number): void {
    if (!this.closed) this.timer = setTimeout(() => void this.tick(), ms);
  }

  private async tick(): Promise<void> {
    let again = this.options.pollMs;
    try {
      const read = await readFeed(this.ctx, this.position);
      if (this.closed) return;
      if (read.messages.length) {
        this.res.write(read.messages.map(frame).join(''));
        this.lastWrite = Date.now();
      }
      this.position = read.position;
      if (read.more) again = 0;
      if (Date.now() - this.lastWrite >= this.options.heartbeatMs) {
        this.res.write(': ping\n\n');
        this.lastWrite = Date.now();
      }
    } catch (error) {
      this.onError(error);
    }
    this.schedule(again);
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    if (!this.res.writableEnded) this.res.end();
  }
}

/**
 * GET /api/v1/events/stream: Server-Sent Events of the caller's tenant, order events (`order`)
 * and alerts (`alert`), resumable with Last-Event-ID. The console's board listens here.
 */
export function feedRoutes(app: Api, given: FeedOptions = {}): void {
  const options: Required<FeedOptions> = { pollMs: 500, heartbeatMs: 15_000, maxStreams: 500, ...given };
  const open = new Set<FeedStream>();
  // Before the server waits for its connections to end: an open stream never would.
  app.addHook('preClose', async () => {
    for (const stream of open) stream.close();
  });

  app.get('/api/v1/events/stream', {
    schema: {
      tags: ['feed'],
      summary: 'Live feed (Server-Sent Events): order events and alerts as they happen; send Last-Event-ID to resume',
      description: 'Each message has `id` (a position; send it back as Last-Event-ID to resume after it), `event` (`order` or `alert`) and JSON `data`. The first message is `ready`, with the current position.',
    },
  }, async (req, reply) => {
    const ctx = ctxFor(req, ...allRoles);
    if (open.size >= options.maxStreams) throw new AppError('OVERLOADED', 'too many live streams on this server; try again shortly');
    const header = req.headers['last-event-id'];
    const now = await currentPosition(ctx);
    const position = typeof header === 'string' && header.trim() ? decodePosition(header) : now;
    // A position past what has been written was never given: resuming there would wait for ever.
    if (!reached(position, now)) throw new AppError('VALIDATION_FAILED', 'Last-Event-ID is past anything this feed has sent', [{ path: 'last-event-id', message: 'unknown position' }]);
    reply.hijack();
    reply.raw.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    const stream = new FeedStream(ctx, reply.raw, position, options, (error) => req.log.warn({ error: loggableError(error) }, 'live feed read failed'));
    open.add(stream);
    req.raw.on('close', () => {
      stream.close();
      open.delete(stream);
    });
    stream.start();
  });
}
