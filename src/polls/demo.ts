// Demo seed: the poll on the list admin's fate, with the votes as they stood at 7 p.m. that day.
import { at, DEMO_INCIDENT_SLUG } from "../incidents/demo";
import { findIncidentBySlug } from "../incidents/queries";
import type { SeedStep } from "../seed";
import { insertVotes } from "./queries";
import { createPoll } from "./service";

export const DEMO_POLL_SLUG = "sort-de-l-administrateur";

/** At 7 p.m. the two extremes had 22% each: 100 votes make that exact. */
const VOTES_AT_7PM = [22, 18, 20, 18, 22];

export const pollDemoStep: SeedStep = {
  name: "poll",
  async run(deps) {
    const incident = await findIncidentBySlug(deps.db, DEMO_INCIDENT_SLUG);
    const created = await createPoll(at(deps, "2000-01-20T16:00:00.000Z"), {
      slug: DEMO_POLL_SLUG,
      question: "Notre administrateur de liste a commis une erreur… Que doit-on faire de lui ?",
      question_en: "Our list administrator made a mistake… What should we do with him?",
      options: [
        "Le pardonner",
        "Lui confisquer son clavier",
        "Le priver de café pendant un mois",
        "Le renvoyer",
        "La pendaison",
      ],
      options_en: [
        "Forgive him",
        "Take his keyboard away",
        "No coffee for a month",
        "Fire him",
        "Hanging",
      ],
      closes_at: null,
      incident_slug: incident ? incident.slug : null,
      results_visibility: "always",
      max_choices: 1,
      audience: "public",
      list_id: null,
    });
    if (!created.ok) return;
    // Spread over 16:00–17:59 UTC (5 to 7 p.m. in Paris), one vote every 72 seconds.
    const start = Date.parse("2000-01-20T16:00:00.000Z");
    const rows = created.created.options.flatMap((option, k) =>
      Array.from({ length: VOTES_AT_7PM[k] ?? 0 }, () => option.id),
    );
    const order = rows.map((_, i) => (i * 37) % rows.length); // interleave the answers over time
    await insertVotes(
      deps.db,
      order.map((index, i) => ({
        pollId: created.created.poll.id,
        optionId: rows[index] ?? 0,
        voter: `demo-voter-${String(i).padStart(3, "0")}`,
        ipHash: "demo",
        createdAt: new Date(start + i * 72_000).toISOString(),
      })),
    );
  },
};
