// The events outgoing webhooks carry, and how an endpoint's subscription patterns match them.

export const WEBHOOK_EVENTS = [
  "incident.created",
  "incident.updated",
  "incident.resolved",
  "maintenance.created",
  "maintenance.updated",
  "maintenance.started",
  "maintenance.completed",
  "component.created",
  "component.updated",
] as const;

export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** The event the "send a test event" button sends; every endpoint receives it, whatever it chose. */
export const TEST_EVENT = "webhook.test";

/** A pattern an endpoint may subscribe with: an event, a family (`incident.*`) or `*`. */
export const EVENT_PATTERNS: readonly string[] = [
  ...WEBHOOK_EVENTS,
  ...new Set(WEBHOOK_EVENTS.map((e) => `${e.split(".")[0]}.*`)),
  "*",
];

export const eventMatches = (patterns: readonly string[], type: string) =>
  type === TEST_EVENT ||
  patterns.some(
    (p) => p === "*" || p === type || (p.endsWith(".*") && type.startsWith(p.slice(0, -1))),
  );
