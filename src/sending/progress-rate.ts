// The rate and time left shown on a send's page: measured over the last 30 s of sending, so a
// fast first batch does not promise a rate the provider limit will never allow.
import type { Deps } from "../deps";
import { sentSince } from "./queries";
import type { SendProgress } from "./service";

const WINDOW_S = 30;
/** Under this much sending time the figure would be one batch's noise: "measuring…" instead. */
const MIN_MEASURE_S = 5;

export type ProgressRate =
  | { kind: "finished" }
  | { kind: "measuring" }
  | { kind: "paused" }
  | { kind: "rate"; perSecond: number; etaSeconds: number | null };

export async function progressRate(deps: Deps, p: SendProgress): Promise<ProgressRate> {
  if (p.status === "done" || p.status === "cancelled" || p.queued === 0)
    return { kind: "finished" };
  if (p.status === "paused") return { kind: "paused" };
  const now = deps.clock.now().getTime();
  const elapsed = (now - Date.parse(p.createdAt)) / 1000;
  if (!(elapsed >= MIN_MEASURE_S)) return { kind: "measuring" };
  const window = Math.min(WINDOW_S, elapsed);
  const since = new Date(now - window * 1000).toISOString();
  const perSecond = (await sentSince(deps.db, p.id, since)) / window;
  return { kind: "rate", perSecond, etaSeconds: perSecond > 0 ? p.queued / perSecond : null };
}
