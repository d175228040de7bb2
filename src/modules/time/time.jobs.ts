import type { Clock } from '../../platform/clock.ts';
import { systemActor, type RequestContext } from '../../platform/context.ts';
import type { Database } from '../../platform/db/index.ts';
import { every, type Job } from '../../platform/jobs.ts';
import { loggableError, type Logger } from '../../platform/logger.ts';
import { raiseAlerts } from '../fulfillment/alerts.service.ts';
import * as repo from './time.repository.ts';
import { calendarsMissingData } from './time.service.ts';

export interface CalendarCheckDeps {
  db: Database;
  clock: Clock;
  logger: Logger;
}

/**
 * Says on an alert when a calendar follows official data for a year the data does not hold:
 * next year's from October on (the State Council announces it late in the year, and the
 * packages follow later still), or this year's. One alert per calendar and year; importing the
 * year's file settles it.
 */
export async function checkCalendarData(deps: CalendarCheckDeps): Promise<number> {
  const at = deps.clock.now();
  let raised = 0;
  for (const tenantId of await repo.tenantsWithCalendars(deps.db)) {
    const ctx: RequestContext = { tenantId, actor: systemActor('calendars'), clock: deps.clock, db: deps.db };
    const missing = await calendarsMissingData(ctx, at);
    await raiseAlerts(ctx, missing.map((m) => ({
      kind: 'calendar_data_missing',
      subject: `calendar:${m.code}:${m.year}`,
      message: `calendar ${m.code} follows ${m.country}'s official holidays, but no official data for ${m.year} is held: import the year's announcement (a holiday-cn JSON, or an iCalendar with its year) on the calendar; until then only weekly hours and days set by hand count`,
      since: new Date(Date.UTC(m.year - 1, 0, 1)),
    })));
    raised += missing.length;
  }
  return raised;
}

export function startCalendarChecks(deps: CalendarCheckDeps, everyMs = 6 * 3_600_000): Job {
  void checkCalendarData(deps).catch((err: unknown) => deps.logger.error({ job: 'calendar data', error: loggableError(err) }, 'calendar data round failed'));
  return every(everyMs, 'calendar data', deps.logger, () => checkCalendarData(deps));
}
