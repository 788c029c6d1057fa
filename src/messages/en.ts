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
  campaigns: {
    title: "Campaigns",
    intro: "A campaign reaches only the contacts who confirmed their consent for its list.",
    listNumber: (id: number) => `list #${id}`,
    none: "No campaign yet.",
    write: "Write a campaign",
    list: "The list it goes to",
    subject: "Subject",
    text: "Text of the message",
    htmlFull: "HTML (optional; without it the text is sent as HTML too)",
    html: "HTML (optional)",
    mergeTags:
      "Merge tags: {{name}} and {{attr.KEY}} (a contact attribute), with an optional fallback such as {{name|friend}}.",
    saveAndPreview: "Save and preview",
    mainLanguage: "Main language",
    mainLanguageHint: "Contacts whose language has no version of its own get the main version.",
    languageName: (lang: "fr" | "en") => ({ fr: "French", en: "English" })[lang],
    statusName: (status: string) => status,
    forList: (name: string) => `For the list “${name}”. Status:`,
    toBeSentAt: ", to be sent at",
    preview: "Preview",
    previewOf: (language: string) => `${language} version`,
    previewAs: (name: string | null) =>
      `As ${name ?? "a contact without a name"} would see it. Subject:`,
    previewFrame: (language: string) => `Preview of the campaign (${language})`,
    sendTest: (language: string, email: string) =>
      `Send the ${language} version as a test to ${email}`,
    testSent: (email: string) =>
      `A test is on its way to ${email}, through the outbox like every message.`,
    duplicate: "Duplicate as a new draft",
    cancel: "Cancel this campaign",
    edit: "Edit this draft",
    mainVersion: (language: string) => `Main version (${language})`,
    otherVersion: (language: string) => `${language} version`,
    versionHint: (language: string) =>
      `For contacts who speak ${language}. Leave its subject and text empty to have none.`,
    sendAt: "Send at (UTC; leave empty to keep it a draft)",
    save: "Save",
    cancelledBeforeSent: "This campaign was cancelled before it was sent.",
    sent: "Sent",
    sentOn: "Sent on",
    startedOn: "Started on",
    sentTo: (n: string, status: string) => `to ${n} contacts (${status}).`,
    sendNumber: (id: number) => `Send #${id}`,
    send: "Send",
    willReceive: "will receive it",
    whoGetsWhich: "Who gets which version",
    getsVersion: (n: string, language: string) => `${n} will get the ${language} version`,
    mainFallback: "(the main one: also everyone whose language has no version)",
    nobody:
      "Nobody can receive this campaign: no contact of this list has confirmed consent (or every one who did is suppressed). Send a re-consent invitation first.",
    typeToConfirm: (n: number) => `Type ${n} to confirm`,
    sendTo: (n: string) => `Send to ${n} contacts`,
  },
};
