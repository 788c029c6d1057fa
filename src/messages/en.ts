// The English catalogue of the page shells and the home page (same keys as fr.ts).
import type { Messages } from "./fr";

export const en: Messages = {
  shell: {
    home: "Home",
    skip: "Skip to content",
    tagline: "Consent-first lists, public incidents and polls",
  },
  home: {
    intro:
      "Relance runs mailing lists where everyone has agreed to be there, and publishes the organisation's incidents and polls.",
    status: "Service status",
    check: "Check now",
    dbOk: "Database reachable",
    checkedAt: "checked on",
  },
};
