// Demo data for the status page: the services of the 2000 story, in two groups.
import type { Deps } from "../deps";
import type { SeedStep } from "../seed";
import { ComponentError, createComponent } from "./components";

const DEMO_COMPONENTS = [
  { slug: "site-web", name: "Site des Nets d'Or", group: "Public" },
  { slug: "votes", name: "Votes et sondages", group: "Public" },
  { slug: "messagerie", name: "Messagerie", group: "Courrier" },
  { slug: "liste-participants", name: "Liste des participants", group: "Courrier" },
];

export const statusDemoStep: SeedStep = {
  name: "status components",
  async run(deps: Deps) {
    for (const c of DEMO_COMPONENTS) {
      try {
        await createComponent(deps, { ...c, description: null });
      } catch (error) {
        if (!(error instanceof ComponentError)) throw error; // already seeded: keep it
      }
    }
  },
};
