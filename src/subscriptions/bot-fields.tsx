// Bots without third parties on the public subscribe forms (a list's form, "get updates" on the
// status home, "follow this incident"): the same honeypot and signed display time as the vote form
// (src/polls/bot-check.ts), and the optional proof-of-work (POW_BITS) bound to the address typed.
// A form that fails any of them records nothing; the visitor is told plainly and gets a fresh form.
import type { Deps } from "../deps";
import { boundAddress, checkProof, issueChallenge, POW_FIELD } from "../http/proof-of-work";
import type { Lang } from "../i18n";
import { messages } from "../messages";
import {
  checkHumanForm,
  HONEYPOT_FIELD,
  honeypotOf,
  STARTED_FIELD,
  signFormStart,
} from "../polls/bot-check";

/** What a rendered form carries: its signed display time, and the proof-of-work asked for. */
export type FormGuard = { started: string; pow?: { bits: number; challenge: string } };

/**
 * The guard of a form shown now for `scope` (what a proof is good for, e.g. `status`). A page kept
 * by shared caches passes `at` rounded down to its cache time, so that its ETag holds meanwhile.
 */
export function formGuard(deps: Deps, scope: string, at = deps.clock.now()): FormGuard {
  const started = signFormStart(deps, at);
  const { powBits, secretKey } = deps.config;
  if (!powBits) return { started };
  return { started, pow: { bits: powBits, challenge: issueChallenge(secretKey, scope, at) } };
}

/** What the status home's form is good for (a proof for it serves no other form). */
export const STATUS_FORM_SCOPE = "status";
/** What an incident's follow form is good for. */
export const followFormScope = (slug: string) => `follow:${slug}`;

/** The moment `now` rounded down to a multiple of `ms` (for cached pages, see formGuard). */
export const roundedDown = (now: Date, ms: number) => new Date(Math.floor(now.getTime() / ms) * ms);

const text = (value: unknown) => (typeof value === "string" ? value : undefined);

/** Why a form was refused: it looks filled by a program, or it lacks the proof-of-work. */
export type BotRefusal = "bot" | "proof";

/** Checks a submitted form's honeypot, fill time and proof-of-work for `scope`. */
export function botRefusal(
  deps: Deps,
  fields: Record<string, unknown>,
  scope: string,
): BotRefusal | undefined {
  const human = checkHumanForm(deps, {
    honeypot: honeypotOf(fields[HONEYPOT_FIELD]),
    started: text(fields[STARTED_FIELD]),
  });
  if (human !== "ok") return "bot";
  const { powBits, secretKey } = deps.config;
  if (!powBits) return undefined;
  const check = { secret: secretKey, bits: powBits, now: deps.clock.now() };
  const proof = checkProof(check, text(fields[POW_FIELD]), scope, boundAddress(fields.email));
  return proof === "ok" ? undefined : "proof";
}

/** The attributes public/pow.js reads on a form that asks for a proof bound to its address. */
export const powAttributes = (guard: FormGuard) =>
  guard.pow
    ? {
        "data-pow-bits": String(guard.pow.bits),
        "data-pow-challenge": guard.pow.challenge,
        "data-pow-bind": "email",
      }
    : {};

/** The hidden fields of a guarded form (the honeypot is off screen, as on the vote form). */
export function BotFields(props: { lang: Lang; guard: FormGuard }) {
  return (
    <>
      <div class="poll-hp" aria-hidden="true">
        <label>
          {messages(props.lang).botFields.honeypot}{" "}
          <input name={HONEYPOT_FIELD} tabindex={-1} autocomplete="off" />
        </label>
      </div>
      <input type="hidden" name={STARTED_FIELD} value={props.guard.started} />
      {props.guard.pow ? (
        <>
          <input type="hidden" name={POW_FIELD} value="" />
          <script src="/pow.js" defer />
        </>
      ) : null}
    </>
  );
}

/** The message of a refused form. */
export function BotRefusedNotice(props: { lang: Lang }) {
  return (
    <p class="notice error" role="alert">
      {messages(props.lang).botFields.refused}
    </p>
  );
}
