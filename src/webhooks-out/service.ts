// Outgoing webhooks: owners register endpoints; incident, maintenance and component services call
// `emitEvent`, which queues one delivery per subscribed endpoint (delivered by deliver.ts).
import { recordAudit } from "../audit/service";
import { toBase64Url } from "../crypto";
import type { Deps } from "../deps";
import { eventMatches, TEST_EVENT } from "./events";
import { checkTarget } from "./guard";
import * as q from "./queries";

export type { Delivery, Endpoint } from "./queries";

/** Registration refused: the URL is not one Relance may call (the message says why). */
export class RefusedWebhookUrl extends Error {
  override name = "RefusedWebhookUrl";
  constructor(
    message: string,
    /** The refusal's name and what it names, for pages in other languages. */
    readonly code: string,
    readonly values: Record<string, string>,
  ) {
    super(message);
  }
}

export const targetOptions = (deps: Deps) => ({
  allowPrivate: deps.config.webhookAllowPrivate,
  resolveHost: deps.resolveHost,
});

/** A signing secret in the Standard Webhooks form: `whsec_` and 24 random bytes in base64. */
const newSecret = (deps: Deps) => `whsec_${btoa(String.fromCharCode(...deps.randomBytes(24)))}`;

export async function registerEndpoint(
  deps: Deps,
  input: { url: string; events: string[] },
  actor: string,
): Promise<q.Endpoint> {
  const target = await checkTarget(input.url, targetOptions(deps));
  if (!target.ok) throw new RefusedWebhookUrl(target.reason, target.code, target.values);
  const endpoint = await q.insertEndpoint(deps.db, {
    url: target.url.href,
    events: [...new Set(input.events)],
    secret: newSecret(deps),
    createdBy: actor,
    createdAt: deps.clock.now().toISOString(),
  });
  await recordAudit(deps, {
    actor,
    action: "webhook_endpoint.create",
    summary: `Webhook endpoint ${endpoint.url} registered for ${endpoint.events.join(", ")}`,
  });
  return endpoint;
}

export async function removeEndpoint(deps: Deps, id: number, actor: string) {
  const endpoint = await q.endpointById(deps.db, id);
  if (!endpoint || !(await q.deleteEndpoint(deps.db, id))) return false;
  await recordAudit(deps, {
    actor,
    action: "webhook_endpoint.delete",
    summary: `Webhook endpoint ${endpoint.url} removed`,
  });
  return true;
}

export const listEndpoints = (deps: Deps) => q.allEndpoints(deps.db);
export const endpointById = (deps: Deps, id: number) => q.endpointById(deps.db, id);
export const recentDeliveries = (deps: Deps, endpointIds: number[]) =>
  q.recentDeliveries(deps.db, endpointIds);

/** The Standard Webhooks body: `{type, timestamp, data}`. */
const envelope = (type: string, at: Date, data: unknown) =>
  JSON.stringify({ type, timestamp: at.toISOString(), data });

function deliveryRow(deps: Deps, endpointId: number, type: string, payload: string, at: string) {
  return {
    endpointId,
    messageId: `msg_${toBase64Url(deps.randomBytes(18))}`,
    eventType: type,
    payload,
    status: "pending" as const,
    nextAttemptAt: at,
    createdAt: at,
  };
}

/**
 * Queues `type` with `payload` for every endpoint subscribed to it; the deliveries go out from
 * the queue (within seconds on Node, at the next minute's cron on Workers), never in the request.
 */
export async function emitEvent(deps: Deps, type: string, payload: unknown): Promise<number> {
  const now = deps.clock.now();
  const at = now.toISOString();
  const body = envelope(type, now, payload);
  const endpoints = (await q.allEndpoints(deps.db)).filter((e) => eventMatches(e.events, type));
  const rows = endpoints.map((e) => deliveryRow(deps, e.id, type, body, at));
  await q.insertDeliveries(deps.db, rows);
  return rows.length;
}

/** The "send a test event" button: one `webhook.test` delivery to that endpoint only. */
export async function sendTestEvent(deps: Deps, endpointId: number, actor: string) {
  const endpoint = await q.endpointById(deps.db, endpointId);
  if (!endpoint) return undefined;
  const now = deps.clock.now();
  const body = envelope(TEST_EVENT, now, { endpoint_id: endpoint.id, sent_by: actor });
  const [row] = await q.insertDeliveries(deps.db, [
    deliveryRow(deps, endpoint.id, TEST_EVENT, body, now.toISOString()),
  ]);
  return row?.id;
}

/** The delivery log keeps EVENT_RETENTION_DAYS, like the provider's events (a periodic job). */
export async function pruneWebhookDeliveries(deps: Deps) {
  const days = deps.config.eventRetentionDays;
  await q.pruneDeliveries(
    deps.db,
    new Date(deps.clock.now().getTime() - days * 86_400_000).toISOString(),
  );
}
