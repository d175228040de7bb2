import { randomBytes, randomFillSync } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';

// Random bytes are drawn 4 KiB at a time: one system call per 256 ids instead of one per id.
const pool = new Uint8Array(16 * 256);
let used = pool.length;

function random16(): Uint8Array {
  if (used === pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  used += 16;
  return pool.subarray(used - 16, used);
}

/** Time-ordered ids, so that index pages stay warm and ids sort roughly by creation. */
export function newId(): string {
  return uuidv7({ random: random16() });
}

/** A random secret in URL-safe base64; 32 bytes unless told otherwise. */
export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
