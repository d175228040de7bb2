import { boolean, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';
import type { TimeConversion } from '../../platform/time/conversions.ts';

const instant = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** Working hours per weekday as "HH:mm-HH:mm" ranges, e.g. { mon: ["09:00-12:00", "13:00-18:00"], sat: [] }. */
export type WeekHours = Record<'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun', string[]>;

/**
 * A business calendar (工作日历): the weekly working hours, the country's official public
 * holidays and make-up working days (调休) when it follows them, and the days changed by hand or
 * imported. Warehouses work to one; after-sales SLAs count on them too.
 */
export const businessCalendars = pgTable(
  'business_calendars',
  {
    tenantId: text('tenant_id').notNull(),
    code: text('code').notNull(),
    name: text('name').notNull(),
    /** ISO 3166-1 country and ISO 3166-2 region whose official holidays it follows. */
    country: text('country').notNull(),
    region: text('region'),
    /** IANA zone its hours are on when it is used on its own (an SLA); a warehouse uses its own zone. */
    timeZone: text('time_zone').notNull(),
    hours: jsonb('hours').$type<WeekHours>().notNull(),
    /** Whether the country's official holidays and make-up days count. */
    official: boolean('official').notNull().default(true),
    /** Years whose days were imported whole (a holiday-cn file, an iCalendar of the year): official data for them is not missed. */
    importedYears: integer('imported_years').array().notNull(),
    createdAt: instant('created_at').notNull(),
    updatedAt: instant('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.code] })],
);

/** A day that differs from the weekly hours: a holiday, or a working day (a make-up day, an extra shift). */
export const calendarDays = pgTable(
  'calendar_days',
  {
    tenantId: text('tenant_id').notNull(),
    calendarCode: text('calendar_code').notNull(),
    /** yyyy-MM-dd, the local date. */
    date: text('date').notNull(),
    kind: text('kind').$type<'holiday' | 'workday'>().notNull(),
    name: text('name').notNull(),
    /** A working day's own hours; null keeps the calendar's usual working-day hours. */
    hours: jsonb('hours').$type<string[] | null>(),
    /** manual (a person) or import (a file). */
    source: text('source').$type<'manual' | 'import'>().notNull(),
    updatedAt: instant('updated_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.calendarCode, t.date] })],
);

/**
 * The time conversions an order went through at a boundary (see platform/time/conversions.ts):
 * one row per message read or written, its conversions together, so recording them costs a
 * delivery order one row. The same message read again, or sent again, has the same fingerprint
 * and records nothing new.
 */
export const timeConversions = pgTable(
  'time_conversions',
  {
    tenantId: text('tenant_id').notNull(),
    orderId: text('order_id').notNull(),
    boundary: text('boundary').$type<'channel_in' | 'wms_out' | 'marketplace_out'>().notNull(),
    /** A digest of the subject and the conversions: what makes a message the same one again. */
    fingerprint: text('fingerprint').notNull(),
    /** The delivery order, for conversions written for a warehouse. */
    subject: text('subject'),
    conversions: jsonb('conversions').$type<TimeConversion[]>().notNull(),
    recordedAt: instant('recorded_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.tenantId, t.orderId, t.boundary, t.fingerprint] })],
);
