import { startChannelPulls } from '../modules/channels/channels.jobs.ts';
import { startStockSync } from '../modules/inventory/stock-sync.jobs.ts';
import { startOrderUpkeep } from '../workflows/order-upkeep.jobs.ts';
import { startDispatcher, type DispatchOptions } from '../workflows/wms-dispatch.workflow.ts';
import { snapshotFromWms } from '../workflows/wms-inventory-queries.workflow.ts';
import type { Flows } from '../workflows/flows.ts';
import { startReconciliation } from '../modules/inventory/reconciliation.jobs.ts';
import { startScorecard } from '../modules/inventory/scorecard.jobs.ts';
import { startWebhookCalls } from '../modules/webhooks/webhooks.jobs.ts';
import { startCalendarChecks } from '../modules/time/time.jobs.ts';
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
  /** This process's workflows: channel orders go to its intake, and its dispatcher wakes with it. */
  flows: Flows;
}

/**
 * The background work of a process: channel pulls, order upkeep, the inventory jobs, the WMS dispatcher, outbound webhook calls and the calendars' data check. Every job claims its
 * work in the database, so any number of processes may run them against one PostgreSQL.
 */
export function startWorkers(deps: WorkerDeps): Job {
  return allJobs([
    startChannelPulls({ ...deps, sink: deps.flows.intake }),
    startStockSync(deps),
    startOrderUpkeep(deps),
    startDispatcher({ ...deps, deliveriesDue: deps.flows.deliveriesDue }, deps.dispatch),
    startReconciliation({ ...deps, takeSnapshot: (ctx, code) => snapshotFromWms(ctx, deps.secrets, code) }),
    startScorecard(deps),
    startWebhookCalls(deps),
    startCalendarChecks(deps),
  ]);
}
