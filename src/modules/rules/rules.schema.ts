import { boolean, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import type { Action, Condition } from './rules.definition.ts';

const instant = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** A tenant's rule set as a whole: its version goes up with every change, and compiled rules are kept per version. */
export const ruleSets = pgTable('rule_sets', {
  tenantId: text('tenant_id').primaryKey(),
  version: integer('version').notNull(),
  updatedAt: instant('updated_at').notNull(),
  updatedBy: text('updated_by').notNull(),
});

/** The rules as they stand (条件触发器), in the order they run. */
export const rules = pgTable(
  'rules',
  {
    tenantId: text('tenant_id').notNull(),
    id: text('id').notNull(),
    position: integer('position').notNull(),
    name: text('name').notNull(),
    description: text('description'),
    enabled: boolean('enabled').notNull(),
    /** Later rules are not looked at once this one fires. */
    stop: boolean('stop').notNull(),
    condition: jsonb('condition').$type<Condition>().notNull(),
    actions: jsonb('actions').$type<Action[]>().notNull(),
    /** Tests the routed warehouse, so it runs after routing. */
    routed: boolean('routed').notNull(),
    version: integer('version').notNull(),
    updatedAt: instant('updated_at').notNull(),
    updatedBy: text('updated_by').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] })],
);

/** Every version of every rule, deleted ones included, never updated: what an order's timeline points at. */
export const ruleVersions = pgTable(
  'rule_versions',
  {
    tenantId: text('tenant_id').notNull(),
    ruleId: text('rule_id').notNull(),
    version: integer('version').notNull(),
    change: text('change').$type<'created' | 'updated' | 'deleted'>().notNull(),
    position: integer('position').notNull(),
    name: text('name').notNull(),
    description: text('description'),
    enabled: boolean('enabled').notNull(),
    stop: boolean('stop').notNull(),
    condition: jsonb('condition').$type<Condition>().notNull(),
    actions: jsonb('actions').$type<Action[]>().notNull(),
    savedAt: instant('saved_at').notNull(),
    savedBy: text('saved_by').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.ruleId, t.version] })],
);
