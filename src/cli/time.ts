import type { Command, Option } from 'commander';
import { systemClock } from '../platform/clock.ts';
import { systemActor, type RequestContext } from '../platform/context.ts';
import { AppError } from '../platform/errors.ts';
import { InstantFormatError, isoInZone } from '../platform/time/instants.ts';
import { isTimeZone, localYearOf, parseTypedWallClock } from '../platform/time/wall-clock.ts';
import { DEFAULT_TENANT } from '../modules/access/access.service.ts';
import { getCalendar } from '../modules/time/time.service.ts';
import { zoneAskedFor } from '../modules/time/time.regions.ts';
import { getWarehouse } from '../modules/warehouses/warehouses.service.ts';
import { alwaysOpen, type BusinessCalendar } from '../modules/time/time.calendar.ts';
import { withDatabase } from './runtime.ts';

const zoneArg = (name: string, flag: string) => {
  if (!isTimeZone(name)) throw new AppError('VALIDATION_FAILED', `${flag} must be an IANA time zone or UTC, e.g. Asia/Shanghai (got ${JSON.stringify(name)})`);
  return name;
};

/** A year of a calendar as text: each month's working days, then its holidays and make-up working days. */
export function calendarText(calendar: BusinessCalendar, year: number, title: string): string {
  const days = calendar.year(year);
  const lines = [title, `year ${year}${calendar.yearCovered(year) ? '' : ` (no official data for ${year} is held: import the year's announcement)`}`, ''];
  lines.push('month     working days');
  for (let m = 1; m <= 12; m++) {
    const prefix = `${year}-${String(m).padStart(2, '0')}`;
    lines.push(`${prefix}   ${String(days.filter((d) => d.date.startsWith(prefix) && d.working).length).padStart(3)}`);
  }
  lines.push(`total     ${String(days.filter((d) => d.working).length).padStart(3)}`, '');
  const listed = days.filter((d) => d.kind === 'holiday' || d.kind === 'makeup' || (d.source === 'manual' || d.source === 'import'));
  lines.push('holidays and make-up working days');
  for (const d of listed) lines.push(`${d.date}  ${d.kind === 'makeup' ? 'make-up working day' : d.working ? 'working day' : 'holiday'}  ${d.name ?? ''}  (${d.source})`);
  if (listed.length === 0) lines.push('(none)');
  return `${lines.join('\n')}\n`;
}

/** `oms time convert | zone | calendar`: the time module's operator tools. */
export function timeCommands(program: Command, dbOption: () => Option): void {
  const time = program.command('time').description('time zones, region packs and business calendars');
  time
    .command('convert <wallClock>')
    .description('a wall-clock time "YYYY-MM-DD HH:mm:ss" in one zone as an ISO-8601 instant with the offset of another, e.g. "2025-12-25 00:30:00" --from Asia/Shanghai --to America/New_York')
    .requiredOption('--from <zone>', 'the zone the time is on the wall clock of: an IANA zone or UTC')
    .requiredOption('--to <zone>', 'the zone to write it in: an IANA zone or UTC')
    .action((wallClock: string, opts: { from: string; to: string }) => {
      let at: Date;
      try {
        at = parseTypedWallClock(wallClock, zoneArg(opts.from, '--from'));
      } catch (err) {
        if (err instanceof InstantFormatError) throw new AppError('VALIDATION_FAILED', err.message);
        throw err;
      }
      process.stdout.write(`${isoInZone(at, zoneArg(opts.to, '--to'))}\n`);
    });
  time
    .command('zone <country> [region]')
    .description('the IANA zone the region packs give a country (ISO 3166-1 alpha-2) and region (ISO 3166-2 subdivision), e.g. US NY, AU NSW, MX CMX')
    .action((country: string, region: string | undefined) => {
      const zone = zoneAskedFor(country, region ?? null);
      if (!zone) throw new AppError('REGION_UNKNOWN', region ? `${region} is not a region the ${country.toUpperCase()} pack can place` : `no region pack for country ${country}`);
      process.stdout.write(`${zone}\n`);
    });
  time
    .command('calendar <warehouse>')
    .description("a warehouse's business calendar for a year: working days per month, holidays and make-up working days (调休)")
    .option('--year <year>', 'the year (default: this year in the warehouse\'s zone)')
    .option('--tenant <id>', 'the tenant', DEFAULT_TENANT)
    .addOption(dbOption())
    .action((code: string, opts: { year?: string; tenant: string; db?: string }) =>
      withDatabase(opts.db, async (handle) => {
        const ctx: RequestContext = { tenantId: opts.tenant, actor: systemActor('cli'), clock: systemClock, db: handle.db };
        const warehouse = await getWarehouse(ctx, code);
        const year = opts.year === undefined ? localYearOf(systemClock.now(), warehouse.timeZone) : Number(opts.year);
        if (!Number.isInteger(year) || year < 2000 || year > 2099) throw new AppError('VALIDATION_FAILED', '--year must be a year from 2000 to 2099');
        const calendar = warehouse.calendar ? await getCalendar(ctx, warehouse.calendar) : alwaysOpen;
        const title = warehouse.calendar ? `${warehouse.code} ${warehouse.name}: calendar ${calendar.code} (${calendar.definition.name}), ${warehouse.timeZone}, cut-off ${warehouse.cutOff ?? 'none'}`
          : `${warehouse.code} ${warehouse.name}: no calendar, works every day (${warehouse.timeZone}, cut-off ${warehouse.cutOff ?? 'none'})`;
        process.stdout.write(calendarText(calendar, year, title));
      }),
    );
}
