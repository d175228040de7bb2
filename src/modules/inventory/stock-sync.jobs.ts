import { every, type Job } from '../../platform/jobs.ts';
import { defaultStockSyncSettings, pushDueStock, type StockSyncDeps, type StockSyncSettings } from './stock-pushes.service.ts';

/**
 * Sends due stock pushes in the background, every `tickMs`. Several processes may run this against
 * one PostgreSQL: rows are claimed with SKIP LOCKED under a lease, so each shop × SKU has at most
 * one push in flight anywhere.
 */
export function startStockSync(deps: StockSyncDeps, settings: StockSyncSettings = defaultStockSyncSettings, tickMs = 500): Job {
  return every(tickMs, 'stock sync', deps.logger, async () => {
    // A full batch means more is waiting: keep going within the round rather than wait a tick.
    for (let rounds = 0; rounds < 20; rounds++) {
      const reports = await pushDueStock(deps, settings);
      if (reports.length < settings.batch) return;
    }
  });
}
