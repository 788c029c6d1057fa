// Checks a Resend webhook's Svix signature (the Standard Webhooks scheme) over the raw body. The
// HMAC comes from the `standardwebhooks` library (plain JavaScript, no node:crypto, so the same
// code runs on Node and Workers); the 5-minute window is measured against the app's clock rather
// than the library's `Date.now()`, so that it is the same time Relance records (and tests set).
import { Webhook } from "standardwebhooks";
import { z } from "zod";

export type SignatureHeaders = {
  id: string | undefined;
  timestamp: string | undefined;
  signature: string | undefined;
};

export type Verification = { ok: true; id: string } | { ok: false; reason: string };

/** Thrown when RESEND_WEBHOOK_SECRET is not a usable `whsec_…` secret. */
export class InvalidWebhookSecret extends Error {
  override name = "InvalidWebhookSecret";
}

/** How far a signed timestamp may be from now, either way (what Svix and the library allow). */
export const WEBHOOK_TOLERANCE_SECONDS = 5 * 60;

const REASONS = {
  missing: "The svix-id, svix-timestamp and svix-signature headers are all required.",
  timestamp: "The svix-timestamp header is not a number of seconds.",
  old: "The svix-timestamp is more than 5 minutes in the past.",
  new: "The svix-timestamp is more than 5 minutes in the future.",
  signature: "The signature does not match the body.",
} as const;

const signatureHeaders = z.object({
  id: z.string().min(1),
  timestamp: z.string().min(1),
  signature: z.string().min(1),
});

/** Seconds since the epoch, as Svix sends them (at most 12 digits: a Date can hold it). */
const timestampSeconds = z
  .string()
  .regex(/^\d{1,12}$/)
  .transform(Number);

let cached: { secret: string; webhook: Webhook } | undefined;

function webhookFor(secret: string): Webhook {
  if (cached?.secret !== secret) {
    try {
      cached = { secret, webhook: new Webhook(secret) };
    } catch {
      throw new InvalidWebhookSecret(
        "RESEND_WEBHOOK_SECRET is not a valid signing secret (whsec_ followed by base64).",
      );
    }
  }
  return cached.webhook;
}

/** Compares in time that does not depend on where the strings differ. */
function sameText(a: string, b: string) {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}

/**
 * Verifies `body` exactly as received, with its timestamp within 5 minutes of `now`; the reason
 * is safe to return to the caller.
 */
export function verifyResendSignature(
  secret: string,
  body: string,
  raw: SignatureHeaders,
  now: Date,
): Verification {
  const webhook = webhookFor(secret);
  const headers = signatureHeaders.safeParse(raw);
  if (!headers.success) return { ok: false, reason: REASONS.missing };
  const seconds = timestampSeconds.safeParse(headers.data.timestamp);
  if (!seconds.success) return { ok: false, reason: REASONS.timestamp };
  // In whole seconds, as the library counts.
  const age = Math.floor(now.getTime() / 1000) - seconds.data;
  if (age > WEBHOOK_TOLERANCE_SECONDS) return { ok: false, reason: REASONS.old };
  if (age < -WEBHOOK_TOLERANCE_SECONDS) return { ok: false, reason: REASONS.new };
  // `v1,<base64>` entries separated by spaces (several while the secret is being rotated).
  const expected = webhook.sign(headers.data.id, new Date(seconds.data * 1000), body);
  const matches = headers.data.signature
    .split(" ")
    .some((candidate) => candidate.startsWith("v1,") && sameText(candidate, expected));
  return matches ? { ok: true, id: headers.data.id } : { ok: false, reason: REASONS.signature };
}
