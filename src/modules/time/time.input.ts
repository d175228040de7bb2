import { z } from 'zod';
import { text } from '../../platform/validation.ts';
import { isLocalDate, isTimeZone } from '../../platform/time/wall-clock.ts';
import { rangesOf, weekdays } from './time.calendar.ts';

export const calendarCode = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/, 'letters, digits, _ and -, at most 40');

/** An IANA zone name the runtime knows, e.g. Asia/Shanghai or America/Los_Angeles. */
export const timeZone = z.string().max(64).refine(isTimeZone, 'must be an IANA time zone such as Asia/Shanghai');

// No transforms here: a schema with one loses its examples in the OpenAPI document. Services
// take the subdivision part with subdivisionOf.
export const country = z.string().regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 country code in capitals, e.g. US');
/** An ISO 3166-2 subdivision code, whole (US-NY) or its part after the dash (NY). */
export const region = z.string().regex(/^([A-Z]{2}-)?[A-Z0-9]{1,3}$/, 'an ISO 3166-2 subdivision code in capitals, such as NY or US-NY');

/** The subdivision part of a country's ISO 3166-2 code: NY for US-NY. Another country's prefix stays, and is no subdivision of this one. */
export const subdivisionOf = <T extends string | null | undefined>(code: T, country: string | null | undefined): T =>
  (typeof code === 'string' && country && code.startsWith(`${country}-`) ? code.slice(country.length + 1) : code) as T;

/** A local date in the years the platform keeps (2000–2099, as instants). */
export const localDate = z.string().refine((d) => isLocalDate(d) && d >= '2000-01-01' && d < '2100-01-01', 'a yyyy-MM-dd date from 2000 to 2099');

const dayHours = z.array(z.string().max(11)).max(6).superRefine((texts, ctx) => {
  try {
    rangesOf(texts);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: err instanceof Error ? err.message : String(err) });
  }
});

export const weekHours = z.object(Object.fromEntries(weekdays.map((d) => [d, dayHours])) as Record<(typeof weekdays)[number], typeof dayHours>).strict()
  .describe('working hours per weekday as "HH:mm-HH:mm" ranges; an empty list is a day off');

export const officeHours = { mon: ['09:00-12:00', '13:00-18:00'], tue: ['09:00-12:00', '13:00-18:00'], wed: ['09:00-12:00', '13:00-18:00'], thu: ['09:00-12:00', '13:00-18:00'], fri: ['09:00-12:00', '13:00-18:00'], sat: [], sun: [] };

export const calendarCreate = z
  .object({
    code: calendarCode,
    name: text(100),
    country: country.describe('whose official holidays and make-up days it follows'),
    region: region.nullable().default(null),
    timeZone: timeZone.optional().describe('defaults to the zone the region pack gives the country and region'),
    hours: weekHours.default(officeHours),
    official: z.boolean().default(true).describe('whether the country\'s official holidays and make-up working days (调休) count'),
  })
  .strict()
  .meta({ examples: [{ code: 'CN-OFFICE', name: '上海客服排班', country: 'CN', hours: officeHours }] });
export type CalendarCreate = z.output<typeof calendarCreate>;
export type CalendarCreateInput = z.input<typeof calendarCreate>;

export const calendarPatch = z
  .object({ name: text(100), region: region.nullable(), timeZone, hours: weekHours, official: z.boolean() })
  .partial()
  .strict()
  .meta({ examples: [{ hours: { ...officeHours, sat: ['09:00-12:00'] } }] });
export type CalendarPatch = z.output<typeof calendarPatch>;

export const calendarParams = z.object({ code: calendarCode });

export const dayInput = z.object({
  date: localDate,
  kind: z.enum(['holiday', 'workday']),
  name: text(100),
  hours: dayHours.nullable().default(null).describe('a working day\'s own hours; null keeps the usual working-day hours'),
}).strict()
  .refine((d) => d.kind === 'workday' || d.hours === null, { path: ['hours'], message: 'a holiday has no working hours' })
  .refine((d) => d.hours === null || d.hours.length > 0, { path: ['hours'], message: 'a working day has hours: leave them out for the usual ones, or make it a holiday' });

export const daysPut = z.object({ days: z.array(dayInput).min(1).max(400) }).strict()
  .superRefine((body, ctx) => {
    const seen = new Set<string>();
    body.days.forEach((d, i) => {
      if (seen.has(d.date)) ctx.addIssue({ code: 'custom', path: ['days', i, 'date'], message: `${d.date} is given twice` });
      seen.add(d.date);
    });
  })
  .meta({ examples: [{ days: [{ date: '2027-02-20', kind: 'workday', name: '春节调休' }, { date: '2027-11-11', kind: 'workday', name: '双十一加班', hours: ['08:00-22:00'] }] }] });

export const daysDelete = z.object({ dates: z.array(localDate).min(1).max(400) }).strict();

export const calendarImport = z.object({
  format: z.enum(['ical', 'holiday-cn']),
  content: z.string().min(1).max(1_000_000).describe('the file: an iCalendar (.ics) or a holiday-cn JSON document, as text'),
  year: z.number().int().min(2000).max(2099).optional().describe('the year the file announces whole: official data for it is no longer missed (holiday-cn files say their year)'),
}).strict().meta({ examples: [{ format: 'holiday-cn', content: '{"year":2027,"days":[{"name":"元旦","date":"2027-01-01","isOffDay":true}]}' }] });
export type CalendarImport = z.output<typeof calendarImport>;

export const yearQuery = z.object({ year: z.coerce.number().int().min(2000).max(2099).optional() });
