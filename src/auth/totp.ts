// Two-step sign-in per admin (RFC 6238 TOTP, with one-time recovery codes). The secret is sealed
// under SECRET_KEY (src/keys/sealed.ts); recovery codes are kept as SHA-256 only. A code is
// accepted once: the step it was made for is remembered, and a recovery code is spent.
import { Secret, TOTP } from "otpauth";
import { recordAudit } from "../audit/service";
import { sha256Hex } from "../crypto";
import type { Deps } from "../deps";
import { keyRing } from "../keys/ring";
import { seal, unseal } from "../keys/sealed";
import type { Admin } from "./service";

const PERIOD_S = 30;
const RECOVERY_CODES = 10;
const BASE32 = "abcdefghijkmnpqrstuvwxyz23456789"; // no 0/o, 1/l: read aloud, typed by hand

/** What the enable page shows: the otpauth URI (as a QR code) and the secret to type by hand. */
export type TotpEnrolment = { uri: string; secret: string };

export class TotpError extends Error {
  constructor(
    readonly kind: "already_on" | "not_started" | "not_on" | "wrong_code",
    message: string,
  ) {
    super(message);
  }
}

const totpOf = (email: string, base32: string) =>
  new TOTP({
    issuer: "Relance",
    label: email,
    algorithm: "SHA1",
    digits: 6,
    period: PERIOD_S,
    secret: Secret.fromBase32(base32),
  });

type TotpRow = { totp_secret: string | null; totp_enabled_at: string | null; email: string };

async function totpRow(deps: Deps, adminId: number): Promise<TotpRow | undefined> {
  const { rows } = await deps.client.execute({
    sql: "SELECT email, totp_secret, totp_enabled_at FROM admins WHERE id = ? AND removed_at IS NULL",
    args: [adminId],
  });
  return rows[0] as unknown as TotpRow | undefined;
}

const enrolmentOf = (email: string, base32: string): TotpEnrolment => ({
  uri: totpOf(email, base32).toString(),
  secret: base32,
});

/** Starts turning two-step sign-in on (or shows the enrolment already started). */
export async function beginTotp(deps: Deps, admin: Admin): Promise<TotpEnrolment> {
  const row = await totpRow(deps, admin.adminId);
  if (row?.totp_enabled_at) throw new TotpError("already_on", "Two-step sign-in is already on.");
  const started = row?.totp_secret ? unseal(keyRing(deps), row.totp_secret) : undefined;
  if (started) return enrolmentOf(admin.email, started.plaintext);
  const base32 = new Secret({ buffer: deps.randomBytes(20).slice().buffer }).base32;
  await deps.client.execute({
    sql: "UPDATE admins SET totp_secret = ?, totp_last_step = NULL WHERE id = ? AND totp_enabled_at IS NULL",
    args: [seal(deps.config.secretKey, base32, deps.randomBytes(12)), admin.adminId],
  });
  return enrolmentOf(admin.email, base32);
}

/** The enrolment in progress, if any (to show it again after a wrong code). */
export async function pendingTotp(deps: Deps, admin: Admin): Promise<TotpEnrolment | undefined> {
  const row = await totpRow(deps, admin.adminId);
  if (!row?.totp_secret || row.totp_enabled_at) return undefined;
  const opened = unseal(keyRing(deps), row.totp_secret);
  return opened && enrolmentOf(admin.email, opened.plaintext);
}

/** Whether two-step sign-in is on for this admin. */
export const totpIsOn = async (deps: Deps, admin: Admin) =>
  Boolean((await totpRow(deps, admin.adminId))?.totp_enabled_at);

/**
 * Accepts a 6-digit code for `adminId` once: the step it matches must be later than the last
 * step accepted, and is recorded in the same statement (two uses at once count once).
 */
async function acceptTotpCode(
  deps: Deps,
  adminId: number,
  email: string,
  sealed: string,
  code: string,
) {
  const opened = unseal(keyRing(deps), sealed);
  if (!opened) return false;
  const now = deps.clock.now().getTime();
  const delta = totpOf(email, opened.plaintext).validate({
    token: code,
    timestamp: now,
    window: 1,
  });
  if (delta === null) return false;
  const step = Math.floor(now / 1000 / PERIOD_S) + delta;
  const claimed = await deps.client.execute({
    sql: "UPDATE admins SET totp_last_step = ? WHERE id = ? AND (totp_last_step IS NULL OR totp_last_step < ?)",
    args: [step, adminId, step],
  });
  return claimed.rowsAffected === 1;
}

const normaliseRecovery = (code: string) => code.toLowerCase().replace(/[\s-]/g, "");

/** Spends a recovery code of `adminId`; false when unknown or already used. */
async function spendRecoveryCode(deps: Deps, adminId: number, code: string) {
  const spent = await deps.client.execute({
    sql: "UPDATE admin_recovery_codes SET used_at = ? WHERE admin_id = ? AND code_hash = ? AND used_at IS NULL",
    args: [deps.clock.now().toISOString(), adminId, await sha256Hex(normaliseRecovery(code))],
  });
  return spent.rowsAffected === 1;
}

/**
 * The second factor at sign-in: true when two-step sign-in is off for this admin, or `code` is a
 * valid TOTP code not used before, or an unused recovery code (which is then spent).
 */
export async function secondFactorHolds(deps: Deps, adminId: number, code: string | undefined) {
  const row = await totpRow(deps, adminId);
  if (!row?.totp_enabled_at || !row.totp_secret) return true;
  const typed = (code ?? "").trim();
  if (typed === "") return false;
  if (/^\d{6}$/.test(typed))
    return acceptTotpCode(deps, adminId, row.email, row.totp_secret, typed);
  return spendRecoveryCode(deps, adminId, typed);
}

function newRecoveryCode(deps: Deps) {
  const bytes = deps.randomBytes(10);
  const text = [...bytes].map((b) => BASE32[b & 31]).join("");
  return `${text.slice(0, 5)}-${text.slice(5)}`;
}

/** Confirms the enrolment with a first code; returns the recovery codes, shown this once. */
export async function confirmTotp(deps: Deps, admin: Admin, code: string): Promise<string[]> {
  const row = await totpRow(deps, admin.adminId);
  if (row?.totp_enabled_at) throw new TotpError("already_on", "Two-step sign-in is already on.");
  if (!row?.totp_secret) throw new TotpError("not_started", "Start again: no code was set up.");
  if (!(await acceptTotpCode(deps, admin.adminId, admin.email, row.totp_secret, code.trim()))) {
    throw new TotpError("wrong_code", "That code is not the one your app shows now.");
  }
  const codes = Array.from({ length: RECOVERY_CODES }, () => newRecoveryCode(deps));
  const hashes = await Promise.all(codes.map((c) => sha256Hex(normaliseRecovery(c))));
  await deps.client.batch(
    [
      { sql: "DELETE FROM admin_recovery_codes WHERE admin_id = ?", args: [admin.adminId] },
      ...hashes.map((hash) => ({
        sql: "INSERT INTO admin_recovery_codes (admin_id, code_hash) VALUES (?, ?)",
        args: [admin.adminId, hash],
      })),
      {
        sql: "UPDATE admins SET totp_enabled_at = ? WHERE id = ?",
        args: [deps.clock.now().toISOString(), admin.adminId],
      },
    ],
    "write",
  );
  await recordAudit(deps, {
    actor: admin.email,
    action: "admin.totp_enabled",
    summary: `${admin.email} turned two-step sign-in on.`,
  });
  return codes;
}

/** Turns two-step sign-in off; it takes a current code (or a recovery code). */
export async function disableTotp(deps: Deps, admin: Admin, code: string): Promise<void> {
  if (!(await totpIsOn(deps, admin))) throw new TotpError("not_on", "Two-step sign-in is not on.");
  if (!(await secondFactorHolds(deps, admin.adminId, code))) {
    throw new TotpError("wrong_code", "That code is not valid.");
  }
  await clearTotp(deps, admin.adminId);
  await recordAudit(deps, {
    actor: admin.email,
    action: "admin.totp_disabled",
    summary: `${admin.email} turned two-step sign-in off.`,
  });
}

/**
 * The server's way back in for an admin who lost their phone and their recovery codes
 * (`npm run admin -- reset-two-step EMAIL`): turns two-step sign-in off, audited.
 */
export async function resetTotpOf(deps: Deps, email: string): Promise<void> {
  const address = email.trim().toLowerCase();
  const { rows } = await deps.client.execute({
    sql: "SELECT id FROM admins WHERE email = ? AND removed_at IS NULL AND totp_enabled_at IS NOT NULL",
    args: [address],
  });
  const id = rows[0]?.id;
  if (id === undefined || id === null) {
    throw new TotpError("not_on", `${address} is not an admin with two-step sign-in on.`);
  }
  await clearTotp(deps, Number(id));
  await recordAudit(deps, {
    actor: "server command",
    action: "admin.totp_reset",
    summary: `Two-step sign-in of ${address} turned off from the server.`,
  });
}

const clearTotp = (deps: Deps, adminId: number) =>
  deps.client.batch(
    [
      { sql: "DELETE FROM admin_recovery_codes WHERE admin_id = ?", args: [adminId] },
      {
        sql: "UPDATE admins SET totp_secret = NULL, totp_enabled_at = NULL, totp_last_step = NULL WHERE id = ?",
        args: [adminId],
      },
    ],
    "write",
  );

/** After a rotation: every sealed secret is sealed again under the current key. */
export async function resealTotpSecrets(deps: Pick<Deps, "client" | "config" | "randomBytes">) {
  const { rows } = await deps.client.execute(
    "SELECT id, totp_secret FROM admins WHERE totp_secret IS NOT NULL",
  );
  for (const row of rows) {
    const opened = unseal(keyRing(deps), String(row.totp_secret));
    if (!opened || opened.key === deps.config.secretKey) continue;
    await deps.client.execute({
      sql: "UPDATE admins SET totp_secret = ? WHERE id = ?",
      args: [seal(deps.config.secretKey, opened.plaintext, deps.randomBytes(12)), Number(row.id)],
    });
  }
}
