import ICAL from 'ical.js';
import { addDays, isLocalDate } from '../../platform/time/wall-clock.ts';

/**
 * Calendar files a merchant can import: an iCalendar (.ics) of holidays, such as the ones the
 * State Council's schedule is published in, and the JSON of the holiday-cn project
 * (github.com/NateScarlet/holiday-cn: `{year, days: [{name, date, isOffDay}]}`). Both become day
 * overrides; a file that holds a year's announcement marks that year as known.
 */
export interface ImportedDay {
  date: string;
  kind: 'holiday' | 'workday';
  name: string;
}

export class CalendarImportError extends Error {
  constructor(readonly path: string, message: string) {
    super(message);
  }
}

const MAX_EVENT_DAYS = 31;

/** A make-up working day in an iCalendar: "春节(班)", "补班", an Apple ALTERNATE-WORKDAY, or a summary that says so in English. */
function isWorkdayEvent(event: ICAL.Component, summary: string): boolean {
  const special = String(event.getFirstPropertyValue('x-apple-special-day') ?? '');
  return special === 'ALTERNATE-WORKDAY' || /[(（]班[)）]|补班|上班|调休上班|working day|workday/i.test(summary);
}

/** All-day events as days: each day from DTSTART up to (not including) DTEND. */
export function daysFromICalendar(text: string): ImportedDay[] {
  let root: ICAL.Component;
  try {
    root = new ICAL.Component(ICAL.parse(text));
  } catch (err) {
    throw new CalendarImportError('body', `not an iCalendar: ${err instanceof Error ? err.message : String(err)}`);
  }
  const days: ImportedDay[] = [];
  root.getAllSubcomponents('vevent').forEach((event, i) => {
    const start = event.getFirstPropertyValue('dtstart');
    if (!(start instanceof ICAL.Time)) throw new CalendarImportError(`VEVENT[${i}].DTSTART`, 'missing');
    // Holidays are whole days, each listed: a timed event or a rule of repeats is not a day this reads.
    if (!start.isDate) throw new CalendarImportError(`VEVENT[${i}].DTSTART`, 'must be a date (VALUE=DATE), a whole day');
    if (event.hasProperty('rrule')) throw new CalendarImportError(`VEVENT[${i}].RRULE`, 'repeating events are not read: list each holiday');
    const raw = /(\d{8})\s*$/.exec(event.getFirstProperty('dtstart')?.toICALString() ?? '')?.[1];
    if (!raw || !isLocalDate(`${raw.slice(0, 4)}-${raw.slice(4, 6)}-${raw.slice(6, 8)}`)) throw new CalendarImportError(`VEVENT[${i}].DTSTART`, 'is no real date');
    const end = event.getFirstPropertyValue('dtend');
    const summary = String(event.getFirstPropertyValue('summary') ?? '').trim() || 'holiday';
    const first = start.toString().slice(0, 10);
    const last = end instanceof ICAL.Time ? end.toString().slice(0, 10) : addDays(first, 1);
    if (!isLocalDate(first) || !isLocalDate(last)) throw new CalendarImportError(`VEVENT[${i}].DTSTART`, 'not a date');
    if (last <= first) throw new CalendarImportError(`VEVENT[${i}].DTEND`, 'must come after DTSTART');
    const name = summary.replace(/[(（][休班][)）]$/, '');
    const kind = isWorkdayEvent(event, summary) ? 'workday' : 'holiday';
    let n = 0;
    for (let d = first; d < last; d = addDays(d, 1)) {
      if (++n > MAX_EVENT_DAYS) throw new CalendarImportError(`VEVENT[${i}]`, `spans more than ${MAX_EVENT_DAYS} days`);
      days.push({ date: d, kind, name });
    }
  });
  return days;
}

/**
 * The days of a file, checked as a whole: each date once, within the years the platform keeps,
 * and, when the file says which year it announces, that year's days among them.
 */
export function checkedDays(days: ImportedDay[], year: number | null): ImportedDay[] {
  const seen = new Map<string, number>();
  days.forEach((d, i) => {
    if (d.date < '2000-01-01' || d.date >= '2100-01-01') throw new CalendarImportError(`days[${i}].date`, `${d.date} is outside 2000–2099`);
    if (seen.has(d.date)) throw new CalendarImportError(`days[${i}].date`, `${d.date} is listed twice`);
    seen.set(d.date, i);
  });
  if (year !== null && !days.some((d) => d.date.startsWith(`${year}-`))) throw new CalendarImportError('year', `the file holds no day of ${year}`);
  return days;
}

/** holiday-cn's JSON: `{year, days: [{name, date, isOffDay}]}`; isOffDay false is a make-up working day. */
export function daysFromHolidayCn(doc: unknown): { year: number | null; days: ImportedDay[] } {
  const record = doc && typeof doc === 'object' ? (doc as Record<string, unknown>) : null;
  if (!record || !Array.isArray(record.days)) throw new CalendarImportError('days', 'a holiday-cn file has a days array');
  const year = Number.isInteger(record.year) ? (record.year as number) : null;
  const days = record.days.map((raw, i): ImportedDay => {
    const d = raw && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
    if (typeof d.date !== 'string' || !isLocalDate(d.date)) throw new CalendarImportError(`days[${i}].date`, 'must be a yyyy-MM-dd date');
    if (typeof d.isOffDay !== 'boolean') throw new CalendarImportError(`days[${i}].isOffDay`, 'must be true or false');
    const name = typeof d.name === 'string' && d.name.trim() ? d.name.trim().slice(0, 100) : d.isOffDay ? '假日' : '调休上班';
    return { date: d.date, kind: d.isOffDay ? 'holiday' : 'workday', name: d.isOffDay ? name : `${name}调休` };
  });
  return { year, days };
}
