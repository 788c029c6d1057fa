// `npm run bench -- status`: GET / (the status home) and GET /incidents/:slug on Node against a
// bare Hono hello-world measured in the same rounds (autocannon, 50 connections, median of the
// rounds' ratios; target ≥ 60 %). The data is a realistic page: four components in two groups
// with 90 days of history, an open incident, a resolved one and a scheduled maintenance.
// Requests carry a browser's Accept-Encoding and Accept-Language (the target is judged on them);
// the same pages asked without Accept-Encoding, and the home's very response (gzipped bytes and
// headers) answered by a bare Hono, are reference lines: the latter is what its size alone costs.
//
// The servers run in a child process so that autocannon (this process) never shares their event
// loop; all of them listen on 127.0.0.1 only. Total time is about half a minute.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";

const CONNECTIONS = 50;
const SECONDS = 2;
const ROUNDS = 5;
const SERVER_FLAG = "RELANCE_BENCH_STATUS_SERVER";
const TARGET = 0.6;

type Ports = {
  app: number;
  hello: number;
  sameBytes: number;
  incident: string;
  homeBytes: number;
  homeGzipBytes: number;
};

/** What a browser sends that changes the answer (Chrome's Accept-Encoding). */
const BROWSER = {
  "accept-encoding": "gzip, deflate, br, zstd",
  "accept-language": "fr-FR,fr;q=0.9",
};

/** Child process: the real app with a status page worth reading, and the baseline. */
async function serveAll(): Promise<void> {
  const [{ serve }, { createClient }, { Hono }, { boot }, { parseConfig }, { createNodeApp }] =
    await Promise.all([
      import("@hono/node-server"),
      import("@libsql/client"),
      import("hono"),
      import("../src/boot"),
      import("../src/config"),
      import("../src/node"),
    ]);
  const [{ createComponent }, { createIncident, postUpdate }, { createMaintenance }] =
    await Promise.all([
      import("../src/status/components"),
      import("../src/incidents/service"),
      import("../src/status/maintenance"),
    ]);
  const dir = mkdtempSync(join(tmpdir(), "relance-bench-"));
  const url = `file:${join(dir, "bench.db")}`;
  const config = parseConfig(
    {
      DATABASE_URL: url,
      SEED: "none",
      SECRET_KEY: "bench-secret-key-that-is-at-least-32-chars",
      ADMIN_EMAIL: "admin@bench.example",
      ADMIN_PASSWORD: "bench password",
    },
    "node",
  );
  const client = createClient({ url });
  const now = Date.now();
  const day = 24 * 3600_000;
  let at = now - 100 * day;
  const clock = { now: () => new Date(at) };
  const { deps } = await boot(config, client, { clock });
  for (const [slug, name, group] of [
    ["site-web", "Site des Nets d'Or", "Public"],
    ["votes", "Votes et sondages", "Public"],
    ["messagerie", "Messagerie", "Courrier"],
    ["liste-participants", "Liste des participants", "Courrier"],
  ] as const) {
    await createComponent(deps, { slug, name, group, description: null });
  }
  const base = {
    impact: "major" as const,
    title_en: null,
    body_en: null,
    services: [],
    notify: false,
  };
  at = now - 40 * day;
  const old = await createIncident(deps, {
    ...base,
    slug: "envoi-massif",
    title: "Envoi massif à la liste des participants",
    status: "identified",
    body: "Toute réponse partait à toute la liste.",
    components: [
      { slug: "messagerie", status: "major_outage" },
      { slug: "liste-participants", status: "partial_outage" },
    ],
  });
  at = now - 39 * day;
  if (old.ok) {
    await postUpdate(deps, old.incident.id, {
      status: "resolved",
      body: "Résolu.",
      body_en: null,
      components: [],
      notify: false,
    });
  }
  at = now - 3600_000;
  const open = await createIncident(deps, {
    ...base,
    slug: "votes-lents",
    title: "Les votes sont lents",
    status: "investigating",
    body: "Nous cherchons la cause.",
    components: [{ slug: "votes", status: "degraded" }],
  });
  if (!open.ok) throw new Error("could not create the bench incident");
  await createMaintenance(deps, {
    title: "Mise à jour du serveur de messagerie",
    body: "Coupure d'une heure au plus.",
    starts_at: new Date(now + 5 * day).toISOString(),
    ends_at: new Date(now + 5 * day + 3600_000).toISOString(),
    components: ["messagerie"],
    notify: false,
  });
  at = now;
  const app = createNodeApp(deps);
  const hello = new Hono().get("/", (c) => c.text("Hello, World!"));
  const listen = (fetch: (r: Request) => Response | Promise<Response>) =>
    new Promise<number>((resolve) => {
      const server = serve({ fetch, port: 0, hostname: "127.0.0.1" }, (info) => resolve(info.port));
      process.on("SIGTERM", () => server.close());
    });
  // The clock moves on with real time from here, so the page memory expires every second.
  const offset = Date.now() - now;
  deps.clock.now = () => new Date(Date.now() - offset);
  const home = new Uint8Array(await (await app.request("/")).arrayBuffer());
  const zipped = await app.request("/", { headers: BROWSER });
  const zippedBody = new Uint8Array(await zipped.arrayBuffer());
  // The very response a browser gets for the home (bytes and headers) from a bare Hono: what its
  // size alone costs, the ceiling of any app serving it (reference line).
  const headers = Object.fromEntries(zipped.headers);
  const sameBytes = new Hono().get("/", () => new Response(zippedBody, { headers }));
  const ports: Ports = {
    app: await listen(app.fetch),
    hello: await listen(hello.fetch),
    sameBytes: await listen(sameBytes.fetch),
    incident: open.incident.slug,
    homeBytes: home.byteLength,
    homeGzipBytes: zippedBody.byteLength,
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

const run = (url: string, headers: Record<string, string> = BROWSER) =>
  new Promise<autocannon.Result>((resolve, reject) =>
    autocannon({ url, headers, connections: CONNECTIONS, duration: SECONDS }, (err, result) =>
      err ? reject(err) : resolve(result),
    ),
  );

const rate = (r: autocannon.Result) => r.requests.total / r.duration;

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

type Measure = {
  name: string;
  port: number;
  path: string;
  headers: Record<string, string>;
  /** Judged against the target; otherwise a reference line. */
  judged: boolean;
};

function measuresOf(ports: Ports): Measure[] {
  const incident = `/incidents/${ports.incident}`;
  return [
    { name: "GET / (status home)", port: ports.app, path: "/", headers: BROWSER, judged: true },
    {
      name: "GET /incidents/:slug",
      port: ports.app,
      path: incident,
      headers: BROWSER,
      judged: true,
    },
    { name: "GET /, no Accept-Encoding", port: ports.app, path: "/", headers: {}, judged: false },
    {
      name: "GET /incidents/:slug, no Accept-Encoding",
      port: ports.app,
      path: incident,
      headers: {},
      judged: false,
    },
    {
      name: "the home's response from a bare Hono",
      port: ports.sameBytes,
      path: "/",
      headers: BROWSER,
      judged: false,
    },
  ];
}

type Rounds = { rates: number[]; ratios: number[]; bad: number };

/** Each measure right after its own hello-world (the machine is shared and noisy), ROUNDS times. */
async function measureRounds(ports: Ports, measures: Measure[]) {
  const url = (port: number, path = "/") => `http://127.0.0.1:${port}${path}`;
  // Warm up the JIT and the database file on every path, briefly.
  await run(url(ports.hello));
  for (const m of measures) await run(url(m.port, m.path), m.headers);
  const hello: number[] = [];
  const rounds: Rounds[] = measures.map(() => ({ rates: [], ratios: [], bad: 0 }));
  for (let round = 0; round < ROUNDS; round++) {
    for (const [i, m] of measures.entries()) {
      const base = rate(await run(url(ports.hello), m.headers));
      hello.push(base);
      const r = await run(url(m.port, m.path), m.headers);
      const into = rounds[i] as Rounds;
      into.rates.push(rate(r));
      into.ratios.push(rate(r) / base);
      into.bad += r.non2xx + r.errors;
    }
  }
  return { hello, rounds };
}

export default async function bench(): Promise<void> {
  const { child, ports } = await startServers();
  try {
    const measures = measuresOf(ports);
    const { hello, rounds } = await measureRounds(ports, measures);
    const pct = (x: number) => `${(x * 100).toFixed(0)}%`;
    const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
    const lines = [
      "| measure | requests/s (median) | median of the rounds' ratios | per round | target |",
      "| --- | ---: | ---: | --- | --- |",
      `| bare Hono hello-world | ${median(hello).toFixed(0)} | | ${hello.map((h) => h.toFixed(0)).join(", ")} | |`,
      ...measures.map((m, i) => {
        const r = rounds[i] as Rounds;
        const ratio = median(r.ratios);
        const verdict = m.judged ? `≥ ${pct(TARGET)} ${ratio >= TARGET ? "✓" : "✗"}` : "reference";
        return `| ${m.name} | ${median(r.rates).toFixed(0)} | ${pct(ratio)} | ${r.ratios.map(pct).join(", ")} | ${verdict} |`;
      }),
      "",
      `Home page ${kb(ports.homeBytes)}, ${kb(ports.homeGzipBytes)} gzipped. Errors or non-2xx: ${rounds.map((r) => r.bad).join(" / ")}. ` +
        `${CONNECTIONS} connections, ${ROUNDS} rounds of ${SECONDS} s per measure, Node ${process.version}; ` +
        `judged requests send accept-encoding: ${BROWSER["accept-encoding"]}.`,
    ];
    console.log(lines.join("\n"));
  } finally {
    child.kill("SIGTERM");
  }
}

if (process.env[SERVER_FLAG]) await serveAll();
