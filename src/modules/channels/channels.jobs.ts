import { every, type Job } from '../../platform/jobs.ts';
import { pullDueShops, type PullDeps, type PullSettings, defaultPullSettings } from './channels.pull.ts';

/**
 * Runs incremental pulls in the background. Several processes may run this against one
 * PostgreSQL: each shop is leased by one of them at a time.
 */
export function startChannelPulls(deps: PullDeps, settings: PullSettings = defaultPullSettings, tickMs = 2_000): Job {
  return every(tickMs, 'channel pull', deps.logger, () => pullDueShops(deps, settings));
}
