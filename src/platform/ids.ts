import { randomBytes } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';

/** Time-ordered ids, so that index pages stay warm and ids sort roughly by creation. */
export function newId(): string {
  return uuidv7();
}

/** A random secret in URL-safe base64; 32 bytes unless told otherwise. */
export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
