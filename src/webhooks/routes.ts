// POST /webhooks/resend: Svix-signed delivery, bounce, complaint and inbound events from Resend.
// Every refusal (503 unconfigured, 413 too large, 401 unsigned or stale, 400 malformed) happens
// before anything is written.
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { AppEnv } from "../http/env";
import { problem } from "../http/problem";
import { LIMITS, overLimit } from "../http/rate-limit";
import { InvalidWebhookSecret, verifyResendSignature } from "./signature";

/** Resend's events are a few KB; anything this large is not one of them. */
export const MAX_WEBHOOK_BYTES = 256 * 1024;

export const webhookRoutes = new Hono<AppEnv>();

webhookRoutes.post(
  "/webhooks/resend",
  bodyLimit({
    maxSize: MAX_WEBHOOK_BYTES,
    onError: (c) => problem(c, 413, "A webhook body is at most 256 KB."),
  }),
  async (c) => {
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
    if (result.status === "replay") return c.json({ received: true, replay: true });
    return c.json({ received: true, kind: result.kind, effect: result.effect });
  },
);
