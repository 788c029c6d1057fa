// Periodic jobs: run hourly by the Node process and by the Cron Trigger on Workers. Each
// capability adds its job here; a failing job is reported and does not stop the others.
import { expirePendingSubscriptions } from "./consent/pending-expiry";
import type { Deps } from "./deps";
import { describeError } from "./http/error-log";
import { pruneRateLimits } from "./http/rate-limit";
import { forgetFinishedTestSends, startDueCampaigns } from "./sending/campaigns";
import { resumePreparingSends } from "./sending/outbox";
import { sendDueReminders } from "./sending/reminder";
import { expireUnansweredInvitations } from "./sending/service";
import { resumeWithdrawals } from "./sending/uninvite";
import { advanceMaintenances } from "./status/maintenance";
import { endFollowsOfResolvedIncidents } from "./subscriptions/expiry";
import { pruneOldWebhookEvents } from "./webhooks/service";
import { pruneWebhookDeliveries } from "./webhooks-out/service";

export type Job = { name: string; run(deps: Deps): Promise<unknown> };

export const periodicJobs: Job[] = [
  { name: "send due re-consent reminders", run: sendDueReminders },
  {
    name: "withdraw the unsent invitations of cancelled re-consent sends",
    run: resumeWithdrawals,
  },
  { name: "expire unanswered re-consent invitations", run: expireUnansweredInvitations },
  {
    name: "erase pending subscriptions not confirmed within 7 days",
    run: expirePendingSubscriptions,
  },
  {
    name: "end incident followers 7 days after resolution (and erase them)",
    run: endFollowsOfResolvedIncidents,
  },
  {
    name: "resume (or discard) sends a crash stopped while preparing",
    run: (deps) => resumePreparingSends(deps),
  },
  { name: "forget the addresses of finished test sends", run: forgetFinishedTestSends },
  { name: "prune rate-limit windows", run: pruneRateLimits },
  { name: "prune webhook events past EVENT_RETENTION_DAYS", run: pruneOldWebhookEvents },
  {
    name: "prune outgoing webhook deliveries past EVENT_RETENTION_DAYS",
    run: pruneWebhookDeliveries,
  },
];

/**
 * Jobs whose timing people see (a maintenance or a scheduled campaign starts on the minute):
 * every minute, both runtimes.
 */
export const minuteJobs: Job[] = [
  { name: "start and complete scheduled maintenance", run: advanceMaintenances },
  { name: "start scheduled campaigns that are due", run: startDueCampaigns },
];

export async function runPeriodicJobs(
  deps: Deps,
  jobs: Job[] = periodicJobs,
): Promise<{ name: string; ok: boolean }[]> {
  const results: { name: string; ok: boolean }[] = [];
  for (const job of jobs) {
    try {
      await job.run(deps);
      results.push({ name: job.name, ok: true });
    } catch (error) {
      console.error(`[relance] job "${job.name}" failed: ${describeError(error)}`);
      results.push({ name: job.name, ok: false });
    }
  }
  return results;
}
