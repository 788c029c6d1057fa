// `npm run bench -- status`: GET / (the status home) and GET /incidents/:slug on Node against a
// bare Hono hello-world measured in the same rounds (autocannon, 50 connections, median of the
// rounds' ratios; target ≥ 60 %). The data is a realistic page: four components in two groups
// with 90 days of history, an open incident, a resolved one and a scheduled maintenance.
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

type Ports = { app: number; hello: number; incident: string; homeBytes: number };

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
  const homeBytes = (await (await app.request("/")).arrayBuffer()).byteLength;
  const ports: Ports = {
    app: await listen(app.fetch),
    hello: await listen(hello.fetch),
    incident: open.incident.slug,
    homeBytes,
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

const run = (url: string) =>
  new Promise<autocannon.Result>((resolve, reject) =>
    autocannon({ url, connections: CONNECTIONS, duration: SECONDS }, (err, result) =>
      err ? reject(err) : resolve(result),
    ),
  );

const rate = (r: autocannon.Result) => r.requests.total / r.duration;

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

export default async function bench(): Promise<void> {
  const { child, ports } = await startServers();
  try {
    const url = (port: number, path = "/") => `http://127.0.0.1:${port}${path}`;
    const pages = [
      { name: "GET / (status home)", path: "/" },
      { name: "GET /incidents/:slug", path: `/incidents/${ports.incident}` },
    ];
    // Warm up the JIT and the database file on every path, briefly.
    await run(url(ports.hello));
    for (const p of pages) await run(url(ports.app, p.path));
    const hello: number[] = [];
    const measured = pages.map(() => ({ rates: [] as number[], ratios: [] as number[], bad: 0 }));
    // The machine is shared and noisy: each page is measured right after its own hello-world.
    for (let round = 0; round < ROUNDS; round++) {
      for (const [i, p] of pages.entries()) {
        const base = rate(await run(url(ports.hello)));
        hello.push(base);
        const r = await run(url(ports.app, p.path));
        const m = measured[i] as (typeof measured)[number];
        m.rates.push(rate(r));
        m.ratios.push(rate(r) / base);
        m.bad += r.non2xx + r.errors;
      }
    }
    const pct = (x: number) => `${(x * 100).toFixed(0)}%`;
    const lines = [
      "| measure | requests/s (median) | median of the rounds' ratios | per round | target |",
      "| --- | ---: | ---: | --- | --- |",
      `| bare Hono hello-world | ${median(hello).toFixed(0)} | | ${hello.map((h) => h.toFixed(0)).join(", ")} | |`,
      ...pages.map((p, i) => {
        const m = measured[i] as (typeof measured)[number];
        const ratio = median(m.ratios);
        return `| ${p.name} | ${median(m.rates).toFixed(0)} | ${pct(ratio)} | ${m.ratios.map(pct).join(", ")} | ≥ ${pct(TARGET)} ${ratio >= TARGET ? "✓" : "✗"} |`;
      }),
      "",
      `Home page ${(ports.homeBytes / 1024).toFixed(1)} KB. Errors or non-2xx: ${measured.map((m) => m.bad).join(" / ")}. ${CONNECTIONS} connections, ${ROUNDS} rounds of ${SECONDS} s per measure, Node ${process.version}.`,
    ];
    console.log(lines.join("\n"));
  } finally {
    child.kill("SIGTERM");
  }
}

if (process.env[SERVER_FLAG]) await serveAll();
