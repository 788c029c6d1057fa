// `npm run bench -- polls`: GET /polls/:slug and POST /polls/:slug/vote on Node, each against its
// own baseline measured in the same run (a bare Hono hello-world; a bare Hono handler doing one
// INSERT into the same libSQL file), then checks that the tally equals the votes accepted.
//
// The servers run in a child process so that autocannon (this process) never shares their event
// loop; all of them listen on 127.0.0.1 only. Total time is about a minute.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { signInvitation } from "../src/polls/invitation";

const CONNECTIONS = 50;
const SECONDS = 2;
const ROUNDS = 5;
const SERVER_FLAG = "RELANCE_BENCH_POLLS_SERVER";

type Ports = {
  app: number;
  hello: number;
  copy: number;
  insert: number;
  /** The app process's resident memory, on demand. */
  stats: number;
  slug: string;
  options: number[];
  /** A vote form's signed render time, old enough to pass the minimum fill time. */
  formStarted: string;
  /** The invite-only poll voted on through signed links, and its options. */
  invited: { id: number; slug: string; options: number[] };
};

const SECRET_KEY = "bench-secret-key-that-is-at-least-32-chars";

/** Child process: the real app, the two baselines, and a poll to vote on. */
async function serveAll(): Promise<void> {
  const [
    { serve },
    { createClient },
    { Hono },
    { boot },
    { parseConfig },
    { createNodeApp },
    { createPoll },
    { signFormStart },
    { createList },
  ] = await Promise.all([
    import("@hono/node-server"),
    import("@libsql/client"),
    import("hono"),
    import("../src/boot"),
    import("../src/config"),
    import("../src/node"),
    import("../src/polls/service"),
    import("../src/polls/bot-check"),
    import("../src/lists/service"),
  ]);
  const dir = mkdtempSync(join(tmpdir(), "relance-bench-"));
  const url = `file:${join(dir, "bench.db")}`;
  const config = parseConfig(
    {
      DATABASE_URL: url,
      SEED: "none",
      SECRET_KEY,
      // Voters come through a proxy on this machine: X-Forwarded-For names each one (otherwise
      // every vote is 127.0.0.1's, and the per-address limit refuses all but the first 120).
      TRUSTED_PROXIES: "127.0.0.1",
      ADMIN_EMAIL: "admin@bench.example",
      ADMIN_PASSWORD: "bench password",
    },
    "node",
  );
  const client = createClient({ url });
  const { deps } = await boot(config, client);
  const poll = await createPoll(deps, {
    slug: "bench",
    question: "Que doit-on faire de lui ?",
    question_en: null,
    options: [
      "Le pardonner",
      "Lui confisquer son clavier",
      "Le priver de café",
      "Le renvoyer",
      "La pendaison",
    ],
    options_en: null,
    closes_at: null,
    incident_slug: null,
    results_visibility: "always",
    max_choices: 1,
    audience: "public",
    list_id: null,
  });
  // The INSERT baseline writes into a poll of its own so the checked tally stays exact.
  const other = await createPoll(deps, {
    slug: "baseline",
    question: "Baseline",
    question_en: null,
    options: ["A", "B"],
    options_en: null,
    closes_at: null,
    incident_slug: null,
    results_visibility: "always",
    max_choices: 1,
    audience: "public",
    list_id: null,
  });
  // Invite-only: each request a different invited person's link (signed for any contact id).
  const list = await createList(deps, "bench", {
    slug: "bench-voters",
    name: "Bench voters",
    purpose: "Vote.",
  });
  if (!list.ok) throw new Error("could not create the bench list");
  const invited = await createPoll(deps, {
    slug: "bench-invited",
    question: "Invited?",
    question_en: null,
    options: ["Oui", "Non"],
    options_en: null,
    closes_at: null,
    incident_slug: null,
    results_visibility: "always",
    max_choices: 1,
    audience: "list",
    list_id: list.list.id,
  });
  if (!poll.ok || !other.ok || !invited.ok) throw new Error("could not create the bench polls");
  const baselinePoll = other.created.poll.id;
  const baselineOption = other.created.options[0]?.id ?? 0;

  const hello = new Hono().get("/", (c) => c.text("Hello, World!"));
  let n = 0;
  const insert = new Hono().post("/vote", async (c) => {
    n++;
    await client.execute({
      sql: "INSERT INTO poll_votes (poll_id, option_id, voter, ip_hash, created_at) VALUES (?, ?, ?, ?, ?)",
      args: [baselinePoll, baselineOption, `baseline-${n}`, "baseline", new Date().toISOString()],
    });
    return c.text("ok");
  });
  const stats = new Hono().get("/", (c) => c.json({ rss: process.memoryUsage().rss }));
  const app = createNodeApp(deps);
  // For reference: the very bytes and headers of the page, from a bare handler (no cookie signed).
  const sample = await app.request(`/polls/${poll.created.poll.slug}`);
  const copyHeaders = Object.fromEntries(sample.headers);
  const copyBody = new Uint8Array(await sample.arrayBuffer());
  const copy = new Hono().get("/", () => new Response(copyBody, { headers: copyHeaders }));
  const listen = (fetch: (r: Request) => Response | Promise<Response>) =>
    new Promise<number>((resolve) => {
      const server = serve({ fetch, port: 0, hostname: "127.0.0.1" }, (info) => resolve(info.port));
      process.on("SIGTERM", () => server.close());
    });
  const ports: Ports = {
    app: await listen(app.fetch),
    hello: await listen(hello.fetch),
    copy: await listen(copy.fetch),
    insert: await listen(insert.fetch),
    stats: await listen(stats.fetch),
    slug: poll.created.poll.slug,
    options: poll.created.options.map((o) => o.id),
    formStarted: signFormStart(deps, new Date(Date.now() - 60_000)),
    invited: {
      id: invited.created.poll.id,
      slug: invited.created.poll.slug,
      options: invited.created.options.map((o) => o.id),
    },
  };
  process.on("SIGTERM", () => {
    client.close();
    rmSync(dir, { recursive: true, force: true });
    process.exit(0);
  });
  console.log(JSON.stringify(ports));
}

function startServers(): Promise<{ child: ChildProcess; ports: Ports }> {
  const child = spawn(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url)], {
    env: { ...process.env, [SERVER_FLAG]: "1" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`bench server exited with ${code}`)));
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).once("line", (line) =>
      resolve({ child, ports: JSON.parse(line) as Ports }),
    );
  });
}

const run = (opts: autocannon.Options) =>
  new Promise<autocannon.Result>((resolve, reject) =>
    autocannon({ connections: CONNECTIONS, ...opts }, (err, result) =>
      err ? reject(err) : resolve(result),
    ),
  );

/** How many INSERT-baseline requests take about SECONDS on this machine right now. */
async function probeAmount(url: string): Promise<number> {
  const probe = await run({ url, method: "POST", duration: 1 });
  return Math.max(300, Math.round((probe.requests.total / probe.duration) * SECONDS));
}

const statusCount = (r: autocannon.Result, status: number) =>
  r.statusCodeStats?.[`${status}` as `${number}`]?.count ?? 0;

/** Adds up several runs of one measure. */
class Measure {
  requests = 0;
  seconds = 0;
  results: autocannon.Result[] = [];
  add(r: autocannon.Result) {
    this.requests += r.requests.total;
    this.seconds += r.duration;
    this.results.push(r);
  }
  get rate() {
    return this.requests / this.seconds;
  }
  /** Requests per second in round `i`. */
  rateIn(i: number) {
    const r = this.results[i];
    return r ? r.requests.total / r.duration : 0;
  }
  /** The median over the rounds of this measure's rate against `base`'s in the same round. */
  medianRatio(base: Measure) {
    const ratios = this.results
      .map((_, i) => this.rateIn(i) / base.rateIn(i))
      .sort((a, b) => a - b);
    const mid = ratios.length >> 1;
    return ratios.length % 2
      ? (ratios[mid] ?? 0)
      : ((ratios[mid - 1] ?? 0) + (ratios[mid] ?? 0)) / 2;
  }
  sum(pick: (r: autocannon.Result) => number) {
    return this.results.reduce((total, r) => total + pick(r), 0);
  }
}

const STREAMS = 1000;
const LIVE_SECONDS = 6;

/** One open /events stream: when each `results` event arrived. */
async function watch(url: string, arrivals: number[], stop: AbortSignal): Promise<void> {
  const res = await fetch(url, { signal: stop });
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let end = buffer.indexOf("\n\n");
      while (end >= 0) {
        if (buffer.startsWith("event: results")) arrivals.push(Date.now());
        buffer = buffer.slice(end + 2);
        end = buffer.indexOf("\n\n");
      }
    }
  } catch {
    // aborted at the end of the measure
  }
}

/**
 * STREAMS open server-sent event streams on the bench poll while votes arrive at the bench's
 * rate for LIVE_SECONDS: each stream should get an update at least once a second (and at most
 * about once a second, the throttle), and the app's memory is read while they are open.
 */
async function measureLiveStreams(ports: Ports, vote: () => Promise<autocannon.Result>) {
  const base = `http://127.0.0.1:${ports.app}`;
  const rss = async () =>
    ((await (await fetch(`http://127.0.0.1:${ports.stats}/`)).json()) as { rss: number }).rss;
  const before = await rss();
  const stop = new AbortController();
  const arrivals = Array.from({ length: STREAMS }, () => [] as number[]);
  const watching = arrivals.map((a) => watch(`${base}/polls/${ports.slug}/events`, a, stop.signal));
  await new Promise((r) => setTimeout(r, 2000)); // all streams open, first event received
  const start = Date.now();
  const voting = vote();
  const peak: number[] = [];
  const sampler = setInterval(() => void rss().then((n) => peak.push(n)), 1000);
  const result = await voting;
  const end = Date.now();
  clearInterval(sampler);
  peak.push(await rss());
  stop.abort();
  await Promise.all(watching);
  const during = arrivals.map((a) => a.filter((t) => t >= start && t <= end));
  const counts = during.map((a) => a.length).sort((x, y) => x - y);
  const gaps = during.map((a) =>
    Math.max(...a.map((t, i) => t - (a[i - 1] ?? start)), end - (a.at(-1) ?? start)),
  );
  const worstGap = Math.max(...gaps);
  const seconds = (end - start) / 1000;
  const mb = (n: number) => `${(n / 1024 / 1024).toFixed(0)} MB`;
  return [
    `Live: ${STREAMS} open streams on /polls/:slug/events while ${result.requests.total} votes arrived over ${seconds.toFixed(1)} s (${(result.requests.total / result.duration).toFixed(0)}/s): updates per stream min ${counts[0]}, median ${counts[counts.length >> 1]}, max ${counts.at(-1)}; the longest wait for an update on any stream ${worstGap} ms (target ≤ 1 s plus delivery ${worstGap <= 1500 ? "✓" : "✗"}). App RSS ${mb(before)} before the streams, peak ${mb(Math.max(...peak))} with them open.`,
  ];
}

export default async function bench(): Promise<void> {
  const { child, ports } = await startServers();
  try {
    const base = (port: number) => `http://127.0.0.1:${port}`;

    // Warm up the JIT and the database file on every path, briefly.
    await run({ url: `${base(ports.hello)}/`, duration: 1 });
    await run({ url: `${base(ports.app)}/polls/${ports.slug}`, duration: 1 });

    // The machine is shared and noisy: each measure alternates with its baseline, in rounds.
    const hello = new Measure();
    const copy = new Measure();
    const floor = new Measure();
    const page = new Measure();
    const insert = new Measure();
    const votes = new Measure();
    const invitedVotes = new Measure();
    let i = 0;
    let invitedSent = 0;
    let sent = 0;
    let amount = 0;
    // Distinct voters (no cookie: each request is a new browser) from distinct addresses (so
    // the per-address limit does not apply), each sending a form rendered a minute ago.
    const voteRun = (size: { amount: number }) =>
      run({
        url: `${base(ports.app)}/polls/${ports.slug}/vote`,
        ...size,
        requests: [
          {
            method: "POST",
            setupRequest: (req) => {
              i++;
              return {
                ...req,
                headers: {
                  "Content-Type": "application/x-www-form-urlencoded",
                  Origin: base(ports.app),
                  "X-Forwarded-For": `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
                },
                body: `option=${ports.options[i % ports.options.length]}&form_started=${ports.formStarted}`,
              };
            },
          },
        ],
      });
    // Invite-only: each request is another invited person's voting link (no cookie, no form time).
    const invitedRun = (size: { amount: number }) =>
      run({
        url: `${base(ports.app)}/`,
        ...size,
        requests: [
          {
            method: "POST",
            setupRequest: (req) => {
              i++;
              const token = signInvitation(SECRET_KEY, { pollId: ports.invited.id, contactId: i });
              return {
                ...req,
                path: `/v/${token}`,
                headers: {
                  "Content-Type": "application/x-www-form-urlencoded",
                  Origin: base(ports.app),
                  "X-Forwarded-For": `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
                },
                body: `option=${ports.invited.options[i % ports.invited.options.length]}`,
              };
            },
          },
        ],
      });
    for (let round = 0; round < ROUNDS; round++) {
      // The page right after its baseline: the machine's load drifts from one second to the next.
      hello.add(await run({ url: `${base(ports.hello)}/`, duration: SECONDS }));
      page.add(await run({ url: `${base(ports.app)}/polls/${ports.slug}`, duration: SECONDS }));
      copy.add(await run({ url: `${base(ports.copy)}/`, duration: SECONDS }));
      floor.add(await run({ url: `${base(ports.app)}/no-such-page`, duration: SECONDS }));
      // Votes run a fixed amount, so that both sides count every answer (none cut off in flight);
      // their baseline runs the same amount, so both carry the same ramp-down at the end.
      amount ||= await probeAmount(`${base(ports.insert)}/vote`);
      insert.add(await run({ url: `${base(ports.insert)}/vote`, method: "POST", amount }));
      sent += amount;
      votes.add(await voteRun({ amount }));
      invitedSent += amount;
      invitedVotes.add(await invitedRun({ amount }));
    }
    // Then the live streams, while votes keep arriving (counted in the tally check too).
    let liveAccepted = 0;
    // A fixed amount (about LIVE_SECONDS at the rate measured), so no answer is cut off in flight.
    const liveAmount = Math.round(votes.rate * LIVE_SECONDS);
    const liveLines = await measureLiveStreams(ports, async () => {
      const r = await voteRun({ amount: liveAmount });
      liveAccepted += statusCount(r, 303);
      return r;
    });
    const tally = (await (
      await fetch(`${base(ports.app)}/polls/${ports.slug}/results`, {
        headers: { Accept: "application/json" },
      })
    ).json()) as { total: number };

    const accepted = votes.sum((r) => statusCount(r, 303)) + liveAccepted;
    const invitedTally = (await (
      await fetch(`${base(ports.app)}/polls/${ports.invited.slug}/results`, {
        headers: { Accept: "application/json" },
      })
    ).json()) as { total: number };
    const invitedAccepted = invitedVotes.sum((r) => statusCount(r, 303));
    const invitedRatio = invitedVotes.rate / insert.rate;
    const pageRatio = page.rate / hello.rate;
    const pct = (ratio: number) => `${(ratio * 100).toFixed(0)}%`;
    const voteRatio = votes.rate / insert.rate;
    const lines = [
      "| measure | requests/s | ratio | median of the rounds' ratios | target |",
      "| --- | ---: | ---: | ---: | --- |",
      `| bare Hono hello-world | ${hello.rate.toFixed(0)} | | | |`,
      `| GET /polls/:slug (new visitor: cookie signed, page rendered) | ${page.rate.toFixed(0)} | ${pct(pageRatio)} | ${pct(page.medianRatio(hello))} | ≥ 50% ${pageRatio >= 0.5 ? "✓" : "✗"} |`,
      `| the page's own bytes and headers from a bare handler (for reference: the transport's share) | ${copy.rate.toFixed(0)} | ${pct(copy.rate / hello.rate)} | ${pct(copy.medianRatio(hello))} | |`,
      `| GET of an unknown path through the app (shared middleware and a 404, for reference) | ${floor.rate.toFixed(0)} | ${pct(floor.rate / hello.rate)} | | |`,
      `| bare Hono handler, one INSERT | ${insert.rate.toFixed(0)} | | | |`,
      `| POST /polls/:slug/vote, distinct voters | ${votes.rate.toFixed(0)} | ${pct(voteRatio)} | ${pct(votes.medianRatio(insert))} | ≥ 60% ${voteRatio >= 0.6 ? "✓" : "✗"} |`,
      `| POST /v/:token, invite-only, distinct signed links | ${invitedVotes.rate.toFixed(0)} | ${pct(invitedRatio)} | ${pct(invitedVotes.medianRatio(insert))} | ≥ 60% ${invitedRatio >= 0.6 ? "✓" : "✗"} |`,
      "",
      `Invited votes: ${invitedSent} sent, ${invitedAccepted} accepted (303), ${invitedVotes.sum((r) => r.errors)} errors; final tally ${invitedTally.total} (${invitedTally.total === invitedAccepted ? "0 lost, 0 double ✓" : `MISMATCH by ${invitedTally.total - invitedAccepted} ✗`}).`,
      `Votes: ${sent} sent in the rounds, ${accepted - liveAccepted} accepted (303), ${votes.sum((r) => r.non2xx) - (accepted - liveAccepted)} other non-2xx, plus ${liveAccepted} accepted during the live measure; ${votes.sum((r) => r.errors)} errors, ${votes.sum((r) => r.timeouts)} timeouts; final tally ${tally.total} (${tally.total === accepted ? "0 lost, 0 double ✓" : `MISMATCH by ${tally.total - accepted} ✗`}).`,
      `Page per round (req/s, and against that round's hello-world): ${page.results.map((r, i) => `${Math.round(r.requests.total / r.duration)} (${Math.round((r.requests.total / r.duration / ((hello.results[i]?.requests.total ?? 0) / (hello.results[i]?.duration ?? 1))) * 100)} %)`).join(", ")}.`,
      `Page: ${page.sum((r) => r.non2xx)} non-2xx, ${page.sum((r) => r.errors)} errors. ${CONNECTIONS} connections, ${ROUNDS} rounds of ${SECONDS} s per measure, Node ${process.version}.`,
    ];
    console.log([...lines, ...liveLines].join("\n"));
    if (tally.total !== accepted || invitedTally.total !== invitedAccepted) process.exitCode = 1;
  } finally {
    child.kill("SIGTERM");
  }
}

if (process.env[SERVER_FLAG]) await serveAll();
