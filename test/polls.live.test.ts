// GET /polls/:slug/events: the live stream of results on Node (opens, updates at most once a
// second per poll, closes when the poll closes, respects results visibility).
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createTestApp, type TestApp } from "./helpers";
import { castVote, newPoll, visitPoll } from "./poll-helpers";

let t: TestApp;
let bearer: string;

beforeAll(async () => {
  t = await createTestApp({ VOTE_LIMIT_PER_IP_PER_MINUTE: "1000" });
  bearer = await t.token();
});
afterAll(() => t.close());

/** Reads a text/event-stream body event by event; `next` gives undefined after `ms` of silence. */
function events(res: Response) {
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  let ended = false;
  const next = async (ms = 3000): Promise<{ event: string; data: string } | undefined> => {
    const deadline = Date.now() + ms;
    for (;;) {
      const end = buffer.indexOf("\n\n");
      if (end >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (block.startsWith(":")) continue; // keep-alive comment
        const event = /^event: (.*)$/m.exec(block)?.[1] ?? "message";
        const data = [...block.matchAll(/^data: (.*)$/gm)].map((m) => m[1]).join("\n");
        return { event, data };
      }
      if (ended) return undefined;
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      const chunk = await Promise.race([
        reader.read(),
        new Promise<"timeout">((r) => setTimeout(() => r("timeout"), left)),
      ]);
      if (chunk === "timeout") return undefined;
      if (chunk.done) ended = true;
      else buffer += decoder.decode(chunk.value, { stream: true });
    }
  };
  const isEnded = async () => (await next(1500)) === undefined && ended;
  return { next, isEnded, cancel: () => reader.cancel() };
}

const openStream = (slug: string, cookie?: string) =>
  t.request(`/polls/${slug}/events?lang=en`, cookie ? { headers: { Cookie: cookie } } : {});

describe("GET /polls/:slug/events", () => {
  test("opens a text/event-stream with the current results, then pushes new tallies", async () => {
    const poll = await newPoll(t, bearer, { results_visibility: "always" });
    const res = await openStream(poll.slug);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const stream = events(res);
    try {
      const first = await stream.next();
      expect(first?.event).toBe("results");
      expect(first?.data).toContain("0 votes in total");
      const voter = await visitPoll(t, poll.slug);
      await castVote(t, poll.slug, poll.options[2]?.id ?? 0, voter.cookie);
      const second = await stream.next();
      expect(second?.event).toBe("results");
      expect(second?.data).toContain("1 vote in total");
      expect(second?.data).toContain('aria-label="La pendaison: 1 vote, 100%"');
    } finally {
      await stream.cancel();
    }
  });

  test("sends at most one update a second per poll, however many votes arrive, and the last one has every vote", async () => {
    const poll = await newPoll(t, bearer, { results_visibility: "always" });
    const stream = events(await openStream(poll.slug));
    try {
      await stream.next(); // the current results
      const voters = await Promise.all(Array.from({ length: 8 }, () => visitPoll(t, poll.slug)));
      // Events are timed as they arrive, while the votes are cast.
      const received: { at: number; data: string }[] = [];
      const collecting = (async () => {
        for (;;) {
          const e = await stream.next(1800);
          if (!e) return;
          received.push({ at: Date.now(), data: e.data });
        }
      })();
      const started = Date.now();
      for (const v of voters) {
        await castVote(t, poll.slug, poll.options[0]?.id ?? 0, v.cookie);
        await new Promise((r) => setTimeout(r, 150));
      }
      const elapsed = Date.now() - started;
      await collecting;
      // Votes over `elapsed` ms: at most one update per second, the first one at once.
      expect(elapsed).toBeGreaterThan(1200);
      expect(received.length).toBeGreaterThanOrEqual(2);
      expect(received.length).toBeLessThanOrEqual(Math.ceil(elapsed / 1000) + 1);
      for (let i = 1; i < received.length; i++) {
        expect((received[i]?.at ?? 0) - (received[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(900);
      }
      expect(received.at(-1)?.data).toContain("8 votes in total");
    } finally {
      await stream.cancel();
    }
  });

  test("closes after the final tally when the poll is closed", async () => {
    const poll = await newPoll(t, bearer, { results_visibility: "always" });
    const stream = events(await openStream(poll.slug));
    await stream.next();
    await t.api(bearer, "POST", `/api/v1/polls/${poll.id}/close`);
    const last = await stream.next();
    expect(last?.event).toBe("results");
    expect(last?.data).not.toContain("hx-get"); // the closed results no longer refresh
    expect(await stream.isEnded()).toBe(true);
    // A closed poll's stream sends the results once and ends.
    const again = events(await openStream(poll.slug));
    expect((await again.next())?.event).toBe("results");
    expect(await again.isEnded()).toBe(true);
  });

  test("ends by itself at the poll's closing time, after the final tally", async () => {
    const closesAt = new Date(t.clock.now().getTime() + 1000).toISOString();
    const poll = await newPoll(t, bearer, { results_visibility: "always", closes_at: closesAt });
    const stream = events(await openStream(poll.slug));
    expect((await stream.next())?.data).toContain("hx-get"); // open: refreshes itself
    t.clock.advance(1500); // the app's clock passes the closing time
    const last = await stream.next(4000);
    expect(last?.event).toBe("results");
    expect(last?.data).not.toContain("hx-get");
    expect(await stream.isEnded()).toBe(true);
  });

  test("follows results visibility: 403 before voting (after_vote), 403 while open (after_close), 404 for no poll", async () => {
    const afterVote = await newPoll(t, bearer);
    expect((await openStream(afterVote.slug)).status).toBe(403);
    const voter = await visitPoll(t, afterVote.slug);
    await castVote(t, afterVote.slug, afterVote.options[0]?.id ?? 0, voter.cookie);
    const mine = await openStream(afterVote.slug, voter.cookie);
    expect(mine.status).toBe(200);
    await events(mine).cancel();
    const afterClose = await newPoll(t, bearer, { results_visibility: "after_close" });
    const v2 = await visitPoll(t, afterClose.slug);
    await castVote(t, afterClose.slug, afterClose.options[0]?.id ?? 0, v2.cookie);
    expect((await openStream(afterClose.slug, v2.cookie)).status).toBe(403);
    expect((await openStream("no-such-poll")).status).toBe(404);
  });

  test("the results block points to the stream and keeps polling as the fallback", async () => {
    const poll = await newPoll(t, bearer, { results_visibility: "always" });
    const html = (await visitPoll(t, poll.slug)).html;
    expect(html).toContain(`data-events="/polls/${poll.slug}/events?lang=fr"`);
    expect(html).toContain(`hx-get="/polls/${poll.slug}/results?lang=fr"`);
  });
});
