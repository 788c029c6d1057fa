// Checks a Resend webhook's Svix signature (the Standard Webhooks scheme) over the raw body, with
// the `standardwebhooks` library. It computes the HMAC in plain JavaScript (no node:crypto), so the
// same code runs on Node and Workers, and it refuses timestamps more than 5 minutes away.
import { Webhook, WebhookVerificationError } from "standardwebhooks";

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

const REASONS: Record<string, string> = {
  "Missing required headers":
    "The svix-id, svix-timestamp and svix-signature headers are all required.",
  "Invalid Signature Headers": "The svix-timestamp header is not a number of seconds.",
  "Message timestamp too old": "The svix-timestamp is more than 5 minutes in the past.",
  "Message timestamp too new": "The svix-timestamp is more than 5 minutes in the future.",
  "No matching signature found": "The signature does not match the body.",
};

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

/** Verifies `body` exactly as received; the reason is safe to return to the caller. */
export function verifyResendSignature(
  secret: string,
  body: string,
  headers: SignatureHeaders,
): Verification {
  const webhook = webhookFor(secret);
  if (!headers.id || !headers.timestamp || !headers.signature) {
    return { ok: false, reason: REASONS["Missing required headers"] as string };
  }
  try {
    webhook.verify(
      body,
      {
        "webhook-id": headers.id,
        "webhook-timestamp": headers.timestamp,
        "webhook-signature": headers.signature,
      },
      { jsonParse: false },
    );
    return { ok: true, id: headers.id };
  } catch (error) {
    if (error instanceof WebhookVerificationError) {
      return { ok: false, reason: REASONS[error.message] ?? "The signature does not verify." };
    }
    // A malformed signature (not base64) makes the comparison itself fail: still just a refusal.
    return { ok: false, reason: "The signature does not verify." };
  }
}
