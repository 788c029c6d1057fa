// POST /webhooks/resend: Svix-signed delivery, bounce, complaint and inbound events from Resend.
// Every refusal (503 unconfigured, 413 too large, 401 unsigned or stale, 400 malformed) happens
// before anything is written. createApp mounts it ahead of the app's general middleware (session,
// Origin check, language, page context: nothing a provider's event needs), after the security
// headers, since Resend delivers these at the sending rate during a campaign.
import { type Context, Hono, type MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { AppEnv } from "../http/env";
import { problem } from "../http/problem";
import { LIMITS, overLimit } from "../http/rate-limit";
import { securedResponse } from "../http/security-headers";
import { InvalidWebhookSecret, verifyResendSignature } from "./signature";

/** Resend's events are a few KB; anything this large is not one of them. */
export const MAX_WEBHOOK_BYTES = 256 * 1024;

const tooLarge = (c: Context) => problem(c, 413, "A webhook body is at most 256 KB.");
const countedBodyLimit = bodyLimit({ maxSize: MAX_WEBHOOK_BYTES, onError: tooLarge });

/**
 * A declared Content-Length is judged as it stands (the server never reads past it); only a body
 * without one (chunked) is counted as it streams. Hono's bodyLimit asks for the body stream even
 * when the length is declared, which makes the Node adapter build a whole web Request: about a
 * fifth of an event's CPU at campaign speed (bench/RESULTS.md, webhooks).
 */
const limitBody: MiddlewareHandler<AppEnv> = (c, next) => {
  const declared = c.req.header("content-length");
  if (declared === undefined || !/^\d+$/.test(declared) || c.req.header("transfer-encoding")) {
    return countedBodyLimit(c, next);
  }
  return Number(declared) > MAX_WEBHOOK_BYTES ? Promise.resolve(tooLarge(c)) : next();
};

/** A JSON answer with the security headers in its plain header object (src/http/security-headers.ts). */
const answer = (body: unknown) =>
  securedResponse(JSON.stringify(body), {
    status: 200,
    headers: { "content-type": "application/json" },
  });

export const webhookRoutes = new Hono<AppEnv>();

webhookRoutes.post("/webhooks/resend", limitBody, async (c) => {
  const secret = c.var.deps.config.mail.resendWebhookSecret;
  if (!secret) {
    return problem(
      c,
      503,
      "Webhooks are not configured: set RESEND_WEBHOOK_SECRET to the endpoint's signing secret (whsec_…). Unsigned events are never accepted.",
    );
  }
  // The signature covers the body exactly as sent: verify the raw text before parsing it.
  const body = await c.req.text();
  let verification: ReturnType<typeof verifyResendSignature>;
  try {
    verification = verifyResendSignature(
      secret,
      body,
      {
        id: c.req.header("svix-id") ?? c.req.header("webhook-id"),
        timestamp: c.req.header("svix-timestamp") ?? c.req.header("webhook-timestamp"),
        signature: c.req.header("svix-signature") ?? c.req.header("webhook-signature"),
      },
      c.var.deps.clock.now(),
    );
  } catch (error) {
    if (error instanceof InvalidWebhookSecret) return problem(c, 503, error.message);
    throw error;
  }
  if (!verification.ok) {
    // Only a failed signature counts against the address's limit (see LIMITS.webhook).
    return (await overLimit(c, LIMITS.webhook)) ?? problem(c, 401, verification.reason);
  }

  const deps = c.var.deps;
  const result = await deps.webhooks.ingest(deps, verification.id, body);
  if (result.status === "malformed") return problem(c, 400, result.detail);
  if (result.status === "replay") return answer({ received: true, replay: true });
  return answer({ received: true, kind: result.kind, effect: result.effect });
});
