// The status page's events reach outgoing webhooks: components created and moved, maintenance
// created, started and completed (queued as deliveries, never sent in the request).
import { afterAll, beforeAll, expect, test } from "vitest";
import { minuteJobs, runPeriodicJobs } from "../src/jobs";
import { createTestApp, type TestApp } from "./helpers";

let t: TestApp;
let bearer: string;

beforeAll(async () => {
  t = await createTestApp({ WEBHOOK_ALLOW_PRIVATE: "1" });
  bearer = await t.token();
  const res = await t.api(bearer, "POST", "/api/v1/webhook-endpoints", {
    url: "http://127.0.0.1:9/hook",
    events: ["component.*", "maintenance.*"],
  });
  expect(res.status).toBe(201);
});
afterAll(() => t.close());

const delivered = async () =>
  (
    await t.client.execute(
      "SELECT event_type AS type, payload AS body FROM webhook_deliveries ORDER BY id",
    )
  ).rows.map((r) => ({
    type: String(r.type),
    data: (JSON.parse(String(r.body)) as { data: unknown }).data,
  }));

test("component and maintenance events are queued with their public shapes", async () => {
  await t.api(bearer, "POST", "/api/v1/components", { slug: "api", name: "API" });
  await t.api(bearer, "PATCH", "/api/v1/components/api", { status: "degraded" });
  await t.api(bearer, "POST", "/api/v1/maintenances", {
    title: "Upgrade",
    body: "Short.",
    starts_at: "2026-01-15T09:00:00Z",
    ends_at: "2026-01-15T10:00:00Z",
    components: ["api"],
  });
  t.clock.set("2026-01-15T09:00:00.000Z");
  await runPeriodicJobs(t.deps, minuteJobs);
  t.clock.set("2026-01-15T10:00:00.000Z");
  await runPeriodicJobs(t.deps, minuteJobs);
  const events = await delivered();
  expect(events.map((e) => e.type)).toEqual([
    "component.created",
    "component.updated",
    "maintenance.created",
    "maintenance.started",
    "component.updated",
    "maintenance.completed",
    "component.updated",
  ]);
  expect(events[0]?.data).toMatchObject({ slug: "api", name: "API", status: "operational" });
  expect(events[1]?.data).toMatchObject({ slug: "api", status: "degraded" });
  expect(events[3]?.data).toMatchObject({
    title: "Upgrade",
    status: "in_progress",
    components: ["api"],
  });
  expect(events[4]?.data).toMatchObject({ slug: "api", status: "maintenance" });
  expect(events[6]?.data).toMatchObject({ slug: "api", status: "operational" });
});
