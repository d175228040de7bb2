import { createRequire } from 'node:module';
import Holidays from 'date-holidays';

/**
 * The official public holidays and make-up working days of a country, from maintained data:
 * `chinese-days` for China (the State Council's 放假安排, 调休 included), `date-holidays` for the
 * other markets (rules, so every year is known). China's data ends where the package's does: a
 * year the State Council has announced but the package does not hold yet is a gap, and
 * officialDataMissing says so (the package may lag the announcement).
 */
export interface OfficialDay {
  date: string;
  kind: 'holiday' | 'workday';
  name: string;
}

interface ChineseDays {
  holidays: Record<string, string>;
  workdays: Record<string, string>;
}

const require = createRequire(import.meta.url);
const chineseDays = require('chinese-days/dist/chinese-days.json') as ChineseDays;
const chineseYears = new Set([...Object.keys(chineseDays.holidays), ...Object.keys(chineseDays.workdays)].map((d) => Number(d.slice(0, 4))));

/** "National Day,国庆节,3" → "国庆节". */
const chineseName = (entry: string) => entry.split(',')[1] ?? entry;

const byYear = new Map<string, OfficialDay[]>();

function chinaYear(year: number): OfficialDay[] {
  const prefix = `${year}-`;
  const holidays = Object.entries(chineseDays.holidays).filter(([d]) => d.startsWith(prefix)).map(([date, e]) => ({ date, kind: 'holiday' as const, name: chineseName(e) }));
  const workdays = Object.entries(chineseDays.workdays).filter(([d]) => d.startsWith(prefix)).map(([date, e]) => ({ date, kind: 'workday' as const, name: `${chineseName(e)}调休` }));
  return [...holidays, ...workdays];
}

function otherYear(country: string, region: string | null, year: number): OfficialDay[] {
  const holidays = region ? new Holidays(country, region) : new Holidays(country);
  const days = new Map<string, OfficialDay>();
  for (const h of holidays.getHolidays(year) || []) {
    if (h.type !== 'public') continue;
    // date-holidays writes the local date first: "2027-01-01 00:00:00" (a holiday may span days: only its first is taken here).
    const date = h.date.slice(0, 10);
    if (!days.has(date)) days.set(date, { date, kind: 'holiday', name: h.name });
  }
  return [...days.values()];
}

/** A year's official days of a country (and region), sorted by date; empty where nothing is known. */
export function officialDays(country: string, region: string | null, year: number): readonly OfficialDay[] {
  const key = `${country}|${region ?? ''}|${year}`;
  let days = byYear.get(key);
  if (!days) {
    days = (country === 'CN' ? chinaYear(year) : otherYear(country, region, year)).sort((a, b) => a.date.localeCompare(b.date));
    byYear.set(key, days);
  }
  return days;
}

/** Whether official data for this year is held: always for rule-based countries, for China only the years the package has. */
export function officialYearKnown(country: string, year: number): boolean {
  return country !== 'CN' || chineseYears.has(year);
}
