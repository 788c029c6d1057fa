// `npm run admin -- rotate-report`: what still depends on the keys before the current one, so an
// operator knows whether SECRET_KEY_PREVIOUS can be dropped and what would break if it were.
import { LOCKOUT_WINDOW_MS } from "../auth/service";
import type { Deps } from "../deps";
import { readSetting } from "../settings";
import { hashesUnderOtherKeys } from "./rekey";
import { GENERATED_KEY_SETTING, keyIdOf, ROTATION_SETTING, type RotationMark } from "./ring";

export type RotationReport = {
  current: string;
  /** Key ids of the previous keys configured; `generated` for the key kept in the database. */
  previous: { keyId: string; generated: boolean }[];
  /** When the current key was first used; unknown on a database from before it was recorded. */
  since: string | undefined;
  /** Addresses suppressed under an older key and not seen since (erased people, mostly). */
  suppressions: { keyId: string; addresses: number; configured: boolean }[];
  /** Messages sent before the current key: their unsubscribe and preference links never expire. */
  mailBefore: { messages: number; last: string | undefined };
  /** Votes in polls still open cast before the current key: voter cookies and voting links. */
  openVotesBefore: number;
  /** Sign-in failures before the current key that still count towards a lockout. */
  recentFailuresBefore: number;
  canDrop: boolean;
};

const count = async (deps: Deps, sql: string, args: (string | number)[]) =>
  Number((await deps.client.execute({ sql, args })).rows[0]?.n ?? 0);

/** The mark of the last rotation; without one, nothing was made under another key. */
async function lastRotation(deps: Deps): Promise<Partial<RotationMark> & Omit<RotationMark, "at">> {
  const stored = await readSetting(deps.db, ROTATION_SETTING);
  return stored ? (JSON.parse(stored) as RotationMark) : { message: 0, vote: 0, failure: 0 };
}

export async function rotationReport(deps: Deps): Promise<RotationReport> {
  const generated = await readSetting(deps.db, GENERATED_KEY_SETTING);
  const previous = deps.config.secretKeyPrevious.map((key) => ({
    keyId: keyIdOf(key),
    generated: key === generated,
  }));
  const configured = new Set(previous.map((p) => p.keyId));
  const suppressions = (await hashesUnderOtherKeys(deps)).map((row) => ({
    ...row,
    configured: configured.has(row.keyId),
  }));
  const mark = await lastRotation(deps);
  const now = deps.clock.now().toISOString();
  const mail = (
    await deps.client.execute({
      sql: "SELECT count(*) AS n, max(updated_at) AS last FROM outbox_messages WHERE status = 'sent' AND id <= ?",
      args: [mark.message],
    })
  ).rows[0];
  const mailBefore = {
    messages: Number(mail?.n ?? 0),
    last: typeof mail?.last === "string" ? mail.last : undefined,
  };
  const openVotesBefore = await count(
    deps,
    `SELECT count(DISTINCT v.poll_id || ':' || v.voter) AS n FROM poll_votes v JOIN polls p ON p.id = v.poll_id
       WHERE v.id <= ? AND p.closed_at IS NULL AND (p.closes_at IS NULL OR p.closes_at > ?)`,
    [mark.vote, now],
  );
  const windowStart = new Date(deps.clock.now().getTime() - LOCKOUT_WINDOW_MS).toISOString();
  const recentFailuresBefore = await count(
    deps,
    "SELECT count(*) AS n FROM login_failures WHERE id <= ? AND at > ?",
    [mark.failure, windowStart],
  );
  const canDrop =
    suppressions.every((s) => s.addresses === 0) &&
    mailBefore.messages === 0 &&
    openVotesBefore === 0 &&
    recentFailuresBefore === 0;
  return {
    current: keyIdOf(deps.config.secretKey),
    previous,
    since: mark.at,
    suppressions,
    mailBefore,
    openVotesBefore,
    recentFailuresBefore,
    canDrop,
  };
}

/** The report in words, one fact a line. */
export function formatRotationReport(report: RotationReport): string {
  const lines = [
    `Current SECRET_KEY: key id ${report.current}${report.since ? `, in use since ${report.since}` : ", no rotation recorded"}.`,
  ];
  if (report.previous.length === 0) {
    lines.push("No previous key is configured (SECRET_KEY_PREVIOUS is empty): nothing to drop.");
  } else {
    for (const p of report.previous) {
      lines.push(
        `Previous key ${p.keyId}${p.generated ? " (generated on a first start; kept in the database, it is used like SECRET_KEY_PREVIOUS)" : " (SECRET_KEY_PREVIOUS)"}.`,
      );
    }
  }
  for (const s of report.suppressions) {
    lines.push(
      `${s.addresses} suppressed address(es) still hashed under key ${s.keyId}${s.configured ? "" : " (NOT configured: these no longer match)"}; without that key they could be imported and mailed again.`,
    );
  }
  lines.push(
    `${report.mailBefore.messages} message(s) sent before the current key${report.mailBefore.last ? ` (last ${report.mailBefore.last})` : ""}: their unsubscribe, preference and consent links need the previous key.`,
    `${report.openVotesBefore} vote(s) in open polls cast before the current key: without it those voters could vote again.`,
    `${report.recentFailuresBefore} sign-in failure(s) from before the current key still count towards a lockout.`,
    "Admin sessions and API tokens do not depend on SECRET_KEY.",
    report.canDrop
      ? "SECRET_KEY_PREVIOUS can be dropped: nothing above depends on it."
      : "Keep SECRET_KEY_PREVIOUS: dropping it would break what is listed above.",
  );
  return lines.join("\n");
}
