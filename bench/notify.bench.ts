// `npm run bench -- notify`: posting an incident update that notifies 10,000 confirmed status
// subscribers, through POST /api/v1/incidents/:id/updates (app.request, in process). The request
// only enqueues (one outbox row per subscriber, in one statement); the dispatcher sends later.
// The contract: under 1 s. Five updates, the median reported.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@libsql/client";
import { boot } from "../src/boot";
import { parseConfig } from "../src/config";
import { createNodeApp } from "../src/node";
import { pageList } from "../src/subscriptions/lists";

const SUBSCRIBERS = Number(process.env.BENCH_SUBSCRIBERS ?? 10_000);
const ADMIN = { email: "admin@bench.example", password: "bench password" };

export default async function run() {
  const dir = mkdtempSync(join(tmpdir(), "relance-bench-notify-"));
  const url = `file:${join(dir, "bench.db")}`;
  const client = createClient({ url });
  try {
    const config = parseConfig(
      {
        DATABASE_URL: url,
        SEED: "none",
        SECRET_KEY: "bench-secret-key-that-is-at-least-32-chars",
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
      },
      "node",
    );
    const { deps } = await boot(config, client);
    const app = createNodeApp(deps);
    const call = (path: string, init: RequestInit) => app.request(`http://bench${path}`, init);
    const json = (token: string, body: unknown) => ({
      method: "POST",
      headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
      body: JSON.stringify(body),
    });
    const { token } = (await (await call("/api/v1/tokens", json("", ADMIN))).json()) as {
      token: string;
    };
    const list = await pageList(deps);
    const now = new Date().toISOString();
    await client.execute(`WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${SUBSCRIBERS})
      INSERT INTO contacts (email, email_key, email_hash, attributes, created_at, updated_at)
      SELECT 's' || i || '@example.org', 's' || i || '@example.org', hex(randomblob(32)),
             '{"language":"en"}', '${now}', '${now}' FROM n`);
    await client.execute(`INSERT INTO list_members (list_id, contact_id, status, updated_at)
      SELECT ${list.id}, id, 'confirmed', '${now}' FROM contacts`);
    const created = await call(
      "/api/v1/incidents",
      json(token, {
        slug: "bench",
        title: "Bench",
        status: "investigating",
        impact: "minor",
        body: "Bench.",
        notify: false,
      }),
    );
    const { id } = (await created.json()) as { id: number };
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const start = performance.now();
      const res = await call(
        `/api/v1/incidents/${id}/updates`,
        json(token, { status: "identified", body: `Update ${i}.` }),
      );
      times.push(performance.now() - start);
      if (res.status !== 201) throw new Error(`update answered ${res.status}`);
    }
    const queued = await client.execute("SELECT count(*) AS n FROM outbox_messages");
    const median = [...times].sort((a, b) => a - b)[2] ?? 0;
    console.log(
      `update notifying ${SUBSCRIBERS} subscribers: median ${median.toFixed(0)} ms (runs ${times.map((t) => t.toFixed(0)).join(", ")} ms); ${queued.rows[0]?.n} messages queued; contract < 1000 ms: ${median < 1000 ? "met" : "NOT met"}`,
    );
  } finally {
    client.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
