// `npm run bench -- idle`: the built server (`npm run build`) started as `npm run start:prod`
// starts it (its node flags and environment settings), on a new database with the demo seeded,
// left alone; its memory is sampled from /proc/PID/smaps_rollup after 60 s (target: RSS ≤ 100 MB).
// It runs under two Node.js executables when they differ: the one a production install runs (the
// first `node` on PATH outside node_modules/.bin: after `npm ci --omit=dev` there is no other),
// and the development one the bench runs on (the `node` devDependency, Node 22).
// BENCH_IDLE_SECONDS changes the wait; BENCH_IDLE_FLAGS replaces the node flags (to try others).
import { execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { accessSync, constants, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { productionNodeCommand } from "./bundle";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 60);
const TARGET_MB = 100;

const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitUntilUp(url: string, child: { exitCode: number | null }) {
  for (const deadline = Date.now() + 60_000; Date.now() < deadline; await sleep(200)) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`);
    const res = await fetch(url).catch(() => undefined);
    if (res) return res;
  }
  throw new Error("the server did not answer within 60 s");
}

/** The process's memory by kind, in MB, from the kernel's summary of its mappings. */
function smapsRollup(pid: number) {
  const kb = Object.fromEntries(
    readFileSync(`/proc/${pid}/smaps_rollup`, "utf8")
      .split("\n")
      .flatMap((line) => {
        const m = /^(\w+):\s+(\d+) kB/.exec(line);
        return m ? [[m[1] as string, Number(m[2])]] : [];
      }),
  ) as Record<string, number>;
  const mb = (n = 0) => n / 1024;
  return {
    rss: mb(kb.Rss),
    fileBacked: mb((kb.Rss ?? 0) - (kb.Anonymous ?? 0)),
    anonymous: mb(kb.Anonymous),
    shared: mb((kb.Shared_Clean ?? 0) + (kb.Shared_Dirty ?? 0)),
    private: mb((kb.Private_Clean ?? 0) + (kb.Private_Dirty ?? 0)),
  };
}

/** The `node` a production install runs: the first on PATH outside any node_modules/.bin. */
function productionNode(): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    if (!dir || dir.includes(`${sep}node_modules${sep}`)) continue;
    try {
      accessSync(join(dir, "node"), constants.X_OK);
      return join(dir, "node");
    } catch {}
  }
  return undefined;
}

export default async function run() {
  await promisify(execFile)(process.execPath, ["scripts/build.mjs"], { cwd: ROOT });
  const nodes = [productionNode(), process.execPath].filter((n): n is string => Boolean(n));
  for (const node of new Set(nodes)) await measure(node);
}

async function measure(node: string) {
  const version = (await promisify(execFile)(node, ["--version"])).stdout.trim();
  const production = productionNodeCommand();
  const flags = process.env.BENCH_IDLE_FLAGS?.split(/\s+/).filter(Boolean) ?? production.flags;
  const dir = mkdtempSync(join(tmpdir(), "relance-bench-idle-"));
  const port = await freePort();
  const child = spawn(node, [...flags, join(ROOT, "dist", "server.mjs")], {
    cwd: dir,
    env: {
      PATH: process.env.PATH ?? "",
      ...production.env,
      DATABASE_URL: `file:${join(dir, "relance.db")}`,
      PORT: String(port),
      SEED: "demo",
      SECRET_KEY: "bench-secret-key-that-is-at-least-32-chars",
      ADMIN_EMAIL: "admin@bench.example",
      ADMIN_PASSWORD: "bench password",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  try {
    const started = Date.now();
    await waitUntilUp(`http://127.0.0.1:${port}/`, child);
    await sleep(Math.max(0, IDLE_SECONDS * 1000 - (Date.now() - started)));
    const m = smapsRollup(child.pid as number);
    const fmt = (n: number) => `${n.toFixed(1)} MB`;
    console.log(
      `${node} (${version}) ${flags.join(" ")}, ${Object.entries(production.env)
        .map(([k, v]) => `${k}=${v}`)
        .join(" ")}; sampled ${IDLE_SECONDS} s after start`,
    );
    console.log(
      `idle RSS ${fmt(m.rss)} (target ≤ ${TARGET_MB} MB): file-backed ${fmt(m.fileBacked)}, anonymous ${fmt(m.anonymous)}; shared ${fmt(m.shared)}, private ${fmt(m.private)}`,
    );
  } finally {
    const exited = once(child, "exit");
    child.kill("SIGTERM");
    await exited;
    rmSync(dir, { recursive: true, force: true });
  }
}
