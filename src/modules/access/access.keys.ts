import { createHash, timingSafeEqual } from 'node:crypto';
import { newId, randomSecret } from '../../platform/ids.ts';

/**
 * API key format: `oms.<tenant>.<key id>.<secret>`. The tenant and key id let a request find its
 * key row by primary key; only a SHA-256 of the whole key is stored. A key that does not follow
 * the format (an operator-chosen OMS_ADMIN_KEY) belongs to the default tenant and is found by hash.
 */
export const DEFAULT_TENANT = 'default';

export interface ParsedKey {
  tenantId: string;
  keyId: string | null;
}

const formatted = /^oms\.([a-z0-9-]{1,40})\.([A-Za-z0-9]{6,40})\.[A-Za-z0-9_-]{20,}$/;

export function parseKey(token: string): ParsedKey {
  const match = formatted.exec(token);
  return match ? { tenantId: match[1]!, keyId: match[2]! } : { tenantId: DEFAULT_TENANT, keyId: null };
}

export function hashKey(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function hashesMatch(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

export function generateKey(tenantId: string): { keyId: string; token: string } {
  const keyId = newId().replace(/-/g, '').slice(-16);
  return { keyId, token: `oms.${tenantId}.${keyId}.${randomSecret(32)}` };
}

export const tenantIdPattern = /^[a-z0-9][a-z0-9-]{0,39}$/;
