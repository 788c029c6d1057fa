// Builds a list with contacts through the real API, and drives the dispatcher until it is idle.
import { expect } from "vitest";
import { recordConsentEvent } from "../src/consent/service";
import { type ConsentEventName, TRANSITIONS } from "../src/consent/states";
import type { Deps } from "../src/deps";
import { createDispatcher } from "../src/sending/dispatcher";
import { type RateLimiter, windowRateLimiter } from "../src/sending/rate";
import type { FakeResend } from "./fake-resend";
import { createTestApp, type TestApp } from "./helpers";

export async function listWithContacts(t: TestApp, bearer: string, count: number, slug = "nets") {
  const res = await t.api(bearer, "POST", "/api/v1/lists", {
    slug,
    name: "Les Nets d'Or 2001",
    purpose: "Recevoir les nouvelles du concours des Nets d'Or 2001.",
  });
  expect(res.status).toBe(201);
  const listId = ((await res.json()) as { id: number }).id;
  const rows = Array.from(
    { length: count },
    (_, i) => `p${i}@example.org,Participant ${i},${i % 2 ? "en" : "fr"}`,
  );
  const csv = `email,name,language\n${rows.join("\n")}\n`;
  const imported = await t.request(`/api/v1/lists/${listId}/imports?source=test`, {
    method: "POST",
    headers: { Authorization: `Bearer ${bearer}`, "Content-Type": "text/csv" },
    body: csv,
  });
  expect(imported.status).toBe(200);
  const ids = (await t.client.execute("SELECT id, email FROM contacts ORDER BY id")).rows;
  const contacts = new Map(ids.map((r) => [String(r.email), Number(r.id)]));
  return { listId, contacts, csv };
}

/** Moves a member through consent events (for instance invited, then confirmed). */
export async function moveTo(
  deps: Deps,
  listId: number,
  contactId: number,
  events: ConsentEventName[],
) {
  for (const event of events) {
    const result = await recordConsentEvent(deps, { listId, contactId }, event, {
      source: "test",
      actor: "test",
      by: TRANSITIONS[event].by[0] ?? "system",
    });
    expect(result.ok, `${event}: ${JSON.stringify(result)}`).toBe(true);
  }
}

export const fastLimiter = (): RateLimiter => windowRateLimiter(10_000);

/**
 * Runs the pipeline until it has nothing it may do now (idle, paused, or held by the provider);
 * returns the steps taken.
 */
export async function dispatchUntilIdle(
  deps: Deps,
  limiter: RateLimiter = fastLimiter(),
  max = 1000,
  options: { claimAhead?: boolean } = {},
) {
  const dispatcher = createDispatcher(deps, { limiter, ...options });
  const steps = [];
  for (let i = 0; i < max; i++) {
    const step = await dispatcher.step();
    steps.push(step);
    if (step.kind === "idle" || step.kind === "paused" || step.kind === "held") {
      await dispatcher.stop(); // lets go of a batch claimed ahead, as the Node loop does
      return steps;
    }
  }
  throw new Error("the dispatcher never became idle");
}

/**
 * A test app whose mail goes through the Resend transport to the fake provider (its record reset
 * first), with a human Reply-To; `env` adds or overrides settings.
 */
export function resendTestApp(fake: FakeResend, env: Record<string, string> = {}) {
  fake.reset();
  return createTestApp({
    MAIL_TRANSPORT: "resend",
    RESEND_API_KEY: fake.apiKey,
    RESEND_BASE_URL: fake.url,
    MAIL_REPLY_TO: "humans@netsdor.example",
    ...env,
  });
}
