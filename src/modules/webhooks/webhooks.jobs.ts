import { every, type Job } from '../../platform/jobs.ts';
import { sendDueCalls, type SendDeps } from './webhooks.service.ts';

/** Sends due outbound webhook calls in the background; any number of processes may run it. */
export function startWebhookCalls(deps: SendDeps, tickMs = 1_000): Job {
  return every(tickMs, 'webhook calls', deps.logger, async () => {
    for (let rounds = 0; rounds < 10; rounds++) if ((await sendDueCalls(deps)) < 50) return;
  });
}
