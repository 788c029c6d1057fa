// The mail provider interface. A message has exactly one recipient by construction: `to` is a
// single parsed address, and there is no cc, bcc or list address anywhere in these types.

declare const singleAddress: unique symbol;
/** One mailbox, parsed by `singleRecipient`; a comma, semicolon or angle-bracket list cannot be one. */
export type SingleAddress = string & { readonly [singleAddress]: true };

/** Accepts exactly one plain address (`local@domain`), nothing that a mail server could split. */
export function singleRecipient(address: string): SingleAddress {
  const value = address.trim();
  if (!/^[^\s@,;<>()"[\]\\:]+@[^\s@,;<>()"[\]\\:]+\.[^\s@,;<>()"[\]\\:]+$/.test(value)) {
    throw new Error(`not a single recipient address: ${JSON.stringify(address)}`);
  }
  return value as SingleAddress;
}

/**
 * Control characters: C0 (NUL, TAB, VT, FF, CR, LF…), DEL, C1 (NEL…) and the Unicode line and
 * paragraph separators. In a header some start a new line (so a new header), NUL truncates it.
 */
export const CONTROL_CHARACTERS = /[\p{Cc}\u2028\u2029]/u;
const CONTROL_RUNS = new RegExp(`(?:\\s*${CONTROL_CHARACTERS.source})+\\s*`, "gu");

/** Whether text typed for a subject or a name holds a control character (refused at input). */
export const hasControlCharacters = (value: string) => CONTROL_CHARACTERS.test(value);

/** The message people read when a subject or name holds one. */
export const CONTROL_CHARACTERS_MESSAGE =
  "cannot contain control characters (line breaks, tabs or other invisible characters).";

/**
 * A header value without control characters, each run replaced by one space: input refuses them
 * already, this is the last guard for whatever the database holds (merge tags, older rows).
 */
export function headerSafe(value: string): string {
  return value.replace(CONTROL_RUNS, " ").trim();
}

export type MailMessage = {
  readonly to: SingleAddress;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  /** The contact's own unsubscribe link: required on every message (RFC 8058 one-click). */
  readonly unsubscribeUrl: string;
  readonly cc?: never;
  readonly bcc?: never;
};

/** The headers every message carries; Reply-To is always the configured human mailbox. */
export function envelopeHeaders(message: MailMessage): Record<string, string> {
  return {
    "List-Unsubscribe": `<${headerSafe(message.unsubscribeUrl)}>`,
    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
  };
}

export type MessageResult = { ok: true; providerId: string } | { ok: false; reason: string };

export type BatchOutcome =
  /** Answered: per message, in order, its provider id or why the provider refused it. */
  | { kind: "sent"; results: MessageResult[] }
  /**
   * Nothing was sent (or it is unknown): try the same batch again with the same key. With
   * `retryAfterMs` (the provider's retry-after) no call of any batch starts before it has passed.
   */
  | { kind: "retry"; reason: string; retryAfterMs?: number }
  /** The provider refused the batch for good (validation): fail these messages with the reason. */
  | { kind: "rejected"; reason: string };

export interface MailProvider {
  readonly name: "outbox" | "resend";
  /**
   * Sends up to 100 messages in one call. The same idempotency key with the same messages must
   * never deliver twice: callers retry a batch with its original key and identical payload.
   */
  sendBatch(messages: MailMessage[], idempotencyKey: string): Promise<BatchOutcome>;
}

export const MAX_BATCH = 100;
