// POST /webhooks/resend over real HTTP on Node, as Resend reaches it: the route answers ahead of
// the app's general middleware and judges a declared Content-Length without reading the body as
// a stream, so these check what that path keeps: the 256 KB limit (declared or chunked), the
// security headers, and the limit on failed signatures.
import { once } from "node:events";
import { request as httpRequest } from "node:http";
import type { AddressInfo } from "node:net";
import { type ServerType, serve } from "@hono/node-server";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { LIMITS } from "../src/http/rate-limit";
import { createTestApp, type TestApp } from "./helpers";
import {
  clockSeconds,
  emailEvent,
  newSvixId,
  svixSignature,
  WEBHOOK_SECRET,
} from "./webhook-helpers";

let t: TestApp;
let server: ServerType;
let port: number;

beforeEach(async () => {
  t = await createTestApp({ RESEND_WEBHOOK_SECRET: WEBHOOK_SECRET });
  server = serve({ fetch: t.app.fetch, port: 0, hostname: "127.0.0.1" });
  await once(server, "listening");
  port = (server.address() as AddressInfo).port;
});
afterEach(async () => {
  await new Promise((resolve) => server.close(resolve));
  t.close();
});

type Answer = {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
};

/** POSTs a signed body, with its Content-Length declared or sent chunked (no length). */
function post(body: string, how: { chunked?: boolean; secret?: string } = {}) {
  const id = newSvixId();
  const timestamp = clockSeconds(t);
  const headers: Record<string, string> = {
    "content-type": "application/json",
    "svix-id": id,
    "svix-timestamp": String(timestamp),
    "svix-signature": svixSignature(how.secret ?? WEBHOOK_SECRET, id, timestamp, body),
  };
  if (!how.chunked) headers["content-length"] = String(Buffer.byteLength(body));
  return new Promise<Answer>((resolve, reject) => {
    const req = httpRequest(
      { host: "127.0.0.1", port, path: "/webhooks/resend", method: "POST", headers },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          text += chunk;
        });
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }),
        );
      },
    );
    // A refused request may be answered (and its socket closed) before the body is all sent.
    req.on("error", reject);
    if (how.chunked) {
      for (let at = 0; at < body.length; at += 64 * 1024) req.write(body.slice(at, at + 64 * 1024));
      req.end();
    } else req.end(body);
  });
}

const storedEvents = async () =>
  Number((await t.client.execute("SELECT count(*) AS n FROM webhook_events")).rows[0]?.n);

const padded = (kb: number) =>
  JSON.stringify(emailEvent("email.sent", newSvixId(), { padding: "x".repeat(kb * 1024) }));

describe("POST /webhooks/resend over HTTP", () => {
  test("a signed event is answered 200 with the security headers and stored", async () => {
    const res = await post(JSON.stringify(emailEvent("email.delivered", "unknown-1")));
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toContain("application/json");
    expect(JSON.parse(res.body)).toMatchObject({ received: true, kind: "delivered" });
    expect(res.headers["x-frame-options"]).toBe("DENY");
    expect(res.headers["content-security-policy"]).toContain("default-src 'self'");
    expect(res.headers["x-content-type-options"]).toBe("nosniff");
    expect(await storedEvents()).toBe(1);
  });

  test("over 256 KB with a declared length: 413 in problem+json, nothing stored", async () => {
    const res = await post(padded(257));
    expect(res.status).toBe(413);
    expect(res.headers["content-type"]).toContain("application/problem+json");
    expect(res.headers["x-frame-options"]).toBe("DENY");
    expect(await storedEvents()).toBe(0);
    expect((await post(padded(250))).status).toBe(200);
    expect(await storedEvents()).toBe(1);
  });

  test("over 256 KB sent chunked, without a length: 413, nothing stored", async () => {
    const res = await post(padded(300), { chunked: true });
    expect(res.status).toBe(413);
    expect(res.headers["content-type"]).toContain("application/problem+json");
    expect(await storedEvents()).toBe(0);
    expect((await post(padded(250), { chunked: true })).status).toBe(200);
    expect(await storedEvents()).toBe(1);
  });

  test("failed signatures count against the address's limit; signed requests do not", async () => {
    const forged = `whsec_${Buffer.from("not the endpoint's signing key!!").toString("base64")}`;
    const event = () => JSON.stringify(emailEvent("email.delivered", newSvixId()));
    for (let i = 0; i < LIMITS.webhook.limit; i++) {
      expect((await post(event(), { secret: forged })).status).toBe(401);
    }
    const over = await post(event(), { secret: forged });
    expect(over.status).toBe(429);
    expect(over.headers["x-frame-options"]).toBe("DENY");
    expect((await post(event())).status).toBe(200);
    expect(await storedEvents()).toBe(1);
  }, 120_000);
});
