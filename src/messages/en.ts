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
  tables: {
    erased: "erased",
    noName: "(no name)",
    editTitle: "Edit name and attributes",
    history: "History",
    pages: "Pages",
    of: "of",
    previous: "Previous page",
    next: "Next page",
    contacts: "Contacts",
    state: "State",
    allStates: "all states",
    search: "Search email or name",
    filter: "Filter",
    matchOne: "contact matches",
    matchMany: "contacts match",
    thisFilter: " this filter",
    email: "Email",
    name: "Name",
    language: "Language",
    lastChange: "Last change",
    attributes: "Attributes",
    exportThese: "Export these as CSV",
    suppressThese: "Suppress these…",
    eraseThese: "Erase these…",
    select: "Select",
    selectPage: "Select all on this page",
    selected: "selected",
    selection: "Selection",
    exportSelected: "Export selected",
    suppressSelected: "Suppress selected…",
    eraseSelected: "Erase selected…",
    noSelection: "No contact selected",
    noSelectionHelp:
      "Tick at least one contact in the table (or “select all on this page”), then choose the action. Nothing was changed.",
    back: "Back to the list",
    selectedTitle: (action: "erase" | "suppress", n: number) =>
      `${action === "erase" ? "Erase" : "Suppress"} ${n} selected ${n === 1 ? "contact" : "contacts"}?`,
    selectedWhat: (action: "erase" | "suppress", n: number) =>
      action === "erase"
        ? `${n} selected ${n === 1 ? "contact" : "contacts"} will be erased from every list: address, name and attributes deleted, address suppressed. This cannot be undone.`
        : `${n} selected ${n === 1 ? "contact" : "contacts"} will be put on the suppression list: never invited or mailed again.`,
    selectedButton: (action: "erase" | "suppress", n: number) =>
      `${action === "erase" ? "Erase" : "Suppress"} ${n} ${n === 1 ? "contact" : "contacts"}`,
  },
};
