import type { Actor, RequestContext, Role } from '../../platform/context.ts';
import type { Database } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import { DEFAULT_TENANT, generateKey, hashesMatch, hashKey, parseKey, tenantIdPattern } from './access.keys.ts';
import * as repo from './access.repository.ts';
import type { ApiKeyRow } from './access.repository.ts';

export { DEFAULT_TENANT };

const ENV_KEY_NAME = 'admin (OMS_ADMIN_KEY)';

export interface Principal {
  tenantId: string;
  actor: Actor;
}

export function keyView(row: ApiKeyRow) {
  return {
    id: row.id,
    name: row.name,
    role: row.role as Role,
    createdAt: row.createdAt.toISOString(),
    createdBy: row.createdBy,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}

/** Resolves a bearer token to its tenant and role, or null when it is unknown or revoked. */
export async function authenticate(db: Database, token: string): Promise<Principal | null> {
  const parsed = parseKey(token);
  const hash = hashKey(token);
  // Only the default tenant holds operator-chosen keys (OMS_ADMIN_KEY), which may look like
  // generated ones without being one: those are found by their hash.
  const row =
    (parsed.keyId ? await repo.findKey(db, parsed.tenantId, parsed.keyId) : null) ??
    (await repo.findKeyByHash(db, DEFAULT_TENANT, hash));
  if (!row || row.revokedAt || !hashesMatch(row.keyHash, hash)) return null;
  return { tenantId: row.tenantId, actor: { kind: 'api_key', id: row.id, role: row.role as Role } };
}

export interface IssuedKey {
  key: string;
  view: ReturnType<typeof keyView>;
}

async function issue(db: Database, tenantId: string, name: string, role: Role, createdBy: string, at: Date, token?: string): Promise<IssuedKey> {
  const generated = generateKey(tenantId);
  const key = token ?? generated.token;
  const row = await repo.insertKey(db, {
    tenantId,
    id: generated.keyId,
    name,
    role,
    keyHash: hashKey(key),
    createdAt: at,
    createdBy,
  });
  return { key, view: keyView(row) };
}

export async function createKey(ctx: RequestContext, input: { name: string; role: Role }): Promise<IssuedKey> {
  return issue(ctx.db, ctx.tenantId, input.name, input.role, `${ctx.actor.kind}:${ctx.actor.id}`, ctx.clock.now());
}

export async function listKeys(ctx: RequestContext) {
  return (await repo.listKeys(ctx.db, ctx.tenantId)).map(keyView);
}

/** Revokes a key at once. The last active admin key cannot be revoked: that would lock the tenant out. */
export async function revokeKey(ctx: RequestContext, keyId: string) {
  return ctx.db.transaction(async (tx) => {
    const admins = await repo.lockActiveAdminKeys(tx, ctx.tenantId);
    const key = await repo.findKey(tx, ctx.tenantId, keyId);
    if (!key) throw new AppError('API_KEY_NOT_FOUND', `API key ${keyId} not found`);
    if (key.revokedAt) return keyView(key);
    if (key.role === 'admin' && admins.length === 1 && admins[0]!.id === keyId) {
      throw new AppError('LAST_ADMIN_KEY', 'this is the tenant\'s last active admin key; create another admin key first');
    }
    const revoked = await repo.revokeKey(tx, ctx.tenantId, keyId, ctx.clock.now());
    return keyView(revoked ?? key);
  });
}

export async function createTenant(db: Database, input: { id: string; name: string; isDemo?: boolean }, at: Date): Promise<boolean> {
  if (!tenantIdPattern.test(input.id)) {
    throw new AppError('VALIDATION_FAILED', 'tenant id must be lowercase letters, digits and dashes', [{ path: 'id', message: 'invalid tenant id' }]);
  }
  return repo.insertTenant(db, { id: input.id, name: input.name, isDemo: input.isDemo ?? false, createdAt: at });
}

export async function findTenant(db: Database, id: string) {
  return repo.findTenant(db, id);
}

/**
 * First start: the default tenant and its admin key. The key comes from OMS_ADMIN_KEY when set,
 * otherwise it is generated and returned so the caller can print it, once.
 */
export async function bootstrap(db: Database, adminKey: string | undefined, at: Date): Promise<{ generatedKey: string | null }> {
  await createTenant(db, { id: DEFAULT_TENANT, name: 'Default tenant' }, at);
  if (adminKey) {
    const known = await repo.findKeyByHash(db, DEFAULT_TENANT, hashKey(adminKey));
    if (!known) {
      // A new OMS_ADMIN_KEY replaces the one it was before: changing the variable rotates the key.
      await repo.revokeKeysNamed(db, DEFAULT_TENANT, ENV_KEY_NAME, at);
      await issue(db, DEFAULT_TENANT, ENV_KEY_NAME, 'admin', 'system:bootstrap', at, adminKey);
    }
    return { generatedKey: null };
  }
  if ((await repo.countKeys(db, DEFAULT_TENANT)) > 0) return { generatedKey: null };
  const issued = await issue(db, DEFAULT_TENANT, 'admin (first start)', 'admin', 'system:bootstrap', at);
  return { generatedKey: issued.key };
}

/** A fresh admin key for a tenant, replacing earlier ones issued under the same name (demo sessions). */
export async function reissueKey(db: Database, tenantId: string, name: string, role: Role, at: Date): Promise<string> {
  await repo.revokeKeysNamed(db, tenantId, name, at);
  return (await issue(db, tenantId, name, role, 'system', at)).key;
}

/** For the CLI, which acts outside any request. */
export async function createKeyFor(db: Database, tenantId: string, name: string, role: Role, at: Date): Promise<IssuedKey> {
  if (!(await repo.findTenant(db, tenantId))) throw new AppError('NOT_FOUND', `tenant ${tenantId} not found`);
  return issue(db, tenantId, name, role, 'cli', at);
}
