import { parseIsoInstant } from './time/instants.ts';

/** Time is read through a clock so that deadlines, expiry and SLAs can be tested. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/**
 * An instant given as a Date, or as ISO text with its zone stated (tests write "2026-11-11T02:00:00Z");
 * text without a zone is refused rather than read in the zone of whoever runs the test.
 */
const msOf = (at: Date | string) => (typeof at === 'string' ? parseIsoInstant(at) : at).getTime();

/** A clock that only moves when told to; for tests and replays. */
export class ManualClock implements Clock {
  private current: number;

  constructor(start: Date | string = '2026-01-01T00:00:00Z') {
    this.current = msOf(start);
  }

  now(): Date {
    return new Date(this.current);
  }

  set(at: Date | string): void {
    this.current = msOf(at);
  }

  advance(ms: number): void {
    this.current += ms;
  }
}
