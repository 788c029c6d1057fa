// The demo seed: the 2000 incident with its night, and the poll as it stood at 7 p.m.
import { expect, test } from "vitest";
import { DEMO_INCIDENT_SLUG, incidentDemoStep } from "../src/incidents/demo";
import { DEMO_POLL_SLUG, pollDemoStep } from "../src/polls/demo";
import { seedDemo } from "../src/seed";
import { createTestApp } from "./helpers";

test("the demo seeds the incident timeline and the poll, once, in French and English", async () => {
  const t = await createTestApp();
  try {
    const steps = [incidentDemoStep, pollDemoStep];
    expect(await seedDemo(t.deps, steps)).toEqual(["incident", "poll"]);
    expect(await seedDemo(t.deps, steps)).toEqual([]); // each step runs once per database

    const incident = (await (await t.request(`/incidents/${DEMO_INCIDENT_SLUG}.json`)).json()) as {
      title: string;
      status: string;
      impact: string;
      updates: { status: string; body: string; created_at: string }[];
    };
    expect(incident.title).toBe(
      "Envoi massif non sollicité à la liste des participants des Nets d'Or",
    );
    expect(incident.status).toBe("resolved");
    expect(incident.updates).toHaveLength(5);
    expect(incident.updates[0]?.body).toContain("Explication publiée");
    expect(incident.updates.find((u) => u.body.includes("débranché"))?.created_at).toBe(
      "2000-01-20T07:00:00.000Z", // 8 a.m. in Paris
    );

    const fr = await (await t.request(`/incidents/${DEMO_INCIDENT_SLUG}`)).text();
    expect(fr).toContain("08:00");
    expect(fr).toContain(`href="/polls/${DEMO_POLL_SLUG}"`);
    const en = await (
      await t.request(`/incidents/${DEMO_INCIDENT_SLUG}`, { headers: { "Accept-Language": "en" } })
    ).text();
    expect(en).toContain("Unsolicited mass mailing to the Nets d&#39;Or participants list");

    const results = (await (
      await t.request(`/polls/${DEMO_POLL_SLUG}/results`, {
        headers: { Accept: "application/json" },
      })
    ).json()) as { total: number; options: { label: string; percent: number }[] };
    expect(results.total).toBe(100);
    expect(results.options[0]).toMatchObject({ label: "Le pardonner", percent: 22 });
    expect(results.options[4]).toMatchObject({ label: "La pendaison", percent: 22 });

    const poll = await (
      await t.request(`/polls/${DEMO_POLL_SLUG}`, { headers: { "Accept-Language": "en" } })
    ).text();
    expect(poll).toContain("What should we do with him?");
    expect(poll).toContain("Forgive him");
    expect(poll).toContain('name="option"');
  } finally {
    t.close();
  }
});
