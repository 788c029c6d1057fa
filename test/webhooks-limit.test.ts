// The per-address limit on POST /webhooks/resend: Resend delivers its events from a handful of
// addresses at the sending rate, so a correctly signed request is never refused by it; only
// requests whose signature fails count against it (issue 21, item 1).
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { LIMITS } from "../src/http/rate-limit";
import { createTestApp, type TestApp } from "./helpers";
import { emailEvent, postWebhook, WEBHOOK_SECRET } from "./webhook-helpers";

let t: TestApp;

beforeEach(async () => {
  t = await createTestApp({ RESEND_WEBHOOK_SECRET: WEBHOOK_SECRET });
});
afterEach(() => t.close());

const FROM = { "X-Forwarded-For": "203.0.113.9" };
const LIMIT = LIMITS.webhook.limit;

/** Posts `count` requests, `inFlight` at a time; returns each answer's status in order. */
async function postMany(
  count: number,
  post: (i: number) => Response | Promise<Response>,
  inFlight = 50,
) {
  const statuses: number[] = [];
  for (let start = 0; start < count; start += inFlight) {
    const answers = await Promise.all(
      Array.from({ length: Math.min(inFlight, count - start) }, (_, k) => post(start + k)),
    );
    statuses.push(...answers.map((res) => res.status));
  }
  return statuses;
}

const signed = (i: number) =>
  postWebhook(t, emailEvent("email.delivered", `unknown-${i}`), { headers: FROM });

const badlySigned = (i: number) =>
  postWebhook(t, emailEvent("email.delivered", `forged-${i}`), {
    headers: FROM,
    secret: `whsec_${Buffer.from("not the endpoint's signing key!!").toString("base64")}`,
  });

describe("the webhook limit", () => {
  test("signed requests from one address beyond the per-address limit are all accepted", async () => {
    const statuses = await postMany(LIMIT + 50, signed);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    const stored = await t.client.execute("SELECT count(*) AS n FROM webhook_events");
    expect(Number(stored.rows[0]?.n)).toBe(LIMIT + 50);
  }, 60_000);

  test("failed signatures count against the limit; a signed request still passes after it", async () => {
    const statuses = await postMany(LIMIT, badlySigned);
    expect(statuses.every((s) => s === 401)).toBe(true);

    const over = await badlySigned(LIMIT);
    expect(over.status).toBe(429);
    expect(over.headers.get("content-type")).toContain("application/problem+json");
    expect(Number(over.headers.get("retry-after"))).toBeGreaterThan(0);
    // An unsigned request is a failed signature too.
    const unsigned = await t.request("/webhooks/resend", {
      method: "POST",
      headers: { "Content-Type": "application/json", ...FROM },
      body: JSON.stringify(emailEvent("email.delivered", "unsigned")),
    });
    expect(unsigned.status).toBe(429);

    expect((await signed(1)).status).toBe(200);
    const stored = await t.client.execute("SELECT count(*) AS n FROM webhook_events");
    expect(Number(stored.rows[0]?.n)).toBe(1);
  }, 60_000);

  test("another address's failures do not count against this one", async () => {
    await postMany(LIMIT + 1, (i) =>
      postWebhook(t, emailEvent("email.delivered", `x-${i}`), {
        headers: { "X-Forwarded-For": "198.51.100.20" },
        secret: `whsec_${Buffer.from("not the endpoint's signing key!!").toString("base64")}`,
      }),
    );
    const mine = await badlySigned(0);
    expect(mine.status).toBe(401);
  }, 60_000);
});
