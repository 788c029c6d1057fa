// Outgoing webhooks (issue 18 Deliver 4, issue 22 Deliver 4): registration, Standard Webhooks
// signatures checked with the `standardwebhooks` verifier on a real local receiver, retries with
// backoff from the durable queue, and the SSRF guard at registration and at each delivery.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { hostname } from "node:os";
import { Webhook } from "standardwebhooks";
import { afterEach, describe, expect, test } from "vitest";
import { runPeriodicJobs } from "../src/jobs";
import { backoffMs, deliverDueWebhooks, MAX_ATTEMPTS } from "../src/webhooks-out/deliver";
import * as q from "../src/webhooks-out/queries";
import { emitEvent } from "../src/webhooks-out/service";
import { createTestApp, ORIGIN, type TestApp } from "./helpers";
import { addMember } from "./team-helpers";

type Received = { path: string; headers: IncomingMessage["headers"]; body: string };
type Receiver = { url: string; received: Received[]; server: Server };

/** A local HTTP receiver; `answer` decides each reply (200 by default). */
async function startReceiver(
  answer: (n: number, res: ServerResponse, req: IncomingMessage) => void = (_, res) =>
    res.end("ok"),
): Promise<Receiver> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => {
      body += chunk;
    });
    req.on("end", () => {
      received.push({ path: req.url ?? "", headers: req.headers, body });
      answer(received.length, res, req);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook`, received, server };
}

let t: TestApp | undefined;
let receiver: Receiver | undefined;
afterEach(async () => {
  t?.close();
  t = undefined;
  receiver?.server.closeAllConnections();
  await new Promise((resolve) => receiver?.server.close(resolve) ?? resolve(null));
  receiver = undefined;
});

/** An app whose guard lets the local receiver in (WEBHOOK_ALLOW_PRIVATE=1, tests only). */
async function appWithLocalReceiver() {
  const app = await createTestApp({ WEBHOOK_ALLOW_PRIVATE: "1" });
  app.clock.set(new Date()); // the verifier compares the signed timestamp with the real time
  return app;
}

async function register(app: TestApp, token: string, url: string, events = ["incident.*"]) {
  return app.api(token, "POST", "/api/v1/webhook-endpoints", { url, events });
}

const deliveries = async (app: TestApp) =>
  (await app.client.execute("SELECT * FROM webhook_deliveries ORDER BY id")).rows;

describe("endpoints", () => {
  test("POST → 201 {id, secret whsec_…}; GET lists without the secret; DELETE removes it", async () => {
    t = await appWithLocalReceiver();
    const token = await t.token();
    const res = await register(t, token, "https://hooks.example.org/relance", [
      "incident.*",
      "component.updated",
    ]);
    expect(res.status).toBe(201);
    const created = (await res.json()) as { id: number; secret: string; events: string[] };
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{32}$/);
    expect(created.events).toEqual(["incident.*", "component.updated"]);
    const list = (await (await t.api(token, "GET", "/api/v1/webhook-endpoints")).json()) as {
      items: Record<string, unknown>[];
    };
    expect(list.items).toEqual([
      expect.objectContaining({ id: created.id, url: "https://hooks.example.org/relance" }),
    ]);
    expect(list.items[0]).not.toHaveProperty("secret");
    expect((await t.api(token, "DELETE", `/api/v1/webhook-endpoints/${created.id}`)).status).toBe(
      204,
    );
    expect((await t.api(token, "DELETE", `/api/v1/webhook-endpoints/${created.id}`)).status).toBe(
      404,
    );
  });

  test("bad input: 400 malformed, 422 on the field, nothing stored; owners only (403)", async () => {
    t = await appWithLocalReceiver();
    const token = await t.token();
    expect((await t.api(token, "POST", "/api/v1/webhook-endpoints", "{")).status).toBe(400);
    for (const [body, field] of [
      [{ url: "https://x.example.org", events: [] }, "events"],
      [{ url: "https://x.example.org", events: ["incident.deleted"] }, "events.0"],
      [{ url: "ftp://x.example.org", events: ["*"] }, "url"],
      [{ url: "https://user:pw@x.example.org", events: ["*"] }, "url"],
      [{ events: ["*"] }, "url"],
    ] as const) {
      const res = await t.api(token, "POST", "/api/v1/webhook-endpoints", body);
      expect(res.status, JSON.stringify(body)).toBe(422);
      const problem = (await res.json()) as { errors: { field: string }[] };
      expect(problem.errors.map((e) => e.field)).toContain(field);
    }
    const editor = await addMember(t, token, "editor");
    expect((await register(t, editor.token, "https://x.example.org")).status).toBe(403);
    expect((await t.client.execute("SELECT count(*) AS n FROM webhook_endpoints")).rows[0]?.n).toBe(
      0,
    );
  });
});

describe("deliveries", () => {
  test("an incident's events reach the receiver signed; the standardwebhooks verifier accepts them", async () => {
    receiver = await startReceiver();
    t = await appWithLocalReceiver();
    const token = await t.token();
    const { secret } = (await (await register(t, token, receiver.url)).json()) as {
      secret: string;
    };
    const created = await t.api(token, "POST", "/api/v1/incidents", {
      slug: "outage",
      title: "Mail outage",
      status: "investigating",
      impact: "major",
      body: "We are looking into it.",
    });
    expect(created.status).toBe(201);
    const id = ((await created.json()) as { id: number }).id;
    await t.api(token, "POST", `/api/v1/incidents/${id}/updates`, {
      status: "resolved",
      body: "Fixed.",
    });
    expect(receiver.received).toHaveLength(0); // never inside the request: from the queue
    expect(await deliverDueWebhooks(t.deps)).toBe(2);
    expect(receiver.received).toHaveLength(2);
    const verifier = new Webhook(secret);
    const events = receiver.received.map((r) => {
      expect(r.headers["webhook-id"]).toMatch(/^msg_/);
      return verifier.verify(r.body, {
        "webhook-id": String(r.headers["webhook-id"]),
        "webhook-timestamp": String(r.headers["webhook-timestamp"]),
        "webhook-signature": String(r.headers["webhook-signature"]),
      }) as { type: string; data: { incident: { slug: string; status: string } } };
    });
    expect(events.map((e) => e.type)).toEqual(["incident.created", "incident.resolved"]);
    expect(events[1]?.data.incident).toMatchObject({ slug: "outage", status: "resolved" });
    // A body changed in transit, or another endpoint's secret, does not verify.
    const first = receiver.received[0] as Received;
    const headers = {
      "webhook-id": String(first.headers["webhook-id"]),
      "webhook-timestamp": String(first.headers["webhook-timestamp"]),
      "webhook-signature": String(first.headers["webhook-signature"]),
    };
    expect(() => verifier.verify(first.body.replace("outage", "0utage"), headers)).toThrow();
    expect(() =>
      new Webhook(`whsec_${Buffer.from("another secret, 24 bytes").toString("base64")}`).verify(
        first.body,
        headers,
      ),
    ).toThrow();
    expect((await deliveries(t)).map((d) => d.status)).toEqual(["delivered", "delivered"]);
    expect(await deliverDueWebhooks(t.deps)).toBe(0); // delivered once, never again
  });

  test("only subscribed endpoints get an event; the test button reaches its endpoint whatever it chose", async () => {
    receiver = await startReceiver();
    t = await appWithLocalReceiver();
    const token = await t.token();
    await register(t, token, `${receiver.url}?a`, ["maintenance.*"]);
    const b = (await (
      await register(t, token, `${receiver.url}?b`, ["component.updated"])
    ).json()) as { id: number };
    expect(await emitEvent(t.deps, "incident.created", {})).toBe(0);
    expect(await emitEvent(t.deps, "maintenance.started", {})).toBe(1);
    const cookie = await t.signIn();
    const page = await t.request(`/admin/webhook-endpoints/${b.id}/test`, {
      method: "POST",
      headers: { Cookie: cookie, Origin: ORIGIN },
    });
    expect(page.status).toBe(200);
    await deliverDueWebhooks(t.deps);
    expect(receiver.received.map((r) => [r.path, JSON.parse(r.body).type])).toEqual([
      ["/hook?a", "maintenance.started"],
      ["/hook?b", "webhook.test"],
    ]);
    const log = await (
      await t.request("/admin/webhook-endpoints", { headers: { Cookie: cookie } })
    ).text();
    expect(log).toContain("webhook.test");
    expect(log).toContain("delivered");
  });

  test("a failing endpoint is retried with exponential backoff until it answers 2xx", async () => {
    receiver = await startReceiver((n, res) => {
      res.statusCode = n <= 3 ? 503 : 204;
      res.end(n <= 3 ? "busy" : "");
    });
    t = await appWithLocalReceiver();
    const token = await t.token();
    await register(t, token, receiver.url, ["*"]);
    await emitEvent(t.deps, "component.updated", { component: { slug: "api" } });
    for (let attempt = 1; attempt <= 3; attempt++) {
      expect(await deliverDueWebhooks(t.deps)).toBe(1);
      const [row] = await deliveries(t);
      expect(row).toMatchObject({
        status: "pending",
        attempts: attempt,
        last_status: 503,
        last_error: "busy",
      });
      expect(new Date(String(row?.next_attempt_at)).getTime() - t.clock.now().getTime()).toBe(
        backoffMs(attempt),
      );
      t.clock.advance(backoffMs(attempt) - 1000);
      expect(await deliverDueWebhooks(t.deps)).toBe(0); // not before its time
      t.clock.advance(1000);
    }
    expect(backoffMs(2)).toBe(2 * backoffMs(1));
    expect(await deliverDueWebhooks(t.deps)).toBe(1);
    expect((await deliveries(t))[0]).toMatchObject({
      status: "delivered",
      attempts: 4,
      last_status: 204,
    });
    // Every attempt carried the same webhook-id, so the receiver can deduplicate.
    expect(new Set(receiver.received.map((r) => r.headers["webhook-id"])).size).toBe(1);
  });

  test(`after ${MAX_ATTEMPTS} failed attempts a delivery is given up (failed), and its log says why`, async () => {
    receiver = await startReceiver((_, res) => {
      res.statusCode = 500;
      res.end("x".repeat(1024 * 1024)); // a large answer: only a bounded part is read
    });
    t = await appWithLocalReceiver();
    const token = await t.token();
    await register(t, token, receiver.url, ["*"]);
    await emitEvent(t.deps, "incident.updated", {});
    for (let i = 0; i < MAX_ATTEMPTS; i++) {
      expect(await deliverDueWebhooks(t.deps)).toBe(1);
      t.clock.advance(24 * 3600_000);
    }
    expect(await deliverDueWebhooks(t.deps)).toBe(0);
    const [row] = await deliveries(t);
    expect(row).toMatchObject({ status: "failed", attempts: MAX_ATTEMPTS, last_status: 500 });
    expect(String(row?.last_error).length).toBeLessThanOrEqual(500);
  });

  test("a redirect is not followed; a receiver that does not answer is cut off by the timeout", async () => {
    receiver = await startReceiver((n, res) => {
      if (n === 1) {
        res.writeHead(307, { Location: "/elsewhere" }).end();
      } // the second request never gets an answer
    });
    t = await appWithLocalReceiver();
    const token = await t.token();
    await register(t, token, receiver.url, ["*"]);
    await emitEvent(t.deps, "incident.updated", {});
    await deliverDueWebhooks(t.deps);
    expect(receiver.received.map((r) => r.path)).toEqual(["/hook"]);
    expect((await deliveries(t))[0]).toMatchObject({
      status: "pending",
      last_status: 307,
      last_error: "redirect not followed",
    });
    t.clock.advance(backoffMs(1));
    const started = Date.now();
    await deliverDueWebhooks(t.deps, { timeoutMs: 300 });
    expect(Date.now() - started).toBeLessThan(5000);
    expect((await deliveries(t))[0]).toMatchObject({
      status: "pending",
      attempts: 2,
      last_error: "timed out",
    });
  });
});

describe("SSRF guard", () => {
  const REFUSED = [
    "http://127.0.0.1:8787/hook",
    "http://10.1.2.3/hook",
    "http://172.16.0.1/",
    "http://192.168.1.1/",
    "http://169.254.169.254/latest/meta-data/",
    "http://[::1]/hook",
    "http://[fd00:ec2::254]/",
    "http://[fe80::1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://[::ffff:a9fe:a9fe]/", // 169.254.169.254, IPv4-mapped in hex
    "http://2130706433/", // 127.0.0.1 as one number
    "http://0x7f.1/",
    "http://0.0.0.0/",
    "http://100.100.100.200/", // a cloud metadata address in shared space
    "http://localhost:8787/hook",
    "http://api.localhost/",
    `http://${hostname()}/hook`, // this machine's name: resolves to a loopback address here
  ];

  test("registration refuses loopback, private, link-local and metadata targets (422 on url, nothing stored)", async () => {
    t = await createTestApp();
    const token = await t.token();
    for (const url of REFUSED) {
      const res = await register(t, token, url);
      expect(res.status, url).toBe(422);
      const problem = (await res.json()) as { errors: { field: string; message: string }[] };
      expect(problem.errors[0]?.field, url).toBe("url");
    }
    expect((await t.client.execute("SELECT count(*) AS n FROM webhook_endpoints")).rows[0]?.n).toBe(
      0,
    );
    const cookie = await t.signIn();
    const page = await t.form(
      "/admin/webhook-endpoints",
      { url: "http://169.254.169.254/", events: "*" },
      { Cookie: cookie },
    );
    expect(page.status).toBe(422);
    expect(await page.text()).toContain('id="url-error"');
  });

  test("each delivery re-checks the target: an endpoint now resolving to a private address gets nothing", async () => {
    receiver = await startReceiver();
    t = await createTestApp(); // guard on
    t.clock.set(new Date());
    // As if its DNS pointed elsewhere at registration and to this machine now.
    await q.insertEndpoint(t.deps.db, {
      url: receiver.url,
      events: ["*"],
      secret: `whsec_${Buffer.from("twenty-four bytes secret").toString("base64")}`,
      createdBy: "test",
      createdAt: t.clock.now().toISOString(),
    });
    await emitEvent(t.deps, "incident.created", {});
    expect(await deliverDueWebhooks(t.deps)).toBe(1);
    expect(receiver.received).toHaveLength(0);
    expect((await deliveries(t))[0]).toMatchObject({ status: "pending", attempts: 1 });
    expect(String((await deliveries(t))[0]?.last_error)).toMatch(/^refused: .*127\.0\.0\.1/);
  });

  test("WEBHOOK_ALLOW_PRIVATE is off by default and takes only 0 or 1", async () => {
    t = await createTestApp();
    expect(t.deps.config.webhookAllowPrivate).toBe(false);
    await expect(createTestApp({ WEBHOOK_ALLOW_PRIVATE: "yes" })).rejects.toThrow(
      /WEBHOOK_ALLOW_PRIVATE/,
    );
  });
});

test("the delivery log keeps EVENT_RETENTION_DAYS: finished deliveries older are pruned, pending ones stay", async () => {
  receiver = await startReceiver();
  t = await appWithLocalReceiver();
  const token = await t.token();
  await register(t, token, receiver.url, ["*"]);
  await emitEvent(t.deps, "incident.created", {});
  await deliverDueWebhooks(t.deps);
  t.clock.advance(91 * 86_400_000);
  await emitEvent(t.deps, "incident.updated", {}); // pending, not yet attempted
  await runPeriodicJobs(t.deps);
  expect((await deliveries(t)).map((d) => [d.event_type, d.status])).toEqual([
    ["incident.updated", "pending"],
  ]);
});

test("a receiver's hostile answer shows in the log as text, escaped", async () => {
  receiver = await startReceiver((_, res) => {
    res.statusCode = 400;
    res.end('<script>alert("x")</script><img src=x onerror=alert(1)>');
  });
  t = await appWithLocalReceiver();
  const token = await t.token();
  await register(t, token, receiver.url, ["*"]);
  await emitEvent(t.deps, "incident.created", {});
  await deliverDueWebhooks(t.deps);
  const cookie = await t.signIn();
  const html = await (
    await t.request("/admin/webhook-endpoints", { headers: { Cookie: cookie } })
  ).text();
  expect(html).toContain("&lt;script&gt;");
  expect(html).not.toContain("<script>alert");
  expect(html).not.toContain("<img src=x");
});
