// What the admin home gathers: sending state, sends under way or waiting, the last 7 days of
// deliverability, open incidents and polls, and each list's consent counts.
import { desc, inArray, isNull } from "drizzle-orm";
import { incidents, lists, sends } from "../../db/schema";
import type { ConsentState } from "../consent/states";
import { deliverabilityOverDays } from "../deliverability/service";
import type { Deps } from "../deps";
import { countsByState } from "../lists/service";
import { openPollsNow } from "../polls/service";
import { sendingStateOf } from "../sending/kill-switch";
import { type SendProgress, sendProgress } from "../sending/service";

/** Send statuses that are under way, and those waiting for someone or something (contract). */
const UNDER_WAY = ["queued", "sending", "paused"];
const WAITING = ["awaiting_approval", "scheduled", "canary_hold", "preparing"];
const SHOWN = 10;

export type WaitingSend = {
  id: number;
  kind: string;
  status: string;
  subject: string;
  total: number;
};

async function sendsByStatus(deps: Deps, statuses: string[]) {
  // The status column's enum grows with the contract; the filter takes the names as they are.
  const column = sends.status as unknown as Parameters<typeof inArray>[0];
  return deps.db
    .select({
      id: sends.id,
      kind: sends.kind,
      status: sends.status,
      subject: sends.subject,
      total: sends.total,
    })
    .from(sends)
    .where(inArray(column, statuses))
    .orderBy(desc(sends.id))
    .limit(SHOWN);
}

async function listsWithCounts(deps: Deps) {
  const rows = await deps.db
    .select({ id: lists.id, name: lists.name })
    .from(lists)
    .where(isNull(lists.archivedAt))
    .orderBy(lists.id);
  return Promise.all(
    rows.map(async (l) => ({
      ...l,
      counts: (await countsByState(deps, l.id)) as Record<ConsentState, number>,
    })),
  );
}

export async function dashboard(deps: Deps) {
  const [state, underWay, waiting, deliverability, openIncidents, openPolls, lists] =
    await Promise.all([
      sendingStateOf(deps.db),
      sendsByStatus(deps, UNDER_WAY),
      sendsByStatus(deps, WAITING),
      deliverabilityOverDays(deps, 7),
      deps.db
        .select({ id: incidents.id, title: incidents.title, status: incidents.status })
        .from(incidents)
        .where(isNull(incidents.resolvedAt))
        .orderBy(desc(incidents.id))
        .limit(SHOWN),
      openPollsNow(deps),
      listsWithCounts(deps),
    ]);
  const progress = (await Promise.all(underWay.map((s) => sendProgress(deps, s.id)))).filter(
    (p): p is SendProgress => p !== undefined,
  );
  return {
    state,
    progress,
    waiting: waiting as WaitingSend[],
    deliverability,
    incidents: openIncidents,
    polls: openPolls.map((p) => ({ id: p.id, question: p.question })),
    lists,
  };
}

export type Dashboard = Awaited<ReturnType<typeof dashboard>>;
