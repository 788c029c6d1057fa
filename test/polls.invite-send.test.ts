// Opening an invite-only poll: POST /api/v1/polls/:id/invite sends each member whose consent
// allows a poll invitation one message through the pipeline, with their own voting link; results
// then show the turnout (votes / invited).
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createTestApp, ORIGIN, type TestApp } from "./helpers";
import { newPoll, type PollBody, readResults } from "./poll-helpers";
import { dispatchUntilIdle, listWithContacts, moveTo } from "./sending-helpers";

let t: TestApp;
let bearer: string;
let listId: number;
let contacts: Map<string, number>;

type Report = { send_id: number | null; recipients: number; excluded: Record<string, number> };

beforeAll(async () => {
  t = await createTestApp({ VOTE_LIMIT_PER_IP_PER_MINUTE: "1000" });
  bearer = await t.token();
  ({ listId, contacts } = await listWithContacts(t, bearer, 6, "members"));
  const id = (n: number) => contacts.get(`p${n}@example.org`) as number;
  // p0..p2 confirmed; p3 confirmed then unsubscribed; p4 invited then expired; p5 still legacy.
  for (const n of [0, 1, 2]) await moveTo(t.deps, listId, id(n), ["invited", "confirmed"]);
  await moveTo(t.deps, listId, id(3), ["invited", "confirmed", "unsubscribed"]);
  await moveTo(t.deps, listId, id(4), ["invited", "expired"]);
});
afterAll(() => t.close());

const invitePoll = (extra: Record<string, unknown> = {}) =>
  newPoll(t, bearer, { audience: "list", list_id: listId, results_visibility: "always", ...extra });

const invite = (poll: { id: number }) => t.api(bearer, "POST", `/api/v1/polls/${poll.id}/invite`);

/** The voting link in the newest mail to `to`, as a path. */
async function votingLink(to: string): Promise<string | undefined> {
  const row = (
    await t.client.execute({
      sql: "SELECT text, html FROM mail_outbox WHERE to_address = ? ORDER BY id DESC LIMIT 1",
      args: [to],
    })
  ).rows[0];
  const text = String(row?.text ?? "");
  expect(String(row?.html ?? "")).toContain(`${ORIGIN}/v/`);
  return /https?:\/\/[^/\s]+(\/v\/[\w.-]+)/.exec(text)?.[1];
}

const voteByLink = (path: string, option: number) =>
  t.request(path, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: ORIGIN },
    body: new URLSearchParams({ option: String(option) }).toString(),
  });

const mailsTo = async (to: string) =>
  Number(
    (
      await t.client.execute({
        sql: "SELECT count(*) AS n FROM mail_outbox WHERE to_address = ?",
        args: [to],
      })
    ).rows[0]?.n,
  );

describe("POST /api/v1/polls/:id/invite", () => {
  let poll: PollBody;
  let report: Report;

  beforeAll(async () => {
    poll = await invitePoll();
    const res = await invite(poll);
    expect(res.status, await res.clone().text()).toBe(202);
    report = (await res.json()) as Report;
    await dispatchUntilIdle(t.deps);
  });

  test("202 with the send, its recipients and the excluded counted as for a campaign", () => {
    expect(report.send_id).toEqual(expect.any(Number));
    expect(report.recipients).toBe(3);
    expect(report.excluded).toMatchObject({ unsubscribed: 1, expired: 1, legacy: 1 });
  });

  test("only members whose consent allows a poll invitation get one message each", async () => {
    for (const n of [0, 1, 2]) expect(await mailsTo(`p${n}@example.org`), `p${n}`).toBe(1);
    for (const n of [3, 4, 5]) expect(await mailsTo(`p${n}@example.org`), `p${n}`).toBe(0);
    const sends = await t.client.execute({
      sql: "SELECT kind, total FROM sends WHERE id = ?",
      args: [report.send_id],
    });
    expect(sends.rows[0]).toMatchObject({ kind: "poll", total: 3 });
  });

  test("each mail carries its own voting link, which votes once from any browser", async () => {
    const links = await Promise.all([0, 1, 2].map((n) => votingLink(`p${n}@example.org`)));
    expect(new Set(links).size).toBe(3);
    const [first = "", second = ""] = links;
    expect((await voteByLink(first, poll.options[0]?.id ?? 0)).status).toBe(303);
    const again = await voteByLink(first, poll.options[1]?.id ?? 0);
    expect(again.status).toBe(303);
    expect(await (await t.request(first)).text()).toContain("Le pardonner");
    expect((await voteByLink(second, poll.options[2]?.id ?? 0)).status).toBe(303);
    const results = (await (await readResults(t, poll.slug)).json()) as {
      total: number;
      invited: number;
    };
    expect(results).toMatchObject({ total: 2, invited: 3 });
  });

  test("the results show the turnout: votes out of invited", async () => {
    const html = await (await readResults(t, poll.slug, undefined, false)).text();
    expect(html).toContain("2 votants sur 3 invités (67 %)");
  });

  test("a poll is invited once: a second call is a 409 and sends nothing", async () => {
    const res = await invite(poll);
    expect(res.status).toBe(409);
    expect(((await res.json()) as { detail: string }).detail).toContain("already");
    await dispatchUntilIdle(t.deps);
    expect(await mailsTo("p0@example.org")).toBe(1);
  });
});

describe("what cannot be invited", () => {
  test("a public poll (409), a closed poll (409), an unknown poll (404)", async () => {
    const open = await newPoll(t, bearer);
    const publicRes = await invite(open);
    expect(publicRes.status).toBe(409);
    expect(((await publicRes.json()) as { detail: string }).detail).toContain("public");
    const closed = await invitePoll();
    await t.api(bearer, "POST", `/api/v1/polls/${closed.id}/close`);
    expect((await invite(closed)).status).toBe(409);
    expect((await invite({ id: 999_999 })).status).toBe(404);
    const sends = await t.client.execute("SELECT count(*) AS n FROM sends WHERE kind = 'poll'");
    expect(Number(sends.rows[0]?.n)).toBe(1);
  });

  test("two invite calls at once: one send", async () => {
    const poll = await invitePoll();
    const answers = await Promise.all([invite(poll), invite(poll)]);
    expect(answers.map((a) => a.status).sort()).toEqual([202, 409]);
  });

  test("before the invitation, an invite-only poll counts nobody invited", async () => {
    const poll = await invitePoll();
    const results = (await (await readResults(t, poll.slug)).json()) as Record<string, unknown>;
    expect(results.invited).toBe(0);
  });
});

describe("the admin poll page", () => {
  test("an invite-only poll has a button that sends the invitations once, then shows the turnout", async () => {
    const cookie = await t.signIn();
    const poll = await invitePoll();
    const page = await t.request(`/admin/polls/${poll.id}`, { headers: { Cookie: cookie } });
    expect(await page.text()).toContain(`action="/admin/polls/${poll.id}/invite"`);
    const sent = await t.form(`/admin/polls/${poll.id}/invite`, {}, { Cookie: cookie });
    expect(sent.status).toBe(303);
    expect(sent.headers.get("location")).toMatch(/^\/admin\/sends\/\d+$/);
    const sendPage = await t.request(sent.headers.get("location") ?? "", {
      headers: { Cookie: cookie },
    });
    expect(sendPage.status).toBe(200);
    expect(await sendPage.text()).toContain("Que doit-on faire de lui ?");
    const after = await (
      await t.request(`/admin/polls/${poll.id}`, { headers: { Cookie: cookie } })
    ).text();
    expect(after).not.toContain(`action="/admin/polls/${poll.id}/invite"`);
    expect(after).toContain("Turnout: 0 of 3 voted (0%)");
    const again = await t.form(`/admin/polls/${poll.id}/invite`, {}, { Cookie: cookie });
    expect(again.status).toBe(409);
    expect(await again.text()).toContain("already invited");
  });
});

describe("the invitation mail", () => {
  test("prepared once per send, it is the very mail a full render gives, names escaped", async () => {
    const { preparePollInvitation, renderPollInvitation } = await import(
      "../src/polls/invitation-mail"
    );
    const fixed = { listName: "Les <Nets>", question: "Que faire & quand ?" };
    const mail = preparePollInvitation(fixed);
    for (const contactName of ["Zoé <script>", null]) {
      const perMessage = {
        lang: "fr" as const,
        contactName,
        voteUrl: `${ORIGIN}/v/v1-2.abc`,
        unsubscribeUrl: `${ORIGIN}/u/x`,
        preferencesUrl: `${ORIGIN}/p/y`,
      };
      const full = renderPollInvitation({ ...fixed, ...perMessage });
      const { fillTemplate } = await import("../src/sending/templates");
      const { template, values } = mail.compose(perMessage);
      expect(fillTemplate(template, values)).toEqual(full);
      expect(full.html).not.toContain("<script>");
      expect(full.html).toContain("Les &lt;Nets&gt;");
    }
  });
});
