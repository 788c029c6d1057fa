// The English catalogue of the page shells and the home page (same keys as fr.ts).
import type { Messages } from "./fr";

export const en: Messages = {
  shell: {
    home: "Home",
    skip: "Skip to content",
    tagline: "Consent-first lists, public incidents and polls",
  },
  home: {
    title: "Service status",
    intro: "How our services are doing, open and past incidents, and planned maintenance.",
    status: "Live check",
    check: "Check now",
    dbOk: "Database reachable",
    checkedAt: "checked on",
  },
};
