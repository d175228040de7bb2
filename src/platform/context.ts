import type { Clock } from './clock.ts';
import type { Database } from './db/index.ts';

export const roles = ['admin', 'ops', 'agent', 'supervisor', 'viewer'] as const;
export type Role = (typeof roles)[number];

/** Who is acting: an integration through an API key, a person signed in to the console, the platform itself, or a sales channel. */
export interface Actor {
  kind: 'api_key' | 'person' | 'system' | 'channel';
  id: string;
  role: Role | null;
}

/** Passed first to every service call: whose data, who acts, what time it is, which connection. */
export interface RequestContext {
  tenantId: string;
  actor: Actor;
  clock: Clock;
  db: Database;
}

export function systemActor(id = 'system'): Actor {
  return { kind: 'system', id, role: null };
}

/** Same context, another connection (used to run a service inside a transaction). */
export function withDb(ctx: RequestContext, db: Database): RequestContext {
  return { ...ctx, db };
}
