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
  maintenance: {
    edit: "Edit this maintenance",
    title: "Maintenance title",
    body: "What will happen",
    startsAt: "Starts at (ISO 8601, with its offset)",
    endsAt: "Ends at (ISO 8601, with its offset)",
    components: "Components (slugs, separated by commas)",
    notify: "Tell the subscribers concerned",
    save: "Save the changes",
    cancel: "Cancel this maintenance…",
    confirmCancel:
      "Yes, cancel this maintenance: a scheduled one will not take place, one in progress ends now.",
    confirmNeeded: "Tick the box to confirm the cancellation.",
    cancelButton: "Cancel the maintenance",
    closed: "This maintenance is completed or cancelled: it can no longer change.",
  },
};
