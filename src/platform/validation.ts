import { z } from 'zod';

/**
 * Input building blocks shared by every API schema, so the same input is refused the same way
 * everywhere and nothing the database would reject gets past validation.
 */

/** Text without NUL characters, which PostgreSQL cannot store. */
export const str = () => z.string().regex(/^[^\u0000]*$/, 'must not contain NUL characters');

/** Required, trimmed, bounded text. */
export const text = (max: number) => str().trim().min(1).max(max);

const EARLIEST = Date.UTC(2000, 0, 1);
const LATEST = Date.UTC(2100, 0, 1);

/** An instant with its zone stated: a bare wall-clock time is refused, never guessed. */
export const instant = () =>
  z.iso
    .datetime({ offset: true, message: 'must be an ISO-8601 instant with Z or an offset, e.g. 2026-11-11T00:03:12+08:00' })
    .refine((v) => {
      const t = Date.parse(v);
      return t >= EARLIEST && t < LATEST;
    }, 'must be between the years 2000 and 2099');

/** Money in integer minor units (fen, cents); never a float. */
export const minorUnits = () => z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
