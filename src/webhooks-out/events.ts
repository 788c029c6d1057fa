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

/** An incident as webhooks carry it (the shape of `/incidents/:slug.json`, with its id). */
export const incidentPayload = (
  incident: {
    id: number;
    slug: string;
    title: string;
    status: string;
    impact: string;
    body: string;
    createdAt: string;
    resolvedAt: string | null;
  },
  update?: { status: string; body: string; createdAt: string },
) => ({
  incident: {
    id: incident.id,
    slug: incident.slug,
    title: incident.title,
    status: update?.status ?? incident.status,
    impact: incident.impact,
    body: incident.body,
    created_at: incident.createdAt,
    resolved_at: incident.resolvedAt,
  },
  ...(update
    ? { update: { status: update.status, body: update.body, created_at: update.createdAt } }
    : {}),
});
