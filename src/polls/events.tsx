// The live stream of a poll's results (server-sent events, Node): one `results` event with the
// results fragment at once, then one after each change (at most one a second, see live.ts), and
// the stream ends after the final tally once the poll is closed.
import type { SSEStreamingApi } from "hono/streaming";
import type { Deps } from "../deps";
import type { Lang } from "../i18n";
import { isClosed, pollDefinition, resultsOf } from "./service";
import { LiveResults } from "./views";

/** Proxies and browsers drop a silent connection; a comment line now and then keeps it. */
const KEEP_ALIVE_MS = 25_000;
/** setTimeout's largest delay; a closing time further away is simply re-checked then. */
const MAX_TIMER_MS = 2_147_483_647;

type Frame = { html: string; closed: boolean; closesAt: string | null } | undefined;

/**
 * The fragment every watcher in this language is sent, rendered once per change for all of
 * them: the memory is forgotten on each vote, close and reopen, and on Node the watchers woken
 * together share its one load.
 */
const frameOf = (deps: Deps, slug: string, lang: Lang) =>
  deps.polls.cache.remember<Frame>(`live:${slug}:${lang}`, async () => {
    const definition = await pollDefinition(deps, slug);
    if (!definition) return { value: undefined };
    const { poll, options } = definition;
    const closed = isClosed(poll, deps.clock.now());
    const results = await resultsOf(deps, poll, options);
    const html = String(
      await (
        <LiveResults
          slug={slug}
          results={results}
          lang={lang}
          closed={closed}
          single={poll.maxChoices === 1}
        />
      ).toString(),
    );
    return { value: { html, closed, closesAt: poll.closesAt }, until: poll.closesAt };
  });

/** What wakes one watcher: a change told by the live hub (kept if it came while busy), or an abort. */
type Signal = { pending: boolean; wake?: () => void };

/** Resolves at the next change, the closing time, or the keep-alive, whichever comes first. */
function nextWake(deps: Deps, closesAt: string | null, signal: Signal) {
  return new Promise<"change" | "quiet">((resolve) => {
    const untilClose = closesAt ? Date.parse(closesAt) - deps.clock.now().getTime() : Infinity;
    const closing = untilClose <= Math.min(KEEP_ALIVE_MS, MAX_TIMER_MS);
    const delay = Math.max(0, closing ? untilClose : Math.min(KEEP_ALIVE_MS, MAX_TIMER_MS));
    const done = (why: "change" | "quiet") => {
      clearTimeout(timer);
      signal.wake = undefined;
      signal.pending = false;
      resolve(why);
    };
    if (signal.pending) return done("change");
    const timer = setTimeout(() => done(closing ? "change" : "quiet"), delay);
    signal.wake = () => done(signal.pending ? "change" : "quiet");
  });
}

/** Writes the stream until the poll closes or the client goes away. */
export async function streamResults(
  deps: Deps,
  stream: SSEStreamingApi,
  slug: string,
  lang: Lang,
): Promise<void> {
  const signal: Signal = { pending: false };
  const unsubscribe = deps.polls.live.subscribe(slug, () => {
    signal.pending = true;
    signal.wake?.();
  });
  stream.onAbort(() => signal.wake?.());
  try {
    let frame = await frameOf(deps, slug, lang);
    while (frame && !stream.aborted) {
      await stream.writeSSE({ event: "results", data: frame.html });
      if (frame.closed) return;
      const closesAt = frame.closesAt;
      while ((await nextWake(deps, closesAt, signal)) === "quiet") {
        if (stream.aborted) return;
        await stream.write(": keep-alive\n\n");
      }
      frame = await frameOf(deps, slug, lang);
    }
  } finally {
    unsubscribe();
  }
}
