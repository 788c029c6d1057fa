// Resend's webhook payloads, parsed once at the edge. Only the fields Relance acts on are
// required; everything else is kept in the stored raw body. See the resend SDK's
// webhook-event.interface (`{type, created_at, data: {email_id, …}}`).
import { z } from "zod";

/** Any event: a type and an object. Unknown types are acknowledged and stored, never refused. */
export const webhookEnvelope = z.object({
  type: z.string().min(1).max(200),
  created_at: z.string().optional(),
  data: z.record(z.string(), z.unknown()).default({}),
});
export type WebhookEnvelope = z.output<typeof webhookEnvelope>;

const emailId = z.string().min(1).max(200);
const text = z.string().max(2000).catch("");

export const emailEventData = z.object({ email_id: emailId });

export const bouncedData = z.object({
  email_id: emailId,
  bounce: z
    .object({
      // SES vocabulary: Permanent, Transient or Undetermined.
      type: text,
      subType: text.optional(),
      message: text.optional(),
    })
    .catch({ type: "" }),
});
export type Bounce = z.output<typeof bouncedData>["bounce"];

export const failedData = z.object({
  email_id: emailId,
  failed: z.object({ reason: text }).catch({ reason: "" }),
});

export const suppressedData = z.object({
  email_id: emailId,
  suppressed: z.object({ message: text, type: text.optional() }).catch({ message: "" }),
});

/** An inbound message's envelope, as the admin's inbound page shows it. */
export const receivedData = z.object({
  email_id: z.string().max(200).catch(""),
  from: z.string().max(1000).catch(""),
  to: z.array(z.string().max(1000)).catch([]),
  subject: z.string().max(2000).catch(""),
  created_at: z.string().max(100).optional().catch(undefined),
});
export type ReceivedEmail = z.output<typeof receivedData>;

export const isPermanentBounce = (bounce: Bounce) => bounce.type.toLowerCase() === "permanent";
