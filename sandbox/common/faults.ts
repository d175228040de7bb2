import type { Prng } from './prng.ts';

/**
 * Fault injection shared by the marketplace sandboxes: the ways real platforms misbehave that an
 * OMS connector must survive. Every decision draws from a seeded stream, so a failing run replays.
 */
export interface FaultOptions {
  /** Share of API calls answered with the platform's "service unavailable" error (0–1). */
  readonly errorRate?: number;
  /** Added response delay in ms: a fixed value or a [min, max] range drawn per request. */
  readonly latencyMs?: number | readonly [number, number];
  /** Calls per second allowed per app and API before the platform's rate-limit error; unset = none. */
  readonly rateLimitPerSecond?: number;
  /** Share of push messages delivered twice (same message id). */
  readonly duplicateRate?: number;
  /** Share of push messages delivered after messages that happened later. */
  readonly reorderRate?: number;
}

export function drawLatency(rng: Prng, latency: FaultOptions['latencyMs']): number {
  if (latency === undefined) return 0;
  if (typeof latency === 'number') return Math.max(0, latency);
  const [min, max] = latency;
  return rng.int(Math.max(0, Math.round(min)), Math.max(0, Math.round(max)));
}

/**
 * A token bucket per key (app + API), refilled continuously at `perSecond`, holding at most one
 * second's worth. It runs on wall-clock time, not sandbox time: rate limits are about how fast a
 * client really calls, and a test that freezes the sandbox clock must not starve the bucket forever.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly perSecond: number,
    private readonly wallClock: () => number = () => performance.now(),
  ) {}

  tryTake(key: string): boolean {
    const now = this.wallClock();
    const bucket = this.buckets.get(key) ?? { tokens: this.perSecond, at: now };
    bucket.tokens = Math.min(this.perSecond, bucket.tokens + ((now - bucket.at) / 1000) * this.perSecond);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}
