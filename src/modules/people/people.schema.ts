import { index, pgTable, primaryKey, text, timestamp, uniqueIndex } from 'drizzle-orm/pg-core';
import type { Role } from '../../platform/context.ts';

const instant = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** Handling groups (处理组): the team an order or ticket goes to, e.g. the VIP desk. */
export const handlingGroups = pgTable(
  'handling_groups',
  {
    tenantId: text('tenant_id').notNull(),
    code: text('code').notNull(),
    name: text('name').notNull(),
    createdAt: instant('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.code] })],
);

/** People who log in to the console with a name and a password; integrations use API keys instead. */
export const people = pgTable(
  'people',
  {
    tenantId: text('tenant_id').notNull(),
    id: text('id').notNull(),
    /** The login name, unique in the tenant, kept in lower case. */
    login: text('login').notNull(),
    displayName: text('display_name').notNull(),
    role: text('role').$type<Role>().notNull(),
    /** scrypt, in the form written by people.password; null for a person who signs in only by a login link. */
    passwordHash: text('password_hash'),
    createdAt: instant('created_at').notNull(),
    disabledAt: instant('disabled_at'),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), uniqueIndex('people_login_key').on(t.tenantId, t.login)],
);

/** Who works in which handling group. */
export const groupMembers = pgTable(
  'group_members',
  {
    tenantId: text('tenant_id').notNull(),
    groupCode: text('group_code').notNull(),
    personId: text('person_id').notNull(),
    addedAt: instant('added_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.groupCode, t.personId] }), index('group_members_person_idx').on(t.tenantId, t.personId)],
);

/** Console sessions: the cookie carries the tenant, the id and a secret of which only a SHA-256 is kept. */
export const sessions = pgTable(
  'sessions',
  {
    tenantId: text('tenant_id').notNull(),
    id: text('id').notNull(),
    personId: text('person_id').notNull(),
    secretHash: text('secret_hash').notNull(),
    /** Sent back by the console in X-CSRF-Token on every request that changes something. */
    csrfToken: text('csrf_token').notNull(),
    createdAt: instant('created_at').notNull(),
    expiresAt: instant('expires_at').notNull(),
    endedAt: instant('ended_at'),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), index('sessions_person_idx').on(t.tenantId, t.personId)],
);

/** One-time login links (the demo prints one at start): used once, then dead. */
export const loginLinks = pgTable(
  'login_links',
  {
    tenantId: text('tenant_id').notNull(),
    id: text('id').notNull(),
    personId: text('person_id').notNull(),
    secretHash: text('secret_hash').notNull(),
    createdAt: instant('created_at').notNull(),
    expiresAt: instant('expires_at').notNull(),
    usedAt: instant('used_at'),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] })],
);
