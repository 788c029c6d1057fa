// The pages of the README's story, derived from the demo data, for the responsive and
// accessibility browser tests: every admin page, every public and participant page.
import { DEMO_INCIDENT_SLUG } from "../src/incidents/demo";
import { DEMO_POLL_SLUG } from "../src/polls/demo";
import type { TestApp } from "./helpers";
import { invitedParticipants, linksInMail } from "./participant-helpers";

export type StoryPages = { admin: string[]; public: string[] };

export async function storyPages(server: { t: TestApp }): Promise<StoryPages> {
  const t = server.t;
  const bearer = await t.token();
  const { listId, sendId } = await invitedParticipants(t, bearer, "story");
  const links = await linksInMail(t, "alice@example.org");
  const lists = (await (await t.api(bearer, "GET", "/api/v1/lists")).json()) as {
    items: { id: number; slug: string }[];
  };
  const demo = lists.items.find((l) => l.slug === "nets-dor-2001")?.id ?? listId;
  const polls = (await t.client.execute("SELECT id FROM polls ORDER BY id LIMIT 1")).rows;
  const incidents = (await t.client.execute("SELECT id FROM incidents ORDER BY id LIMIT 1")).rows;
  return {
    admin: [
      "/admin",
      "/admin/lists",
      `/admin/lists/${demo}`,
      `/admin/lists/${listId}`,
      `/admin/lists/${demo}/reconsent`,
      "/admin/campaigns",
      "/admin/sending",
      `/admin/sends/${sendId}`,
      "/admin/deliverability",
      "/admin/inbound",
      "/admin/suppressions",
      "/admin/mailbox",
      "/admin/audit",
      "/admin/admins",
      "/admin/account",
      "/admin/polls",
      `/admin/polls/${polls[0]?.id}`,
      "/admin/incidents",
      `/admin/incidents/${incidents[0]?.id}`,
    ],
    public: [
      "/",
      "/status",
      `/incidents/${DEMO_INCIDENT_SLUG}`,
      `/polls/${DEMO_POLL_SLUG}`,
      "/lists/story/subscribe",
      "/lists/story/lost-link",
      "/lost-link",
      links.consent as string,
      links.preferences as string,
      "/admin/login",
    ],
  };
}
