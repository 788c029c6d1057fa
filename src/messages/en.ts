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
  lostLink: {
    title: "Lost your link?",
    intro:
      "Every message we send you carries a link to your preferences: your lists, your language, your data. If you cannot find it, give your address and we will send it again.",
    listLabel: "List:",
    email: "Your email address",
    submit: "Send me my link",
    fixErrors: "Please correct the field marked below.",
    required: "Give your email address.",
    invalid: "This email address is not valid (example: name@example.org).",
    tooLong: "This address is too long.",
    sentTitle: "Request received",
    sentBody:
      "If this address is on the list, a message with your link is on its way. It can take a few minutes to arrive. We send at most one a day.",
    sentBodyAny:
      "If this address is on one of our lists, a message with your link is on its way. It can take a few minutes to arrive. We send at most one a day.",
    sentSpam: "Nothing arrived? Look in your junk mail before asking again tomorrow.",
    formLink: "Lost the link to your preferences?",
    brokenLink: "Ask for a new link to your preferences",
    mailSubject: "Your preferences link",
    mailHello: "Hello,",
    mailWhy:
      "You (or someone who knows your address) asked for the link to your preferences. Here it is: with it you can see your lists, leave or rejoin them, choose your language, download or erase your data.",
    mailButton: "Manage your preferences and your data",
    mailIgnore:
      "If you did not ask for it, ignore this message: nothing changed and you will get nothing else about it.",
    mailUnsubscribe: "Stop receiving anything from this list",
  },
};
