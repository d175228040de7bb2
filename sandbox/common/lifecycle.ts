import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * What every sandbox does the same way: its own clock that tests can move forward, a server on a
 * (free) port reading request bodies up to a limit, and push deliveries that never overlap.
 */

/** Sandbox time: the given clock (or the wall clock) plus however far tests have moved it. */
export class SandboxClock {
  private offsetMs = 0;

  constructor(private readonly clock: () => number | Date = Date.now) {}

  now(): number {
    const t = this.clock();
    return (typeof t === 'number' ? t : t.getTime()) + this.offsetMs;
  }

  forward(ms: number): void {
    if (ms < 0) throw new RangeError('sandbox time only moves forward');
    this.offsetMs += ms;
  }
}

/** Instant of a `generateOrders(…, at)` argument: now when absent. */
export function instantOf(at: number | Date | undefined, clock: SandboxClock): number {
  return at === undefined ? clock.now() : typeof at === 'number' ? at : at.getTime();
}

export async function listen(server: Server, port = 0, host = '127.0.0.1'): Promise<{ port: number; url: string }> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  return { port: bound, url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}` };
}

/** A request's body; past `maxBytes` it is refused and the connection dropped. */
export function readBody(req: IncomingMessage, maxBytes = 1 << 20): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        reject(new Error('body too large'));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export async function closeServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve())));
}

/**
 * Runs one push at a time: an overlapping push would send the same due messages twice, a
 * duplicate the sandbox did not choose to inject.
 */
export class OneAtATime<T> {
  /** The last run queued; each run starts when the one before it has settled. */
  private tail: Promise<unknown> = Promise.resolve();
  private pending = 0;

  run(work: () => Promise<T>): Promise<T> {
    this.pending++;
    const next = this.tail.then(work, work).finally(() => this.pending--);
    this.tail = next.catch(() => undefined);
    return next;
  }

  /** Whether a run is going or queued. */
  get busy(): boolean {
    return this.pending > 0;
  }

  async idle(): Promise<void> {
    while (this.pending > 0) await this.tail;
  }
}

