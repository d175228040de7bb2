import { z } from 'zod';
import { systemClock, type Clock } from './clock.ts';
import { isoInstantMs, parseIsoInstant } from './time/instants.ts';

/**
 * Input building blocks shared by every API schema, so the same input is refused the same way
 * everywhere and nothing the database would reject gets past validation.
 */

const suspect = /[\u0000\uD800-\uDFFF]/;
const unstorable = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Whether PostgreSQL can store the text as it is: it refuses NUL in text and a lone UTF-16
 * surrogate in jsonb (and would store one in text as U+FFFD, silently changing it).
 */
export function isStorableText(value: string): boolean {
  return !suspect.test(value) || !unstorable.test(value);
}

export const unstorableTextMessage = 'must not contain NUL characters or lone UTF-16 surrogates';

/**
 * The path of the first string or key in `value` that could not be stored, or null. Walks
 * parsed request parts (bodies, query strings, path parameters), not arbitrary graphs.
 */
export function unstorableTextAt(value: unknown, path: (string | number)[] = [], depth = 0): (string | number)[] | null {
  if (typeof value === 'string') return isStorableText(value) ? null : path;
  if (value === null || typeof value !== 'object' || depth > 64) return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const at = unstorableTextAt(value[i], [...path, i], depth + 1);
      if (at) return at;
    }
    return null;
  }
  for (const [key, item] of Object.entries(value)) {
    if (!isStorableText(key)) return [...path, key];
    const at = unstorableTextAt(item, [...path, key], depth + 1);
    if (at) return at;
  }
  return null;
}

/** Text PostgreSQL can store: no NUL characters, no lone UTF-16 surrogates. */
export const str = () => z.string().refine(isStorableText, unstorableTextMessage);

/** A query parameter of comma-separated values, each one of these ("paid,on_hold"). */
export const csvOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z
    .string()
    .transform((s) => s.split(',').map((v) => v.trim()).filter(Boolean))
    .pipe(z.array(z.enum(values)));

/** Required, trimmed, bounded text. */
export const text = (max: number) => str().trim().min(1).max(max);

const EARLIEST = parseIsoInstant('2000-01-01T00:00:00Z').getTime();
const LATEST = parseIsoInstant('2100-01-01T00:00:00Z').getTime();

/** How far ahead of the clock an instant that has happened (ordered, paid, modified) may be: clocks differ, not by days. */
export const MAX_AHEAD_MS = 24 * 3_600_000;

let judgingClock: Clock | null = null;

/**
 * Runs a parse with `clock` as the time input instants are judged against (the request's clock,
 * which tests and replays set). Zod parses synchronously, so no other parse can run in between.
 */
export function judgedAt<T>(clock: Clock, parse: () => T): T {
  const previous = judgingClock;
  judgingClock = clock;
  try {
    return parse();
  } finally {
    judgingClock = previous;
  }
}

/** Refinements run only on text that passed the checks before them: one message per problem. */
const unrefused = (payload: { issues: readonly unknown[] }) => payload.issues.length === 0;

/** An ISO instant within the years the platform takes, and, for one that has happened, not ahead of the clock by more than clocks differ. */
const instantWithin = (past: boolean) => {
  const instant = z.iso
    .datetime({ offset: true, message: 'must be an ISO-8601 instant with Z or an offset, e.g. 2026-11-11T00:03:12+08:00' })
    .refine((v) => {
      const t = isoInstantMs(v);
      return t >= EARLIEST && t < LATEST;
    }, { message: 'must be between the years 2000 and 2099, with an offset of at most ±18:00', when: unrefused });
  return past
    ? instant.refine((v) => isoInstantMs(v) <= (judgingClock ?? systemClock).now().getTime() + MAX_AHEAD_MS, { message: 'must not be more than a day in the future', when: unrefused })
    : instant;
};

/** An instant with its zone stated: a bare wall-clock time is refused, never guessed. */
export const instant = () => instantWithin(false);

/** An instant that has already happened: not more than a day ahead of the judging clock. */
export const pastInstant = () => instantWithin(true);

/** Money in integer minor units (fen, cents); never a float. */
export const minorUnits = () => z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
