import { startChannelPulls } from '../modules/channels/channels.jobs.ts';
import { startStockSync } from '../modules/inventory/stock-sync.jobs.ts';
import { startPipelineJobs } from '../modules/pipeline/pipeline.jobs.ts';
import { startDispatcher, type DispatchOptions } from '../modules/pipeline/pipeline.dispatch.ts';
import { snapshotFromWms } from '../modules/pipeline/pipeline.wms-inventory.ts';
import { startReconciliation } from '../modules/inventory/reconciliation.jobs.ts';
import { startScorecard } from '../modules/inventory/scorecard.jobs.ts';
import type { ConnectorRegistry } from '../modules/channels/channels.pull.ts';
import type { Clock } from '../platform/clock.ts';
import type { Database } from '../platform/db/index.ts';
import { allJobs, type Job } from '../platform/jobs.ts';
import type { Logger } from '../platform/logger.ts';
import type { SecretBox } from '../platform/secrets.ts';

export interface WorkerDeps {
  db: Database;
  clock: Clock;
  secrets: SecretBox;
  connectors: ConnectorRegistry;
  logger: Logger;
  /** The dispatcher's schedule, over its defaults. */
  dispatch?: Partial<DispatchOptions>;
}

/**
 * The background work of a process: channel pulls, the inventory jobs and the WMS dispatcher. Every job claims its
 * work in the database, so any number of processes may run them against one PostgreSQL.
 */
export function startWorkers(deps: WorkerDeps): Job {
  return allJobs([
    startChannelPulls(deps),
    startStockSync(deps),
    startPipelineJobs(deps),
    startDispatcher(deps, deps.dispatch),
    startReconciliation({ ...deps, takeSnapshot: (ctx, code) => snapshotFromWms(ctx, deps.secrets, code) }),
    startScorecard(deps),
  ]);
}
