import { addDays, atLocalTime, isHhmm, localDateOf, localMinuteOfDay, minutesOf, weekdayOf, type LocalDate } from '../../platform/time/wall-clock.ts';
import { officialDays, officialYearKnown } from './time.official.ts';
import type { WeekHours } from './time.schema.ts';

/**
 * A business calendar as a value: which local dates are working days, with which hours. A day is,
 * in this order of precedence: what a person set or a file imported for it; the country's
 * official holiday or make-up working day (调休), when the calendar follows them; else its
 * weekday's hours. A make-up day works the hours of the first weekday that has any (Monday's,
 * usually).
 */
export const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

export interface CalendarDay {
  date: LocalDate;
  working: boolean;
  /** workday (its weekday's hours), weekend, holiday, or makeup (a working day that would be off: 调休). */
  kind: 'workday' | 'weekend' | 'holiday' | 'makeup';
  name: string | null;
  /** manual, import, official or weekly: where the answer came from. */
  source: 'manual' | 'import' | 'official' | 'weekly';
  /** Working hours as [from, to) minutes since local midnight. */
  hours: [number, number][];
}

export interface DayOverride {
  date: LocalDate;
  kind: 'holiday' | 'workday';
  name: string;
  hours: string[] | null;
  source: 'manual' | 'import';
}

export interface CalendarDefinition {
  code: string;
  name: string;
  country: string;
  region: string | null;
  timeZone: string;
  hours: WeekHours;
  official: boolean;
  importedYears: number[];
  days: DayOverride[];
}

/** "09:00-12:00" → [540, 720]; "24:00" may end a range. */
export function rangeOf(text: string): [number, number] {
  const [from, to] = text.split('-');
  const end = to === '24:00' ? 24 * 60 : isHhmm(to ?? '') ? minutesOf(to!) : Number.NaN;
  if (!isHhmm(from ?? '') || Number.isNaN(end) || end <= minutesOf(from!)) throw new RangeError(`not a "HH:mm-HH:mm" range: ${JSON.stringify(text)}`);
  return [minutesOf(from!), end];
}

/** The ranges of a day, sorted, refused when they overlap. */
export function rangesOf(texts: readonly string[]): [number, number][] {
  const ranges = texts.map(rangeOf).sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < ranges.length; i++) if (ranges[i]![0] < ranges[i - 1]![1]) throw new RangeError(`working hours overlap: ${texts.join(', ')}`);
  return ranges;
}

const MAX_DAYS_AHEAD = 370;

export class BusinessCalendar {
  private readonly overrides: Map<LocalDate, DayOverride>;
  private readonly week: [number, number][][];
  private readonly makeUpHours: [number, number][];
  private readonly official = new Map<LocalDate, { kind: 'holiday' | 'workday'; name: string }>();
  private readonly officialLoaded = new Set<number>();

  constructor(readonly definition: CalendarDefinition) {
    this.overrides = new Map(definition.days.map((d) => [d.date, d]));
    this.week = weekdays.map((d) => rangesOf(definition.hours[d] ?? []));
    this.makeUpHours = this.week.find((h) => h.length > 0) ?? [];
  }

  get code(): string {
    return this.definition.code;
  }

  private officialOn(date: LocalDate) {
    if (!this.definition.official) return undefined;
    const year = Number(date.slice(0, 4));
    if (!this.officialLoaded.has(year)) {
      this.officialLoaded.add(year);
      for (const d of officialDays(this.definition.country, this.definition.region, year)) this.official.set(d.date, d);
    }
    return this.official.get(date);
  }

  /** Days worked out so far: routing asks of the same few dates for every batch. */
  private readonly known = new Map<LocalDate, CalendarDay>();

  /** What the calendar says of a local date. */
  day(date: LocalDate): CalendarDay {
    let day = this.known.get(date);
    if (!day) {
      if (this.known.size >= 4096) this.known.clear();
      this.known.set(date, (day = this.work(date)));
    }
    return day;
  }

  private work(date: LocalDate): CalendarDay {
    const weekly = this.week[weekdayOf(date) - 1]!;
    const set = this.overrides.get(date);
    const official = set ? undefined : this.officialOn(date);
    const decided = set ?? (official && { ...official, hours: null, source: 'official' as const });
    if (!decided) return { date, working: weekly.length > 0, kind: weekly.length > 0 ? 'workday' : 'weekend', name: null, source: 'weekly', hours: weekly };
    if (decided.kind === 'holiday') return { date, working: false, kind: 'holiday', name: decided.name, source: decided.source, hours: [] };
    const hours = decided.hours ? rangesOf(decided.hours) : weekly.length > 0 ? weekly : this.makeUpHours;
    return { date, working: hours.length > 0, kind: weekly.length > 0 ? 'workday' : 'makeup', name: decided.name, source: decided.source, hours };
  }

  isWorkingDay(date: LocalDate): boolean {
    return this.day(date).working;
  }

  /** The first working day on or after `date`; `date` itself when nothing works within a year (a calendar of no working days). */
  nextWorkingDay(date: LocalDate): LocalDate {
    for (let d = date, i = 0; i < MAX_DAYS_AHEAD; i++, d = addDays(d, 1)) if (this.isWorkingDay(d)) return d;
    return date;
  }

  /**
   * The work day an order arriving at `at` counts toward, on the wall clock of `zone`: today when
   * it is a working day and the cut-off has not passed, else the next working day.
   */
  workDay(at: Date, zone: string, cutOff: string | null): LocalDate {
    const today = localDateOf(at, zone);
    if (!this.isWorkingDay(today)) return this.nextWorkingDay(today);
    if (cutOff && localMinuteOfDay(at, zone) >= minutesOf(cutOff)) return this.nextWorkingDay(addDays(today, 1));
    return today;
  }

  /** Whether the year's official days are known (held by the package or imported whole). */
  yearCovered(year: number): boolean {
    return !this.definition.official || officialYearKnown(this.definition.country, year) || this.definition.importedYears.includes(year);
  }

  /** Every day of a year. */
  year(year: number): CalendarDay[] {
    const days: CalendarDay[] = [];
    for (let d = `${year}-01-01`; d.startsWith(`${year}-`); d = addDays(d, 1)) days.push(this.day(d));
    return days;
  }

  /** The working ranges from the local date of `at` on, as instants, each cut to begin no earlier than `at`. */
  private *rangesFrom(at: Date, zone: string): Generator<[number, number]> {
    for (let date = localDateOf(at, zone), i = 0; i < MAX_DAYS_AHEAD; i++, date = addDays(date, 1)) {
      for (const [from, to] of this.day(date).hours) {
        const start = Math.max(atLocalTime(date, from, zone).getTime(), at.getTime());
        const end = atLocalTime(date, to, zone).getTime();
        if (end > start) yield [start, end];
      }
    }
  }

  /** The instant `minutes` of working time after `at`: breaks, weekends, holidays and make-up days counted as the calendar says. */
  addWorkingMinutes(at: Date, minutes: number, zone: string): Date {
    let left = minutes * 60_000;
    for (const [start, end] of this.rangesFrom(at, zone)) {
      if (end - start >= left) return new Date(start + left);
      left -= end - start;
    }
    return at;
  }

  /** Working minutes between two instants (0 when `to` is not after `from`). */
  workingMinutesBetween(from: Date, to: Date, zone: string): number {
    if (to <= from) return 0;
    let total = 0;
    for (let date = localDateOf(from, zone), i = 0; i < MAX_DAYS_AHEAD * 4 && date <= localDateOf(to, zone); i++, date = addDays(date, 1)) {
      for (const [f, t] of this.day(date).hours) {
        const start = Math.max(atLocalTime(date, f, zone).getTime(), from.getTime());
        const end = Math.min(atLocalTime(date, t, zone).getTime(), to.getTime());
        if (end > start) total += end - start;
      }
    }
    return Math.round(total / 60_000);
  }
}

/** Every day a warehouse works, all day: what a warehouse without a calendar keeps (it counts only its zone and cut-off). */
export const alwaysOpen = new BusinessCalendar({
  code: '', name: 'every day', country: 'ZZ', region: null, timeZone: 'UTC', official: false, importedYears: [], days: [],
  hours: { mon: ['00:00-24:00'], tue: ['00:00-24:00'], wed: ['00:00-24:00'], thu: ['00:00-24:00'], fri: ['00:00-24:00'], sat: ['00:00-24:00'], sun: ['00:00-24:00'] },
});
