// ORG_NAME: the organisation's name on public and participant pages and in the feeds, not the software's.
import { afterAll, beforeAll, expect, test } from "vitest";
import { createTestApp, type TestApp } from "./helpers";
import { invitedParticipants } from "./participant-helpers";

let t: TestApp;

beforeAll(async () => {
  t = await createTestApp({ ORG_NAME: "Club Exemple" });
  const bearer = await t.token();
  await t.api(bearer, "POST", "/api/v1/incidents", {
    slug: "panne",
    title: "Panne",
    status: "investigating",
    impact: "minor",
    body: "x",
  });
  await t.api(bearer, "POST", "/api/v1/polls", {
    slug: "avis",
    question: "Votre avis ?",
    options: ["Oui", "Non"],
  });
});
afterAll(() => t.close());

test.each([
  "/",
  "/incidents/panne",
  "/polls/avis",
  "/embed/polls/avis",
  "/embed/status",
  "/no-such-page",
])("%s names the organisation, never the software", async (path) => {
  const html = await (await t.request(path)).text();
  expect(html).toContain("Club Exemple");
  expect(html).not.toMatch(/Relance/);
});

test("the Atom and RSS feeds are the organisation's", async () => {
  const atom = await (await t.request("/incidents.atom")).text();
  expect(atom).toContain("<title>Club Exemple — incidents</title>");
  expect(atom).toContain("<author><name>Club Exemple</name></author>");
  const rss = await (await t.request("/incidents.rss")).text();
  expect(rss).toContain("<title>Club Exemple — incidents</title>");
  expect(rss).not.toContain("Relance");
});

test("unset, the demo organisation's name is shown", async () => {
  const plain = await createTestApp();
  try {
    expect(await (await plain.request("/")).text()).toContain("Les Nets d&#39;Or");
  } finally {
    plain.close();
  }
});

test("mail names the organisation, never the internal list name nor the software", async () => {
  const bearer = await t.token();
  await invitedParticipants(t, bearer);
  const rows = (await t.client.execute("SELECT subject, text, html FROM mail_outbox")).rows;
  expect(rows.length).toBeGreaterThan(0);
  for (const row of rows) {
    const all = `${row.subject}\n${row.text}\n${row.html}`;
    expect(String(row.subject)).toContain("Club Exemple");
    expect(all).not.toContain("Les Nets d'Or 2001");
    expect(all).not.toContain("Relance");
  }
});
