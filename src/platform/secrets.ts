import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Encrypts credentials at rest (AES-256-GCM). The key comes from OMS_SECRET_KEY; an embedded
 * database without one gets a random key file beside its data, so no install shares a key and
 * none is built in.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(material: string) {
    if (material.length < 32) throw new Error('OMS_SECRET_KEY must be at least 32 characters');
    this.key = createHash('sha256').update(material, 'utf8').digest();
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const sealed = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return `v1.${iv.toString('base64url')}.${cipher.getAuthTag().toString('base64url')}.${sealed.toString('base64url')}`;
  }

  open(sealed: string): string {
    const [version, iv, tag, data] = sealed.split('.');
    if (version !== 'v1' || !iv || !tag || data === undefined) throw new Error('not a sealed secret');
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
  }
}

export const KEY_FILE = '.secret-key';

/**
 * The box for a deployment: OMS_SECRET_KEY when set; otherwise, for an embedded database, a key
 * file in its directory (made on first use), or a random key for an in-memory one. PostgreSQL
 * deployments must set OMS_SECRET_KEY: their processes must share it.
 */
export function secretBoxFor(envKey: string | undefined, target: { kind: 'memory' | 'directory' | 'postgres'; dir?: string }): SecretBox {
  if (envKey) return new SecretBox(envKey);
  if (target.kind === 'memory') return new SecretBox(randomBytes(32).toString('base64url'));
  if (target.kind === 'directory' && target.dir) {
    const path = join(target.dir, KEY_FILE);
    if (!existsSync(path)) {
      mkdirSync(target.dir, { recursive: true, mode: 0o700 });
      writeFileSync(path, randomBytes(32).toString('base64url'), { flag: 'wx', mode: 0o600 });
      chmodSync(path, 0o600);
    }
    return new SecretBox(readFileSync(path, 'utf8').trim());
  }
  throw new Error('OMS_SECRET_KEY must be set (at least 32 characters) when the database is PostgreSQL');
}
