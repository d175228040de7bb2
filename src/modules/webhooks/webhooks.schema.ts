import { index, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

const instant = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** Calls to other systems' webhooks (rules' `webhook` action), written with what caused them and sent afterwards, with retries. */
export const outboundCalls = pgTable(
  'outbound_calls',
  {
    tenantId: text('tenant_id').notNull(),
    id: text('id').notNull(),
    url: text('url').notNull(),
    event: text('event').notNull(),
    body: jsonb('body').$type<Record<string, unknown>>().notNull(),
    status: text('status').$type<'pending' | 'sent' | 'failed'>().notNull(),
    attempts: integer('attempts').notNull(),
    /** When it is next due; while a process sends it, the end of that process's lease. */
    dueAt: instant('due_at').notNull(),
    lastError: text('last_error'),
    lastStatus: integer('last_status'),
    createdAt: instant('created_at').notNull(),
    sentAt: instant('sent_at'),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.id] }), index('outbound_calls_due').on(t.status, t.dueAt)],
);

/** Each tenant's signing secret for its outbound calls, sealed. */
export const webhookSecrets = pgTable('webhook_secrets', {
  tenantId: text('tenant_id').primaryKey(),
  sealed: text('sealed').notNull(),
  createdAt: instant('created_at').notNull(),
});
