// A scheduled maintenance can be edited while scheduled or in progress, and cancelled: a scheduled
// one never starts, one in progress ends now and gives its components back (injected clock).
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { minuteJobs, runPeriodicJobs } from "../src/jobs";
import { createTestApp, type TestApp } from "./helpers";
import { dispatchUntilIdle } from "./sending-helpers";
import { mailsTo, subscribeAndConfirm } from "./subscription-helpers";

type Json = Record<string, unknown>;

let t: TestApp;
let bearer: string;

beforeAll(async () => {
  t = await createTestApp({ WEBHOOK_ALLOW_PRIVATE: "1" });
  bearer = await t.token();
  for (const slug of ["api", "mail", "web"]) {
    expect((await t.api(bearer, "POST", "/api/v1/components", { slug, name: slug })).status).toBe(
      201,
    );
  }
  const hook = await t.api(bearer, "POST", "/api/v1/webhook-endpoints", {
    url: "http://127.0.0.1:9/hook",
    events: ["maintenance.*"],
  });
  expect(hook.status).toBe(201);
});
afterAll(() => t.close());

const tick = () => runPeriodicJobs(t.deps, minuteJobs);

const statusOf = async (slug: string) => {
  const body = (await (await t.api(bearer, "GET", "/api/v1/components")).json()) as {
    components: Json[];
  };
  return body.components.find((c) => c.slug === slug)?.status;
};

async function schedule(extra: Json = {}): Promise<Json> {
  const res = await t.api(bearer, "POST", "/api/v1/maintenances", {
    title: "Mise à jour",
    body: "Coupure courte.",
    starts_at: "2026-01-15T10:00:00Z",
    ends_at: "2026-01-15T11:00:00Z",
    components: ["api"],
    notify: false,
    ...extra,
  });
  expect(res.status).toBe(201);
  return (await res.json()) as Json;
}

const patch = (id: unknown, body: unknown) =>
  t.api(bearer, "PATCH", `/api/v1/maintenances/${id}`, body);
const cancel = (id: unknown) => t.api(bearer, "POST", `/api/v1/maintenances/${id}/cancel`);

const events = async (id: unknown) =>
  (
    await t.client.execute("SELECT event_type AS type, payload FROM webhook_deliveries ORDER BY id")
  ).rows
    .map((r) => ({
      type: String(r.type),
      data: (JSON.parse(String(r.payload)) as { data: Json }).data,
    }))
    .filter((e) => e.data.id === id);

const audit = async (action: string) =>
  (
    await t.client.execute({
      sql: "SELECT actor, summary, details FROM audit_log WHERE action = ? ORDER BY id",
      args: [action],
    })
  ).rows.map((r) => ({ actor: String(r.actor), details: JSON.parse(String(r.details)) as Json }));

const summary = async () =>
  (await (await t.request("/api/v2/summary.json")).json()) as { scheduled_maintenances: Json[] };

describe("PATCH /api/v1/maintenances/:id", () => {
  test("a scheduled one takes the new fields, shows them publicly, is audited and emitted", async () => {
    t.clock.set("2026-01-14T08:00:00.000Z");
    const m = await schedule();
    expect((await t.request("/", { headers: { "Accept-Language": "fr" } })).status).toBe(200);
    const res = await patch(m.id, {
      title: "Mise à jour reportée",
      starts_at: "2026-01-16T10:00:00+01:00",
      ends_at: "2026-01-16T12:00:00+01:00",
      components: ["api", "mail"],
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      id: m.id,
      title: "Mise à jour reportée",
      body: "Coupure courte.",
      status: "scheduled",
      starts_at: "2026-01-16T09:00:00.000Z",
      ends_at: "2026-01-16T11:00:00.000Z",
      components: ["api", "mail"],
      notify: false,
    });
    const shown = (await summary()).scheduled_maintenances.find(
      (x) => x.id === `maintenance-${m.id}`,
    );
    expect(shown).toMatchObject({
      name: "Mise à jour reportée",
      scheduled_for: "2026-01-16T09:00:00.000Z",
    });
    const home = await (await t.request("/", { headers: { "Accept-Language": "fr" } })).text();
    expect(home).toContain("Mise à jour reportée");
    expect((await events(m.id)).map((e) => e.type)).toEqual([
      "maintenance.created",
      "maintenance.updated",
    ]);
    const [entry] = await audit("maintenance.updated");
    expect(entry?.details).toMatchObject({ maintenance_id: m.id });
    expect(entry?.actor).toContain("@");
    // The old start passes: it does not begin then, but at the new one.
    t.clock.set("2026-01-15T10:30:00.000Z");
    await tick();
    expect(await statusOf("api")).toBe("operational");
    t.clock.set("2026-01-16T09:00:00.000Z");
    await tick();
    expect(await statusOf("mail")).toBe("maintenance");
    t.clock.set("2026-01-16T11:00:00.000Z");
    await tick();
    expect(await statusOf("mail")).toBe("operational");
  });

  test("one in progress: a component taken out returns to operational, one added goes into maintenance", async () => {
    t.clock.set("2026-01-20T10:00:00.000Z");
    const m = await schedule({
      starts_at: "2026-01-20T09:00:00Z",
      ends_at: "2026-01-20T12:00:00Z",
      components: ["api", "mail"],
    });
    expect(m.status).toBe("in_progress");
    expect(await statusOf("mail")).toBe("maintenance");
    const res = await patch(m.id, { components: ["api", "web"] });
    expect(res.status).toBe(200);
    expect(await statusOf("mail")).toBe("operational");
    expect(await statusOf("web")).toBe("maintenance");
    expect(await statusOf("api")).toBe("maintenance");
    // Its end brought forward to the past: it completes at once.
    const ended = await patch(m.id, { ends_at: "2026-01-20T09:30:00Z" });
    expect(((await ended.json()) as Json).status).toBe("completed");
    expect(await statusOf("api")).toBe("operational");
    expect(await statusOf("web")).toBe("operational");
  });

  test("a start moved into the past begins it now", async () => {
    t.clock.set("2026-01-21T10:00:00.000Z");
    const m = await schedule({
      starts_at: "2026-01-22T09:00:00Z",
      ends_at: "2026-01-22T10:00:00Z",
    });
    const res = await patch(m.id, { starts_at: "2026-01-21T09:59:00Z" });
    expect(((await res.json()) as Json).status).toBe("in_progress");
    expect(await statusOf("api")).toBe("maintenance");
    await cancel(m.id);
  });

  test("invalid input is a 422 per field, and nothing changes", async () => {
    t.clock.set("2026-01-23T08:00:00.000Z");
    const m = await schedule({
      starts_at: "2026-01-24T09:00:00Z",
      ends_at: "2026-01-24T10:00:00Z",
    });
    const fieldsOf = async (res: Response) => {
      expect(res.status).toBe(422);
      return ((await res.json()) as { errors: { field: string }[] }).errors.map((e) => e.field);
    };
    expect(await fieldsOf(await patch(m.id, { title: "", starts_at: "demain" }))).toEqual(
      expect.arrayContaining(["title", "starts_at"]),
    );
    // The end checked against the start it keeps.
    expect(await fieldsOf(await patch(m.id, { ends_at: "2026-01-24T08:00:00Z" }))).toEqual([
      "ends_at",
    ]);
    expect(await fieldsOf(await patch(m.id, { components: ["nope"] }))).toEqual(["components"]);
    expect(await fieldsOf(await patch(m.id, { notify: "yes" }))).toEqual(["notify"]);
    // A field an edit cannot take (a status is the clock's; a misspelt end) is refused, not ignored.
    for (const wrong of [{ status: "completed" }, { end_at: "2026-01-24T12:00:00Z" }]) {
      const res = await patch(m.id, wrong);
      expect(res.status).toBe(422);
      expect(((await res.json()) as Json).detail).toContain(Object.keys(wrong)[0]);
    }
    expect((await patch(m.id, "{not json")).status).toBe(400);
    const listed = (await (await t.api(bearer, "GET", "/api/v1/maintenances")).json()) as {
      maintenances: Json[];
    };
    expect(listed.maintenances.find((x) => x.id === m.id)).toMatchObject({
      title: "Mise à jour",
      starts_at: "2026-01-24T09:00:00.000Z",
      ends_at: "2026-01-24T10:00:00.000Z",
      components: ["api"],
    });
    expect((await events(m.id)).map((e) => e.type)).toEqual(["maintenance.created"]);
    await cancel(m.id);
  });

  test("an edit that names no shown field changes nothing shown and tells no one", async () => {
    t.clock.set("2026-01-24T08:00:00.000Z");
    const m = await schedule({
      starts_at: "2026-01-25T09:00:00Z",
      ends_at: "2026-01-25T10:00:00Z",
    });
    const res = await patch(m.id, {});
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ title: "Mise à jour", notify: false });
    // `notify` alone is the setting for its later moments: kept, and nothing shown changed.
    expect(await (await patch(m.id, { notify: true })).json()).toMatchObject({ notify: true });
    expect((await events(m.id)).map((e) => e.type)).toEqual(["maintenance.created"]);
    await cancel(m.id);
  });

  test("a completed or cancelled one is 409; an unknown one is 404", async () => {
    t.clock.set("2026-01-25T08:00:00.000Z");
    const done = await schedule({
      starts_at: "2026-01-25T06:00:00Z",
      ends_at: "2026-01-25T07:00:00Z",
    });
    expect(done.status).toBe("completed");
    expect((await patch(done.id, { title: "Trop tard" })).status).toBe(409);
    const called = await schedule({
      starts_at: "2026-01-26T06:00:00Z",
      ends_at: "2026-01-26T07:00:00Z",
    });
    expect((await cancel(called.id)).status).toBe(200);
    expect((await patch(called.id, { title: "Trop tard" })).status).toBe(409);
    expect((await patch(99999, { title: "x" })).status).toBe(404);
    expect((await patch("abc", { title: "x" })).status).toBe(404);
  });
});

describe("POST /api/v1/maintenances/:id/cancel", () => {
  test("a scheduled one is cancelled and never starts; it leaves the pages", async () => {
    t.clock.set("2026-02-01T08:00:00.000Z");
    const m = await schedule({
      title: "Annulable",
      starts_at: "2026-02-01T10:00:00Z",
      ends_at: "2026-02-01T11:00:00Z",
    });
    const res = await cancel(m.id);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ id: m.id, status: "cancelled" });
    t.clock.set("2026-02-01T10:30:00.000Z");
    await tick();
    expect(await statusOf("api")).toBe("operational");
    const listed = (await (await t.api(bearer, "GET", "/api/v1/maintenances")).json()) as {
      maintenances: Json[];
    };
    expect(listed.maintenances.map((x) => x.id)).not.toContain(m.id);
    expect((await summary()).scheduled_maintenances.map((x) => x.name)).not.toContain("Annulable");
    expect(await (await t.request("/")).text()).not.toContain("Annulable");
    expect((await events(m.id)).map((e) => [e.type, e.data.status])).toEqual([
      ["maintenance.created", "scheduled"],
      ["maintenance.updated", "cancelled"],
    ]);
    expect((await audit("maintenance.cancelled")).at(-1)?.details).toMatchObject({
      maintenance_id: m.id,
    });
    expect((await cancel(m.id)).status).toBe(409);
  });

  test("one in progress ends now: completed, its components back unless something else holds them", async () => {
    t.clock.set("2026-02-02T10:00:00.000Z");
    const m = await schedule({
      starts_at: "2026-02-02T09:00:00Z",
      ends_at: "2026-02-02T12:00:00Z",
      components: ["api", "mail", "web"],
    });
    const other = await schedule({
      starts_at: "2026-02-02T09:30:00Z",
      ends_at: "2026-02-02T12:00:00Z",
      components: ["mail"],
    });
    const incident = await t.api(bearer, "POST", "/api/v1/incidents", {
      slug: "web-slow",
      title: "Lent",
      status: "investigating",
      impact: "minor",
      body: "x",
      components: [{ slug: "web", status: "degraded" }],
      notify: false,
    });
    expect(incident.status).toBe(201);
    t.clock.set("2026-02-02T10:15:00.000Z");
    const res = await cancel(m.id);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      status: "completed",
      ends_at: "2026-02-02T10:15:00.000Z",
    });
    expect(await statusOf("api")).toBe("operational");
    expect(await statusOf("mail")).toBe("maintenance"); // the other maintenance holds it
    expect(await statusOf("web")).toBe("degraded"); // the open incident holds it
    expect((await events(m.id)).map((e) => e.type).at(-1)).toBe("maintenance.completed");
    expect((await cancel(m.id)).status).toBe(409);
    await cancel(other.id);
    expect(await statusOf("mail")).toBe("operational");
  });

  test("an unknown one is 404", async () => {
    expect((await cancel(99999)).status).toBe(404);
  });

  test("a misspelt notify is a 422 and cancels nothing (not cancelled on the setting it meant to override)", async () => {
    t.clock.set("2026-01-27T08:00:00.000Z");
    const m = await schedule({
      starts_at: "2026-01-28T09:00:00Z",
      ends_at: "2026-01-28T10:00:00Z",
    });
    const res = await t.api(bearer, "POST", `/api/v1/maintenances/${m.id}/cancel`, {
      notfy: false,
    });
    expect(res.status).toBe(422);
    expect(((await res.json()) as Json).detail).toContain("notfy");
    expect((await events(m.id)).map((e) => e.type)).toEqual(["maintenance.created"]);
    expect((await cancel(m.id)).status).toBe(200);
  });
});

describe("notices", () => {
  test("an edit and a cancellation tell the subscribers concerned once each; notify false tells no one", async () => {
    // `notify` on an edit decides for it and is kept for the maintenance's later moments.
    const app = await createTestApp();
    try {
      const token = await app.token();
      for (const slug of ["api", "web"]) {
        await app.api(token, "POST", "/api/v1/components", { slug, name: slug });
      }
      await subscribeAndConfirm(app, "web@example.org", "/status/subscribe", "fr", {
        components: "web",
      });
      await subscribeAndConfirm(app, "all@example.org", "/status/subscribe", "en");
      await subscribeAndConfirm(app, "api@example.org", "/status/subscribe", "en", {
        components: "api",
      });
      const notices = async (to: string) => (await mailsTo(app, to)).slice(1).map((m) => m.subject);
      const created = await app.api(token, "POST", "/api/v1/maintenances", {
        title: "Serveur web",
        body: "Coupure courte.",
        starts_at: "2026-01-15T10:00:00Z",
        ends_at: "2026-01-15T11:00:00Z",
        components: ["web"],
      });
      const { id } = (await created.json()) as { id: number };
      const edit = (body: Json) => app.api(token, "PATCH", `/api/v1/maintenances/${id}`, body);
      // notify false: this edit is told to no one, and neither are the later ones by default.
      expect((await edit({ body: "Un peu plus longue.", notify: false })).status).toBe(200);
      expect((await edit({ title: "Serveur web " })).status).toBe(200);
      await dispatchUntilIdle(app.deps);
      expect(await notices("web@example.org")).toEqual(["Maintenance prévue : Serveur web"]);
      // notify true again: told, and the cancellation (no body) follows that setting.
      expect((await edit({ ends_at: "2026-01-15T12:00:00Z", notify: true })).status).toBe(200);
      expect((await app.api(token, "POST", `/api/v1/maintenances/${id}/cancel`)).status).toBe(200);
      await dispatchUntilIdle(app.deps);
      expect(await notices("web@example.org")).toEqual([
        "Maintenance prévue : Serveur web",
        "Maintenance modifiée : Serveur web",
        "Maintenance annulée : Serveur web",
      ]);
      expect(await notices("all@example.org")).toEqual([
        "Scheduled maintenance: Serveur web",
        "Maintenance changed: Serveur web",
        "Maintenance cancelled: Serveur web",
      ]);
      expect(await notices("api@example.org")).toEqual([]);
      const [changed] = (await mailsTo(app, "web@example.org")).slice(2);
      expect(changed?.text).toContain("15 janv. 2026, 13:00"); // the new end, in Paris
      expect(changed?.headers["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
    } finally {
      app.close();
    }
  });
});
