// Scheduled maintenance: creation, and scheduled → in_progress → completed by the injected clock.
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { minuteJobs, runPeriodicJobs } from "../src/jobs";
import { maintenanceStatusAt } from "../src/status/maintenance";
import { createTestApp, type TestApp } from "./helpers";
import { dispatchUntilIdle } from "./sending-helpers";
import { mailsTo, subscribeAndConfirm } from "./subscription-helpers";

let t: TestApp;
let bearer: string;

beforeAll(async () => {
  t = await createTestApp();
  bearer = await t.token();
  for (const slug of ["api", "mail"]) {
    const res = await t.api(bearer, "POST", "/api/v1/components", { slug, name: slug });
    expect(res.status).toBe(201);
  }
});
afterAll(() => t.close());

type Json = Record<string, unknown>;

const statusOf = async (slug: string) => {
  const body = (await (await t.api(bearer, "GET", "/api/v1/components")).json()) as {
    components: Json[];
  };
  return body.components.find((c) => c.slug === slug)?.status;
};

const tick = () => runPeriodicJobs(t.deps, minuteJobs);

describe("the clock rule", () => {
  test("before the start scheduled, between in progress, from the end completed", () => {
    const m = { startsAt: "2026-01-15T10:00:00.000Z", endsAt: "2026-01-15T11:00:00.000Z" };
    expect(maintenanceStatusAt(m, "2026-01-15T09:59:59.999Z")).toBe("scheduled");
    expect(maintenanceStatusAt(m, "2026-01-15T10:00:00.000Z")).toBe("in_progress");
    expect(maintenanceStatusAt(m, "2026-01-15T11:00:00.000Z")).toBe("completed");
  });
});

describe("POST /api/v1/maintenances", () => {
  test("moves scheduled → in_progress → completed with the clock, components in maintenance meanwhile", async () => {
    const res = await t.api(bearer, "POST", "/api/v1/maintenances", {
      title: "Mise à jour du serveur",
      body: "Coupure courte.",
      starts_at: "2026-01-15T10:00:00Z",
      ends_at: "2026-01-15T11:00:00+00:00",
      components: ["api"],
      notify: false,
    });
    expect(res.status).toBe(201);
    const created = (await res.json()) as Json;
    expect(created).toMatchObject({
      status: "scheduled",
      notify: false,
      components: ["api"],
      starts_at: "2026-01-15T10:00:00.000Z",
      ends_at: "2026-01-15T11:00:00.000Z",
    });
    await tick();
    expect(await statusOf("api")).toBe("operational");

    t.clock.set("2026-01-15T10:00:30.000Z");
    await tick();
    expect(await statusOf("api")).toBe("maintenance");
    expect(await statusOf("mail")).toBe("operational");
    const summary = (await (await t.request("/api/v2/summary.json")).json()) as {
      scheduled_maintenances: Json[];
    };
    expect(summary.scheduled_maintenances[0]).toMatchObject({ status: "in_progress" });

    const listed = (await (await t.api(bearer, "GET", "/api/v1/maintenances")).json()) as {
      maintenances: Json[];
    };
    expect(listed.maintenances.map((m) => m.status)).toEqual(["in_progress"]);

    t.clock.set("2026-01-15T11:00:00.000Z");
    await tick();
    expect(await statusOf("api")).toBe("operational");
    const after = (await (await t.api(bearer, "GET", "/api/v1/maintenances")).json()) as {
      maintenances: Json[];
    };
    expect(after.maintenances).toEqual([]); // completed ones leave the current list
  });

  test("an incident during maintenance shows, and the component stays held by it after", async () => {
    t.clock.set("2026-01-16T08:00:00.000Z");
    const res = await t.api(bearer, "POST", "/api/v1/maintenances", {
      title: "Migration",
      body: "x",
      starts_at: "2026-01-16T07:59:00Z",
      ends_at: "2026-01-16T09:00:00Z",
      components: ["mail"],
    });
    expect(res.status).toBe(201);
    expect(((await res.json()) as Json).status).toBe("in_progress");
    expect(await statusOf("mail")).toBe("maintenance");
    const incident = await t.api(bearer, "POST", "/api/v1/incidents", {
      slug: "mail-down",
      title: "Panne",
      status: "investigating",
      impact: "major",
      body: "x",
      components: [{ slug: "mail", status: "partial_outage" }],
    });
    expect(incident.status).toBe(201);
    expect(await statusOf("mail")).toBe("partial_outage");
    t.clock.set("2026-01-16T09:00:00.000Z");
    await tick();
    expect(await statusOf("mail")).toBe("partial_outage");
  });

  test("invalid input is 422 per field and nothing is created", async () => {
    const res = await t.api(bearer, "POST", "/api/v1/maintenances", {
      title: "",
      body: "x",
      starts_at: "tomorrow",
      ends_at: "2026-01-16T09:00:00Z",
    });
    expect(res.status).toBe(422);
    const fields = ((await res.json()) as { errors: { field: string }[] }).errors.map(
      (e) => e.field,
    );
    expect(fields.sort()).toEqual(["starts_at", "title"]);
    const backwards = await t.api(bearer, "POST", "/api/v1/maintenances", {
      title: "x",
      body: "x",
      starts_at: "2026-01-16T09:00:00Z",
      ends_at: "2026-01-16T08:00:00Z",
    });
    expect(backwards.status).toBe(422);
    const unknown = await t.api(bearer, "POST", "/api/v1/maintenances", {
      title: "x",
      body: "x",
      starts_at: "2026-01-17T09:00:00Z",
      ends_at: "2026-01-17T10:00:00Z",
      components: ["nope"],
    });
    expect(unknown.status).toBe(422);
    expect(((await unknown.json()) as { errors: Json[] }).errors[0]).toMatchObject({
      field: "components",
    });
  });
});

describe("notices to the page's subscribers", () => {
  test("one when scheduled and one when it starts, to those it concerns; notify false sends none", async () => {
    const app = await createTestApp();
    try {
      const token = await app.token();
      for (const slug of ["api", "web"]) {
        const res = await app.api(token, "POST", "/api/v1/components", { slug, name: slug });
        expect(res.status).toBe(201);
      }
      await subscribeAndConfirm(app, "all@example.org", "/status/subscribe", "en");
      await subscribeAndConfirm(app, "api@example.org", "/status/subscribe", "fr", {
        components: "api",
      });
      await subscribeAndConfirm(app, "web@example.org", "/status/subscribe", "fr", {
        components: "web",
      });
      const notices = async (to: string) => (await mailsTo(app, to)).slice(1); // after the confirmation
      const maintenance = (body: Json) =>
        app.api(token, "POST", "/api/v1/maintenances", {
          body: "Coupure courte.",
          starts_at: "2026-01-15T10:00:00Z",
          ends_at: "2026-01-15T11:00:00Z",
          components: ["web"],
          ...body,
        });
      expect((await maintenance({ title: "Silencieuse", notify: false })).status).toBe(201);
      expect((await maintenance({ title: "Serveur web" })).status).toBe(201);
      await dispatchUntilIdle(app.deps);
      expect(await notices("api@example.org")).toEqual([]);
      const [scheduled] = await notices("web@example.org");
      expect(scheduled?.subject).toBe("Maintenance prévue : Serveur web");
      expect(scheduled?.text).toContain("Coupure courte.");
      expect(scheduled?.text).toContain("15 janv. 2026, 11:00"); // the start, in Paris
      expect(scheduled?.headers["List-Unsubscribe-Post"]).toBe("List-Unsubscribe=One-Click");
      expect((await notices("all@example.org"))[0]?.subject).toBe(
        "Scheduled maintenance: Serveur web",
      );

      app.clock.set("2026-01-15T10:00:30.000Z");
      await runPeriodicJobs(app.deps, minuteJobs);
      await dispatchUntilIdle(app.deps);
      app.clock.set("2026-01-15T11:00:30.000Z");
      await runPeriodicJobs(app.deps, minuteJobs);
      await dispatchUntilIdle(app.deps);
      expect((await notices("web@example.org")).map((m) => m.subject)).toEqual([
        "Maintenance prévue : Serveur web",
        "Maintenance en cours : Serveur web",
      ]);
      expect(await notices("all@example.org")).toHaveLength(2);
      expect(await notices("api@example.org")).toEqual([]);
    } finally {
      await app.close();
    }
  });
});
