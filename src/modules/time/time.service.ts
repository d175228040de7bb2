import { createHash } from 'node:crypto';
import type { RequestContext } from '../../platform/context.ts';
import { ConfigCache, configChanged } from '../../platform/config-cache.ts';
import type { CteParts, Database } from '../../platform/db/index.ts';
import { AppError } from '../../platform/errors.ts';
import { isoConversions, type TimeConversion } from '../../platform/time/conversions.ts';
import { localDateOf, localYearOf, yearOfDate } from '../../platform/time/wall-clock.ts';
import { BusinessCalendar, type CalendarDefinition } from './time.calendar.ts';
import { CalendarImportError, checkedDays, daysFromHolidayCn, daysFromICalendar } from './time.import.ts';
import { calendarCreate, subdivisionOf, type CalendarCreateInput, type CalendarImport, type CalendarPatch } from './time.input.ts';
import { requirePack, zoneFor } from './time.regions.ts';
import * as repo from './time.repository.ts';
import type { CalendarDayRow, CalendarRow } from './time.repository.ts';

function definitionOf(row: CalendarRow, days: CalendarDayRow[]): CalendarDefinition {
  return {
    code: row.code, name: row.name, country: row.country, region: row.region, timeZone: row.timeZone, hours: row.hours, official: row.official,
    importedYears: row.importedYears, days: days.map((d) => ({ date: d.date, kind: d.kind, name: d.name, hours: d.hours ?? null, source: d.source })),
  };
}

export function calendarView(calendar: BusinessCalendar, year: number) {
  const d = calendar.definition;
  return {
    code: d.code, name: d.name, country: d.country, region: d.region, timeZone: d.timeZone, hours: d.hours, official: d.official,
    importedYears: d.importedYears, year, officialDataKnown: calendar.yearCovered(year),
    // Every day that is not just its weekday's: holidays, make-up days, and official or set days that fall on a working weekday anyway.
    days: calendar.year(year).filter((day) => day.source !== 'weekly').map((day) => ({
      date: day.date, kind: day.kind, name: day.name, source: day.source, working: day.working,
    })),
    overrides: d.days,
  };
}

/** Each tenant's calendars, kept per database for a second (the intake reads them for every batch). */
const cached = new WeakMap<Database, ConfigCache<Map<string, BusinessCalendar>>>();

/** The tenant's calendars by code. */
export function tenantCalendars(ctx: Pick<RequestContext, 'db' | 'tenantId'>): Promise<Map<string, BusinessCalendar>> {
  let cache = cached.get(ctx.db);
  if (!cache) cached.set(ctx.db, (cache = new ConfigCache()));
  return cache.get(ctx.tenantId, async () => {
    const rows = await repo.listCalendars(ctx.db, ctx.tenantId);
    const days = await repo.daysOf(ctx.db, ctx.tenantId, rows.map((r) => r.code));
    return new Map(rows.map((r) => [r.code, new BusinessCalendar(definitionOf(r, days.filter((d) => d.calendarCode === r.code)))]));
  });
}

export async function getCalendar(ctx: Pick<RequestContext, 'db' | 'tenantId'>, code: string): Promise<BusinessCalendar> {
  const calendar = (await tenantCalendars(ctx)).get(code);
  if (!calendar) throw new AppError('CALENDAR_NOT_FOUND', `calendar ${code} not found`);
  return calendar;
}

export async function listCalendars(ctx: RequestContext) {
  const year = localYearOf(ctx.clock.now(), 'UTC');
  return { items: [...(await tenantCalendars(ctx)).values()].map((c) => calendarView(c, year)) };
}

export async function createCalendar(ctx: RequestContext, raw: CalendarCreateInput) {
  const parsed = calendarCreate.parse(raw);
  const input = { ...parsed, region: subdivisionOf(parsed.region, parsed.country) };
  requirePack(input.country, input.region);
  const now = ctx.clock.now();
  const timeZone = input.timeZone ?? zoneFor(input.country, input.region)!;
  const added = await repo.insertCalendar(ctx.db, { ...input, timeZone, tenantId: ctx.tenantId, importedYears: [], createdAt: now, updatedAt: now });
  if (!added) throw new AppError('CALENDAR_EXISTS', `calendar ${input.code} exists`);
  configChanged(ctx.tenantId);
  return calendarView(await getCalendar(ctx, input.code), localYearOf(now, timeZone));
}

export async function updateCalendar(ctx: RequestContext, code: string, raw: CalendarPatch) {
  const current = await getCalendar(ctx, code);
  const { country } = current.definition;
  let patch = { ...raw, ...(raw.region !== undefined ? { region: subdivisionOf(raw.region, country) } : {}) };
  if (patch.region !== undefined) {
    requirePack(country, patch.region);
    // A calendar moved to another region takes its zone, unless one is given, or its zone was set by hand.
    if (patch.timeZone === undefined && current.definition.timeZone === zoneFor(country, current.definition.region)) patch = { ...patch, timeZone: zoneFor(country, patch.region)! };
  }
  await repo.updateCalendar(ctx.db, ctx.tenantId, code, { ...patch, updatedAt: ctx.clock.now() });
  configChanged(ctx.tenantId);
  return calendarView(await getCalendar(ctx, code), localYearOf(ctx.clock.now(), current.definition.timeZone));
}

export async function calendarYear(ctx: RequestContext, code: string, year?: number) {
  const calendar = await getCalendar(ctx, code);
  return calendarView(calendar, year ?? localYearOf(ctx.clock.now(), calendar.definition.timeZone));
}

type DayInput = { date: string; kind: 'holiday' | 'workday'; name: string; hours?: string[] | null };

async function writeDays(ctx: RequestContext, code: string, days: DayInput[], source: 'manual' | 'import', importedYear?: number) {
  const calendar = await getCalendar(ctx, code);
  const at = ctx.clock.now();
  await repo.upsertDays(ctx.db, days.map((d) => ({ tenantId: ctx.tenantId, calendarCode: code, date: d.date, kind: d.kind, name: d.name, hours: d.hours ?? null, source, updatedAt: at })));
  const years = calendar.definition.importedYears;
  if (importedYear !== undefined && !years.includes(importedYear)) await repo.updateCalendar(ctx.db, ctx.tenantId, code, { importedYears: [...years, importedYear].sort(), updatedAt: at });
  configChanged(ctx.tenantId);
  const year = days[0] ? yearOfDate(days[0].date) : localYearOf(at, calendar.definition.timeZone);
  return calendarView(await getCalendar(ctx, code), importedYear ?? year);
}

/** Sets days by hand: a holiday, or a working day (with its own hours when it has them). */
export function setDays(ctx: RequestContext, code: string, days: DayInput[]) {
  return writeDays(ctx, code, days, 'manual');
}

/** Removes days set by hand or imported: the official data and weekly hours count for them again. */
export async function removeDays(ctx: RequestContext, code: string, dates: string[]) {
  const calendar = await getCalendar(ctx, code);
  await repo.deleteDays(ctx.db, ctx.tenantId, code, dates);
  configChanged(ctx.tenantId);
  return calendarView(await getCalendar(ctx, code), dates[0] ? yearOfDate(dates[0]) : localYearOf(ctx.clock.now(), calendar.definition.timeZone));
}

/** Imports an iCalendar or a holiday-cn file; a problem is refused whole, with where it is. */
export async function importCalendar(ctx: RequestContext, code: string, request: CalendarImport) {
  let parsed: { year: number | null; days: DayInput[] };
  try {
    parsed = request.format === 'ical' ? { year: null, days: daysFromICalendar(request.content) } : daysFromHolidayCn(JSON.parse(request.content));
  } catch (err) {
    if (err instanceof CalendarImportError) throw new AppError('CALENDAR_IMPORT_INVALID', err.message, [{ path: err.path, message: err.message }]);
    if (err instanceof SyntaxError) throw new AppError('CALENDAR_IMPORT_INVALID', 'content is not JSON', [{ path: 'content', message: 'not JSON' }]);
    throw err;
  }
  if (parsed.days.length === 0) throw new AppError('CALENDAR_IMPORT_INVALID', 'the file holds no days', [{ path: 'content', message: 'no days' }]);
  if (parsed.days.length > 1000) throw new AppError('CALENDAR_IMPORT_INVALID', 'the file holds more than 1000 days', [{ path: 'content', message: 'too many days' }]);
  if (request.year !== undefined && parsed.year !== null && request.year !== parsed.year) {
    throw new AppError('CALENDAR_IMPORT_INVALID', `the file announces ${parsed.year}, not ${request.year}`, [{ path: 'year', message: 'not the file\'s year' }]);
  }
  const year = request.year ?? parsed.year ?? null;
  try {
    checkedDays(parsed.days, year);
  } catch (err) {
    if (err instanceof CalendarImportError) throw new AppError('CALENDAR_IMPORT_INVALID', err.message, [{ path: err.path, message: err.message }]);
    throw err;
  }
  return writeDays(ctx, code, parsed.days, 'import', year ?? undefined);
}

/** Calendars that follow official data for a year the data does not hold: next year's, from October on, and this year's. */
export async function calendarsMissingData(ctx: Pick<RequestContext, 'db' | 'tenantId'>, at: Date): Promise<{ code: string; country: string; year: number }[]> {
  const missing: { code: string; country: string; year: number }[] = [];
  for (const calendar of (await tenantCalendars(ctx)).values()) {
    const today = localDateOf(at, calendar.definition.timeZone);
    const year = yearOfDate(today);
    const years = today.slice(5) >= '10-01' ? [year, year + 1] : [year];
    for (const y of years) if (!calendar.yearCovered(y)) missing.push({ code: calendar.code, country: calendar.definition.country, year: y });
  }
  return missing;
}

/** An order's conversions to record, from a message read or a delivery order written. */
export interface OrderConversions {
  orderId: string;
  subject?: string | null;
  conversions: readonly TimeConversion[];
}

/** One row per message: its conversions together, under a fingerprint of what they are. */
function conversionRows(ctx: RequestContext, items: OrderConversions[]) {
  const at = ctx.clock.now();
  return items.flatMap((item) => {
    if (item.conversions.length === 0) return [];
    const subject = item.subject ?? null;
    const fingerprint = createHash('sha256').update(JSON.stringify([subject, item.conversions])).digest('base64url').slice(0, 22);
    return [{ tenantId: ctx.tenantId, orderId: item.orderId, boundary: item.conversions[0]!.boundary, fingerprint, subject, conversions: [...item.conversions], recordedAt: at }];
  });
}

export async function recordConversions(ctx: RequestContext, items: OrderConversions[]): Promise<void> {
  await repo.insertConversions(ctx.db, conversionRows(ctx, items));
}

/** The same as a part of a larger statement; null when there is nothing to record. */
export function conversionsWrite(ctx: RequestContext, items: OrderConversions[]): CteParts | null {
  const rows = conversionRows(ctx, items);
  return rows.length ? repo.conversionsCte(rows) : null;
}

/**
 * The conversions an order's times went through on the way in: the ones its connector read the
 * channel's times with, or, for an order given to the API, each instant given with an offset.
 */
export function inboundConversions(input: { timeConversions?: readonly TimeConversion[]; orderedAt: string; paidAt?: string; channelModifiedAt?: string; shipBy?: string }): readonly TimeConversion[] {
  return input.timeConversions ?? isoConversions({ orderedAt: input.orderedAt, paidAt: input.paidAt, channelModifiedAt: input.channelModifiedAt, shipBy: input.shipBy });
}

/** Every time conversion an order went through, in the order they happened. */
export async function conversionsOf(ctx: RequestContext, orderId: string) {
  const rows = await repo.conversionsOf(ctx.db, ctx.tenantId, orderId);
  // By when they were recorded, channel times before warehouse ones, then by instant; a conversion
  // two messages share (a channel that sent an order twice with one field changed) is shown once.
  const step = { channel_in: 0, wms_out: 1, marketplace_out: 2 } as const;
  rows.sort((a, b) => a.recordedAt.getTime() - b.recordedAt.getTime() || step[a.boundary] - step[b.boundary]);
  const seen = new Set<string>();
  return rows.flatMap((r) => [...r.conversions].sort((a, b) => a.utc.localeCompare(b.utc)).flatMap((c) => {
    const key = JSON.stringify([r.subject, c]);
    if (seen.has(key)) return [];
    seen.add(key);
    return [{ ...c, subject: r.subject, recordedAt: r.recordedAt.toISOString() }];
  }));
}
