import type { Clock } from '../../platform/clock.ts';
import { systemActor, type RequestContext } from '../../platform/context.ts';
import type { Database } from '../../platform/db/index.ts';
import { every, type Job } from '../../platform/jobs.ts';
import { loggableError, type Logger } from '../../platform/logger.ts';
import { scoreTenant, tenantsToScore } from './scorecard.service.ts';

export interface ScorecardDeps {
  db: Database;
  clock: Clock;
  logger: Logger;
}

/**
 * One round for every tenant with listings, pushes or oversells: yesterday's final record once it
 * is over, today's running one, then the pause rule. A failing tenant does not stop the others.
 * Every write is a merge or an idempotent upsert, so several processes may run rounds at once.
 */
export async function scorecardRound(deps: ScorecardDeps): Promise<{ tenants: number; paused: { tenantId: string; channel: string }[] }> {
  const tenants = await tenantsToScore(deps);
  const paused: { tenantId: string; channel: string }[] = [];
  for (const tenantId of tenants) {
    const ctx: RequestContext = { tenantId, actor: systemActor('inventory-scorecard'), clock: deps.clock, db: deps.db };
    try {
      for (const channel of await scoreTenant(ctx)) {
        paused.push({ tenantId, channel });
        deps.logger.warn({ tenantId, channel }, 'new listings paused: inventory health below the threshold for two weeks');
      }
    } catch (err) {
      deps.logger.error({ tenantId, error: loggableError(err) }, 'inventory scorecard round failed for a tenant');
    }
  }
  return { tenants: tenants.length, paused };
}

export function startScorecard(deps: ScorecardDeps, tickMs = 60_000): Job {
  return every(tickMs, 'inventory scorecard', deps.logger, () => scorecardRound(deps));
}
