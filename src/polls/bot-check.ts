// Bots without third parties: the vote and public subscribe forms carry a honeypot field people never see and the
// signed time the form was rendered; a form sent with the honeypot filled, without a valid time,
// or faster than a person reads a question, is refused and records nothing. No external captcha,
// no tracking: the time is signed with the app's key, so a client cannot claim an older form.
import { constantTimeEqual, hmacSha256 } from "../crypto";
import type { Deps } from "../deps";
import { keyRing } from "../keys/ring";

/** The hidden field a person leaves empty (named like a field form fillers love). */
export const HONEYPOT_FIELD = "website";
export const STARTED_FIELD = "form_started";
/** Faster than this from render to sending, a program filled the form (FORM_MIN_FILL_MS's default). */
export const MIN_FILL_MS = 2000;

const signature = (key: string, ms: number) => hmacSha256(key, `poll-form:${ms}`, "hex");

/** The value of the time field for a form rendered at `at`. */
export const signFormStart = (deps: Deps, at: Date) => {
  const ms = at.getTime();
  return `${ms}.${signature(deps.config.secretKey, ms)}`;
};

/**
 * The honeypot as sent: a field repeated by a program (an array once parsed) is still filled, so
 * every value counts, not only one.
 */
export const honeypotOf = (value: unknown): string | undefined => {
  const values = (Array.isArray(value) ? value : [value]).filter((v) => typeof v === "string");
  return values.join("") || undefined;
};

export type HumanCheck = "ok" | "honeypot" | "no_form" | "too_fast";

/** Whether a submitted form looks filled by a person (see the file comment). */
export function checkHumanForm(
  deps: Deps,
  fields: { honeypot: string | undefined; started: string | undefined },
): HumanCheck {
  if (fields.honeypot) return "honeypot";
  const [msText, sig] = (fields.started ?? "").split(".");
  const ms = /^\d{1,15}$/.test(msText ?? "") ? Number(msText) : undefined;
  const signed =
    ms !== undefined &&
    !!sig &&
    keyRing(deps).some((key) => constantTimeEqual(sig, signature(key, ms)));
  if (ms === undefined || !signed) return "no_form";
  return deps.clock.now().getTime() - ms < deps.config.formMinFillMs ? "too_fast" : "ok";
}
