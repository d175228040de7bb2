import { pullDueShops, type PullDeps, type PullSettings, defaultPullSettings } from './channels.pull.ts';

/**
 * Runs incremental pulls in the background. Several processes may run this against one
 * PostgreSQL: each shop is leased by one of them at a time.
 */
export function startChannelPulls(deps: PullDeps, settings: PullSettings = defaultPullSettings, tickMs = 2_000): { stop(): Promise<void> } {
  let running: Promise<unknown> | null = null;
  const timer = setInterval(() => {
    if (running) return;
    running = pullDueShops(deps, settings)
      .catch((err: unknown) => deps.logger.error({ error: err instanceof Error ? err.message : String(err) }, 'channel pull round failed'))
      .finally(() => {
        running = null;
      });
  }, tickMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
