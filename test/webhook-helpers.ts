// Signs webhook requests the way Resend (through Svix) does, independently of the library the app
// verifies with: HMAC-SHA256 of `${id}.${timestamp}.${body}` under the base64 key after `whsec_`.
import { createHmac } from "node:crypto";
import { expect } from "vitest";
import type { TestApp } from "./helpers";
import { dispatchUntilIdle, listWithContacts, moveTo } from "./sending-helpers";

export const WEBHOOK_SECRET = `whsec_${Buffer.from("relance test webhook signing key!").toString("base64")}`;

export function svixSignature(secret: string, id: string, timestamp: number, body: string) {
  const key = Buffer.from(secret.slice("whsec_".length), "base64");
  return `v1,${createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64")}`;
}

/** Seconds since the epoch on the app's clock: the 5-minute window is measured against it. */
export const clockSeconds = (t: TestApp) => Math.floor(t.clock.now().getTime() / 1000);

let counter = 0;
export const newSvixId = () => `msg_test${++counter}_${Math.random().toString(36).slice(2, 10)}`;

export type PostOptions = {
  id?: string;
  timestamp?: number;
  secret?: string;
  headers?: Record<string, string>;
};

/** POSTs `event` (an object, or a raw string body) to /webhooks/resend, signed. */
export function postWebhook(t: TestApp, event: unknown, options: PostOptions = {}) {
  const body = typeof event === "string" ? event : JSON.stringify(event);
  const id = options.id ?? newSvixId();
  const timestamp = options.timestamp ?? clockSeconds(t);
  return t.request("/webhooks/resend", {
    method: "POST",
    headers: {
      "Content-Type": "application/json",
      "svix-id": id,
      "svix-timestamp": String(timestamp),
      "svix-signature": svixSignature(options.secret ?? WEBHOOK_SECRET, id, timestamp, body),
      ...options.headers,
    },
    body,
  });
}

/** A Resend email event as its webhooks send it: `{type, created_at, data: {email_id, …}}`. */
export function emailEvent(type: string, emailId: string, extra: Record<string, unknown> = {}) {
  const at = "2026-01-15T08:05:00.000Z";
  return {
    type,
    created_at: at,
    data: {
      created_at: at,
      email_id: emailId,
      message_id: `<${emailId}@resend.example>`,
      from: "Les Nets d'Or <contact@netsdor.example>",
      to: ["someone@example.org"],
      subject: "Les Nets d'Or 2001",
      ...extra,
    },
  };
}

export const bounceEvent = (emailId: string, type: "Permanent" | "Transient" | "Undetermined") =>
  emailEvent("email.bounced", emailId, {
    bounce: {
      type,
      subType: type === "Permanent" ? "General" : "MailboxFull",
      message:
        type === "Permanent"
          ? "The recipient's email provider sent a hard bounce message."
          : "The recipient's inbox is full.",
    },
  });

export type SentMessage = { id: number; contactId: number; providerId: string; email: string };

/**
 * A list of `count` confirmed contacts and a campaign sent to all of them through the dispatcher
 * (to whatever transport the app has): the messages with their provider ids.
 */
export async function sentCampaign(t: TestApp, bearer: string, count: number, slug = "nets") {
  const { listId, contacts } = await listWithContacts(t, bearer, count, slug);
  for (const id of contacts.values()) await moveTo(t.deps, listId, id, ["invited", "confirmed"]);
  const sendId = await sendCampaign(t, bearer, listId);
  await dispatchUntilIdle(t.deps);
  const rows = await t.client.execute({
    sql: `SELECT o.id, o.contact_id, o.provider_id, c.email FROM outbox_messages o
          JOIN contacts c ON c.id = o.contact_id WHERE o.send_id = ? ORDER BY o.id`,
    args: [sendId],
  });
  const messages: SentMessage[] = rows.rows.map((r) => ({
    id: Number(r.id),
    contactId: Number(r.contact_id),
    providerId: String(r.provider_id),
    email: String(r.email),
  }));
  expect(messages).toHaveLength(count);
  expect(messages.every((m) => m.providerId && m.providerId !== "null")).toBe(true);
  return { listId, sendId, contacts, messages };
}

/** Creates and sends a campaign to a list; returns the send id (null when nobody is eligible). */
export async function sendCampaign(t: TestApp, bearer: string, listId: number) {
  const created = await t.api(bearer, "POST", "/api/v1/campaigns", {
    list_id: listId,
    subject: "Les Nets d'Or 2001 : les inscriptions sont ouvertes",
    text: "Bonjour, les inscriptions sont ouvertes.",
  });
  expect(created.status).toBe(201);
  const { id } = (await created.json()) as { id: number };
  const sent = await t.api(bearer, "POST", `/api/v1/campaigns/${id}/send`);
  expect(sent.status).toBe(202);
  return ((await sent.json()) as { send_id: number | null }).send_id as number;
}

/** The send report of a campaign to a list, without asserting anyone is eligible. */
export async function campaignReport(t: TestApp, bearer: string, listId: number) {
  const created = await t.api(bearer, "POST", "/api/v1/campaigns", {
    list_id: listId,
    subject: "Un second envoi",
    text: "Bonjour encore.",
  });
  const { id } = (await created.json()) as { id: number };
  const sent = await t.api(bearer, "POST", `/api/v1/campaigns/${id}/send`);
  return (await sent.json()) as {
    send_id: number | null;
    recipients: number;
    excluded: Record<string, number>;
  };
}
