// The Resend adapter: the official SDK's batch endpoint, one Idempotency-Key per call.
import { Resend } from "resend";
import {
  type BatchOutcome,
  envelopeHeaders,
  headerSafe,
  MAX_BATCH,
  type MailMessage,
  type MailProvider,
  type MessageResult,
} from "./provider";

export type ResendSettings = {
  apiKey: string;
  baseUrl?: string;
  from: string;
  replyTo: string;
  /** A call that has not answered by then is treated as a network error (and retried). */
  timeoutMs?: number;
};

/**
 * Only a 400 or 422 says "this payload will never be accepted". Everything else (429, 409
 * concurrent request, quota, a bad API key, 5xx, no answer) means nothing was delivered yet and
 * the same batch may go later with the same key.
 */
const PERMANENT = new Set([400, 422]);

/** How long a 429 without retry-after holds every call. */
const THROTTLED_MS = 1000;

function retryAfterMs(headers: Record<string, string> | null): number | undefined {
  const value = headers?.["retry-after"];
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

export function resendProvider(settings: ResendSettings): MailProvider {
  const client = new Resend(settings.apiKey, { baseUrl: settings.baseUrl });
  const from = headerSafe(settings.from);
  const replyTo = headerSafe(settings.replyTo);
  return {
    name: "resend",
    async sendBatch(messages: MailMessage[], idempotencyKey: string): Promise<BatchOutcome> {
      if (messages.length === 0 || messages.length > MAX_BATCH) {
        return { kind: "rejected", reason: `a batch holds 1 to ${MAX_BATCH} messages` };
      }
      const payload = messages.map((m) => ({
        from,
        to: m.to as string,
        replyTo,
        subject: headerSafe(m.subject),
        text: m.text,
        html: m.html,
        headers: envelopeHeaders(m),
      }));
      try {
        const { data, error, headers } = await client.batch.send(payload, {
          idempotencyKey,
          batchValidation: "permissive",
          signal: AbortSignal.timeout(settings.timeoutMs ?? 30_000),
        });
        if (error) {
          const status = error.statusCode;
          const reason = `${status ?? "network"} ${error.name}: ${error.message}`;
          // Same key, other payload: retrying can never succeed (the sender settings changed).
          if (error.name === "invalid_idempotent_request") return { kind: "rejected", reason };
          if (status !== null && PERMANENT.has(status)) return { kind: "rejected", reason };
          // A 429 speaks for the whole account: the dispatcher holds every call for retry-after.
          const wait = retryAfterMs(headers) ?? (status === 429 ? THROTTLED_MS : undefined);
          return { kind: "retry", reason, retryAfterMs: wait };
        }
        // Permissive validation: refused messages are listed by index, the others get ids in order.
        const refused = new Map((data.errors ?? []).map((e) => [e.index, e.message]));
        const ids = data.data.map((d) => d.id);
        if (ids.length + refused.size !== messages.length) {
          return {
            kind: "retry",
            reason: `provider answered for ${ids.length + refused.size} of ${messages.length} messages`,
          };
        }
        let next = 0;
        const results: MessageResult[] = messages.map((_, index) => {
          const reason = refused.get(index);
          if (reason !== undefined) return { ok: false, reason: `refused: ${reason}` };
          return { ok: true, providerId: ids[next++] as string };
        });
        return { kind: "sent", results };
      } catch (error) {
        // Timeouts and aborted connections: unknown outcome, so retry with the same key.
        return { kind: "retry", reason: error instanceof Error ? error.message : String(error) };
      }
    },
  };
}
