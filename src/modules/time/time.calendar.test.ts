import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, test } from 'node:test';
import { isoInZone } from '../../platform/time/instants.ts';
import { parseWallClock } from '../../platform/time/wall-clock.ts';
import { BusinessCalendar, type CalendarDefinition } from './time.calendar.ts';
import { CalendarImportError, daysFromHolidayCn, daysFromICalendar } from './time.import.ts';
import { officeHours } from './time.input.ts';
import { calendarView } from './time.service.ts';

const SH = 'Asia/Shanghai';
const at = (wall: string) => parseWallClock(wall, SH);
const calendar = (over: Partial<CalendarDefinition> = {}) => new BusinessCalendar({
  code: 'CN-OFFICE', name: '客服', country: 'CN', region: null, timeZone: SH, hours: officeHours, official: true, importedYears: [], days: [], ...over,
});

describe('a China business calendar (official data from chinese-days)', () => {
  const cn = calendar();

  test('Golden Week is off; its make-up Sunday and Saturday (调休) are working days', () => {
    for (const d of ['2025-10-01', '2025-10-03', '2025-10-06', '2025-10-08']) assert.equal(cn.day(d).kind, 'holiday', d);
    assert.equal(cn.day('2025-10-01').name, '国庆节');
    assert.deepEqual([cn.day('2025-09-28').kind, cn.day('2025-09-28').working], ['makeup', true]);
    assert.deepEqual([cn.day('2025-10-11').kind, cn.day('2025-10-11').working], ['makeup', true]);
    assert.equal(cn.day('2025-10-12').kind, 'weekend');
    assert.deepEqual(cn.day('2025-10-11').hours, [[540, 720], [780, 1080]], 'a make-up day works the usual hours');
  });

  test('cut-offs and work days: past the cut-off before Golden Week is after it; the make-up Saturday takes orders', () => {
    assert.equal(cn.workDay(at('2025-09-30 15:59:00'), SH, '16:00'), '2025-09-30');
    assert.equal(cn.workDay(at('2025-09-30 16:00:00'), SH, '16:00'), '2025-10-09');
    assert.equal(cn.workDay(at('2025-10-03 10:00:00'), SH, '16:00'), '2025-10-09');
    assert.equal(cn.workDay(at('2025-10-11 10:00:00'), SH, '16:00'), '2025-10-11', 'Saturday 11 October is a working day');
    assert.equal(cn.workDay(at('2025-10-11 17:00:00'), SH, '16:00'), '2025-10-13');
    assert.equal(cn.workDay(at('2025-10-12 09:00:00'), SH, '16:00'), '2025-10-13');
  });

  test('working time honours the lunch break, Golden Week and the make-up Saturday', () => {
    const plus = (wall: string, minutes: number) => isoInZone(cn.addWorkingMinutes(at(wall), minutes, SH), SH);
    assert.equal(plus('2025-09-26 11:30:00', 60), '2025-09-26T13:30:00+08:00');
    assert.equal(plus('2025-09-30 17:30:00', 60), '2025-10-09T09:30:00+08:00');
    assert.equal(plus('2025-10-10 17:30:00', 60), '2025-10-11T09:30:00+08:00');
    assert.equal(plus('2025-10-12 08:00:00', 0), '2025-10-13T09:00:00+08:00', 'nothing to count starts at the next working minute');
    assert.equal(cn.workingMinutesBetween(at('2025-09-30 17:30:00'), at('2025-10-09 09:30:00'), SH), 60);
  });

  test('the year lists the official days that fall on a day the calendar works anyway', () => {
    const sixDays = calendar({ hours: { ...officeHours, sat: ['09:00-17:00'] } });
    const listed = calendarView(sixDays, 2025).days.find((d) => d.date === '2025-10-11');
    assert.deepEqual([listed?.kind, listed?.source, listed?.working], ['workday', 'official', true]);
  });

  test('a day set by hand wins over the official data', () => {
    const edited = calendar({ days: [{ date: '2025-10-08', kind: 'workday', name: '加班', hours: ['10:00-16:00'], source: 'manual' }, { date: '2025-10-13', kind: 'holiday', name: '仓库盘点', hours: null, source: 'manual' }] });
    assert.deepEqual([edited.day('2025-10-08').working, edited.day('2025-10-08').source, edited.day('2025-10-08').hours], [true, 'manual', [[600, 960]]]);
    assert.equal(edited.workDay(at('2025-10-11 17:00:00'), SH, '16:00'), '2025-10-14');
  });

  test('a year the package does not hold is missing until a file for it is imported', () => {
    assert.equal(cn.yearCovered(2026), true);
    assert.equal(cn.yearCovered(2099), false);
    assert.equal(calendar({ importedYears: [2099] }).yearCovered(2099), true);
    assert.equal(calendar({ official: false }).yearCovered(2099), true, 'a calendar that follows no official data misses none');
  });
});

describe('calendars of other markets (date-holidays)', () => {
  test('US, California: Thanksgiving and Christmas are off, the weekend too', () => {
    const us = calendar({ code: 'US-CA', country: 'US', region: 'CA', timeZone: 'America/Los_Angeles' });
    assert.equal(us.day('2026-11-26').kind, 'holiday');
    assert.equal(us.day('2026-12-25').kind, 'holiday');
    assert.equal(us.day('2026-12-26').kind, 'weekend');
    assert.equal(us.workDay(parseWallClock('2026-12-24 15:00:00', 'America/Los_Angeles'), 'America/Los_Angeles', '14:00'), '2026-12-28');
  });
  test('Japan: Golden Week\'s public holidays', () => {
    const jp = calendar({ code: 'JP', country: 'JP', timeZone: 'Asia/Tokyo' });
    assert.deepEqual(['2026-04-29', '2026-05-04', '2026-05-05', '2026-05-06'].map((d) => jp.day(d).kind), ['holiday', 'holiday', 'holiday', 'holiday']);
  });
});

describe('calendar files', () => {
  test('an iCalendar of holidays and make-up days (chinese-days\' own 2026 file)', () => {
    const ics = readFileSync(createRequire(import.meta.url).resolve('chinese-days/dist/years/2026.ics'), 'utf8');
    const days = daysFromICalendar(ics);
    const byDate = new Map(days.map((d) => [d.date, d]));
    assert.deepEqual(byDate.get('2026-01-01'), { date: '2026-01-01', kind: 'holiday', name: '元旦' });
    assert.equal(byDate.get('2026-01-04')?.kind, 'workday');
    assert.equal(byDate.get('2026-10-07')?.kind, 'holiday');
  });
  test('a holiday-cn file', () => {
    const { year, days } = daysFromHolidayCn({ year: 2027, papers: [], days: [{ name: '元旦', date: '2027-01-01', isOffDay: true }, { name: '春节', date: '2027-02-20', isOffDay: false }] });
    assert.equal(year, 2027);
    assert.deepEqual(days, [{ date: '2027-01-01', kind: 'holiday', name: '元旦' }, { date: '2027-02-20', kind: 'workday', name: '春节调休' }]);
    assert.throws(() => daysFromHolidayCn({ days: [{ date: '2027-13-01', isOffDay: true }] }), (err: CalendarImportError) => err.path === 'days[0].date');
  });
});
