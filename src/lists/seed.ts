// Demo seed: the list of last year's 3,800 participants, imported as `legacy` through the very
// CSV import an admin would use, with their 2000 entry data as attributes. Deterministic.
import { importCsv } from "../contacts/import";
import type { Deps } from "../deps";
import type { SeedStep } from "../seed";
import { createList } from "./service";

export const DEMO_LIST = {
  slug: "nets-dor-2001",
  name: "Les Nets d'Or 2001 — participants 2000",
  purpose:
    "Recevoir par e-mail les informations du concours Les Nets d'Or 2001 : ouverture des inscriptions, calendrier, résultats. Une lettre par étape, jamais transmise à des tiers.\n\nReceive the Nets d'Or 2001 contest news by email: entries opening, calendar, results. One message per stage, never shared with third parties.",
};
export const DEMO_PARTICIPANTS = 3800;
export const DEMO_SOURCE = "extraction des participants 2000";

const FIRST = [
  "Alice",
  "Bruno",
  "Claire",
  "David",
  "Élise",
  "François",
  "Gaëlle",
  "Hugo",
  "Inès",
  "Jules",
  "Karim",
  "Léa",
  "Marc",
  "Nadia",
  "Olivier",
  "Pauline",
  "Quentin",
  "Rose",
  "Samir",
  "Thomas",
];
const LAST = [
  "Martin",
  "Bernard",
  "Dubois",
  "Thomas",
  "Robert",
  "Richard",
  "Petit",
  "Durand",
  "Leroy",
  "Moreau",
  "Simon",
  "Laurent",
  "Lefèvre",
  "Michel",
  "Garcia",
  "David",
  "Bertrand",
  "Roux",
  "Vincent",
  "Fournier",
];
const TOPICS = [
  "cuisine",
  "jazz",
  "randonnée",
  "photo",
  "astronomie",
  "rugby",
  "bd",
  "jardin",
  "cinéma",
  "voile",
  "échecs",
  "théâtre",
  "vélo",
  "poésie",
  "aquariophilie",
  "montagne",
  "radio",
  "origami",
  "musée",
  "cirque",
];
const CATEGORIES = [
  "Site personnel",
  "Association",
  "Commerce",
  "Culture",
  "Éducation",
  "Institutionnel",
  "Jeune talent",
];

const ascii = (text: string) =>
  text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase();

/** One CSV line per participant; `;` separated like a French spreadsheet export. */
export function demoParticipantsCsv(count = DEMO_PARTICIPANTS): string {
  const lines = ["email;name;site;url;category;language"];
  for (let i = 0; i < count; i++) {
    const first = FIRST[i % FIRST.length] as string;
    const last = LAST[Math.floor(i / FIRST.length) % LAST.length] as string;
    const topic = TOPICS[(i * 7) % TOPICS.length] as string;
    const slug = `${ascii(topic)}-${ascii(last)}${i}`;
    lines.push(
      [
        `${ascii(first)}.${ascii(last)}.${i}@example.org`,
        `${first} ${last}`,
        `Le site ${topic} ${/^[AEIOUÉ]/.test(first) ? "d'" : "de "}${first}`,
        `http://www.${slug}.example.org/`,
        CATEGORIES[(i * 3) % CATEGORIES.length],
        i % 5 === 0 ? "en" : "fr",
      ].join(";"),
    );
  }
  return `${lines.join("\r\n")}\r\n`;
}

export const demoListStep: SeedStep = {
  name: "list-nets-dor-2001",
  async run(deps: Deps) {
    const created = await createList(deps, "seed", DEMO_LIST);
    if (!created.ok) return; // a list with this slug exists already: leave it alone
    const result = await importCsv(
      deps,
      { listId: created.list.id, source: DEMO_SOURCE, actor: "seed" },
      new Blob([demoParticipantsCsv()]).stream(),
    );
    if (!result.ok) throw new Error(`demo import failed: ${result.message}`);
  },
};
