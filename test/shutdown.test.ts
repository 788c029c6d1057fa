// SIGTERM on the Node server (`npm start`): it stops taking batches, finishes or lets go of the one
// in flight, removes the staged rows of an interrupted import, and exits 0 within 10 s.
import { spawn } from "node:child_process";
import { once } from "node:events";
import { rmSync } from "node:fs";
import { createServer } from "node:net";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { createClient } from "@libsql/client";
import { afterAll, beforeAll, expect, test } from "vitest";
import { type FakeResend, startFakeResend } from "./fake-resend";
import { ADMIN, createTestApp, ORIGIN } from "./helpers";
import { listWithContacts } from "./sending-helpers";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const SERVER = fileURLToPath(new URL("../src/server.ts", import.meta.url));

let fake: FakeResend;
beforeAll(async () => {
  fake = await startFakeResend();
});
afterAll(() => fake.stop());

const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

test("SIGTERM while sending: exit 0 within 10 s, no lease left, no staged import row left", {
  timeout: 60_000,
}, async () => {
  const env = {
    MAIL_TRANSPORT: "resend",
    MAIL_REPLY_TO: "equipe@netsdor.example",
    RESEND_API_KEY: fake.apiKey,
    RESEND_BASE_URL: fake.url,
    SEND_BATCH_SIZE: "2",
    SEND_RATE_PER_SECOND: "4",
  };
  const t = await createTestApp(env);
  const dir = dirname(t.url.slice("file:".length));
  try {
    const bearer = await t.token();
    const { listId } = await listWithContacts(t, bearer, 60);
    const res = await t.api(bearer, "POST", `/api/v1/lists/${listId}/reconsent`, {
      deadline: "2030-01-01T00:00:00Z",
    });
    expect(res.status).toBe(202);
    // What an import cut short leaves: staged rows, with addresses and names.
    await t.client.execute(
      `INSERT INTO import_rows (import_id, email_key, line, email, email_hash, name, attributes)
       VALUES (7, 'cut@example.org', 2, 'cut@example.org', 'h', 'Cut Short', '{}')`,
    );
    t.client.close();

    const child = spawn(process.execPath, ["--import", "tsx", SERVER], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH ?? "",
        HOME: process.env.HOME ?? "",
        DATABASE_URL: t.url,
        PORT: String(await freePort()),
        SEED: "none",
        ADMIN_EMAIL: ADMIN.email,
        ADMIN_PASSWORD: ADMIN.password,
        SECRET_KEY: t.deps.config.secretKey,
        PUBLIC_URL: ORIGIN,
        ...env,
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    const exited = once(child, "exit");
    // Sending is under way: a few calls made, most batches still to go.
    const deadline = Date.now() + 30_000;
    while (fake.calls.length < 3 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(fake.calls.length).toBeGreaterThanOrEqual(3);

    const signalled = Date.now();
    child.kill("SIGTERM");
    const [code, signal] = await exited;
    const tookMs = Date.now() - signalled;
    const callsAtExit = fake.calls.length;
    expect({ code, signal, stderr }).toEqual({ code: 0, signal: null, stderr: "" });
    expect(tookMs).toBeLessThan(10_000);
    expect(callsAtExit).toBeLessThan(30); // it did stop taking batches

    const client = createClient({ url: t.url });
    try {
      const left = async (sql: string) => Number((await client.execute(sql)).rows[0]?.n);
      expect(await left("SELECT count(*) AS n FROM import_rows")).toBe(0);
      // The batch claimed ahead is let go: the next start calls it at once, not in two minutes.
      expect(
        await left(
          "SELECT count(*) AS n FROM send_batches WHERE status = 'pending' AND lease_until IS NOT NULL",
        ),
      ).toBe(0);
      // Every call that went through is recorded as sent.
      expect(await left("SELECT count(*) AS n FROM outbox_messages WHERE status = 'sent'")).toBe(
        fake.delivered.length,
      );
    } finally {
      client.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
