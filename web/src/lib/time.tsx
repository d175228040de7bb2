import { createContext, useContext, useMemo, useState, type ReactNode } from 'react';
import { useI18n } from './i18n.tsx';

/**
 * Times are shown in the person's zone, and the zone is named on the page. The zone is the
 * browser's unless the person picked another (kept in this browser). Instants arrive as UTC
 * ISO strings; only Intl renders them, with no offset arithmetic here.
 */
const STORAGE_KEY = 'oms.timeZone';
export const browserZone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
export const commonZones = ['Asia/Shanghai', 'Asia/Hong_Kong', 'Asia/Tokyo', 'Asia/Singapore', 'Europe/London', 'Europe/Berlin', 'America/New_York', 'America/Los_Angeles', 'UTC'];

interface TimeZoneValue {
  zone: string;
  setZone(zone: string): void;
}

const ZoneContext = createContext<TimeZoneValue | null>(null);

export function TimeZoneProvider({ children }: { children: ReactNode }) {
  const [zone, setState] = useState(() => localStorage.getItem(STORAGE_KEY) || browserZone);
  const value = useMemo(() => ({ zone, setZone: (z: string) => (localStorage.setItem(STORAGE_KEY, z), setState(z)) }), [zone]);
  return <ZoneContext.Provider value={value}>{children}</ZoneContext.Provider>;
}

export function useZone(): TimeZoneValue {
  const value = useContext(ZoneContext);
  if (!value) throw new Error('useZone outside TimeZoneProvider');
  return value;
}

/**
 * Milliseconds since the epoch of an ISO instant the API sent (always with Z or an offset), for
 * arithmetic such as the time left before a deadline; NaN when the text is no date. Shown times
 * go through useTime, never through this.
 */
export function instantMs(iso: string): number {
  return Date.parse(iso);
}

/** "UTC+08:00" for the zone at this instant. */
export function offsetLabel(zone: string, at = new Date()): string {
  const part = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' }).formatToParts(at).find((p) => p.type === 'timeZoneName');
  const text = part?.value ?? 'GMT';
  return text === 'GMT' ? 'UTC+00:00' : text.replace('GMT', 'UTC');
}

/** Formats instants in the person's zone and language. */
export function useTime() {
  const { zone } = useZone();
  const { language } = useI18n();
  return useMemo(() => {
    const full = new Intl.DateTimeFormat(language, { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
    const short = new Intl.DateTimeFormat(language, { timeZone: zone, month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    const hour = new Intl.DateTimeFormat(language, { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
    const duration = (ms: number) => {
      const minutes = Math.round(Math.abs(ms) / 60_000);
      if (minutes < 60) return language === 'en' ? `${minutes} min` : `${minutes} 分钟`;
      const hours = Math.floor(minutes / 60);
      const rest = minutes % 60;
      if (hours < 48) return language === 'en' ? `${hours} h ${rest} min` : `${hours} 小时 ${rest} 分`;
      return language === 'en' ? `${Math.round(hours / 24)} d` : `${Math.round(hours / 24)} 天`;
    };
    return {
      zone,
      full: (iso: string | null | undefined) => (iso ? full.format(new Date(iso)) : '—'),
      short: (iso: string | null | undefined) => (iso ? short.format(new Date(iso)) : '—'),
      hour: (iso: string) => hour.format(new Date(iso)),
      duration,
    };
  }, [zone, language]);
}

const pad2 = (n: number) => String(n).padStart(2, '0');

/** Monday = 0 … Sunday = 6 for a plain yyyy-MM-dd date (a calendar's day: no zone involved). */
export function weekdayIndex(date: string): number {
  return (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7;
}

/** A month's dates as a Monday-first grid; null pads the first week. */
export function monthGrid(year: number, month: number): (string | null)[] {
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  const first = weekdayIndex(`${year}-${pad2(month)}-01`);
  return [...Array<null>(first).fill(null), ...Array.from({ length: days }, (_, i) => `${year}-${pad2(month)}-${pad2(i + 1)}`)];
}

/** The month's name in the language ("十一月", "November"). */
export function monthName(year: number, month: number, language: string): string {
  return new Intl.DateTimeFormat(language, { month: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(year, month - 1, 1)));
}

/** This year on the wall clock of `zone`. */
export function yearIn(zone: string): number {
  return Number(new Intl.DateTimeFormat('en', { timeZone: zone, year: 'numeric' }).format(new Date()));
}
