// The admin named by ADMIN_EMAIL/ADMIN_PASSWORD: created as the owner on an empty database, and
// its password replaced when ADMIN_PASSWORD is given a new value (said at start, audited).
import { recordAudit } from "../audit/service";
import type { Config } from "../config";
import { hmacSha256 } from "../crypto";
import type { Deps } from "../deps";
import { keyRing } from "../keys/ring";
import { readSetting } from "../settings";
import * as q from "./queries";
import { normaliseEmail } from "./service";

/** What start did with the configured admin; the start message says it in words. */
export type ConfiguredAdminOutcome = "created" | "unchanged" | "password-updated" | "not-an-admin";

/** A keyed digest of the last ADMIN_PASSWORD applied: tells a new value from one already applied. */
const APPLIED_SETTING = "admin_password_applied";

/**
 * A value of ADMIN_PASSWORD not seen before replaces the stored password (and ends that admin's
 * sessions and tokens, as any reset does); the same value again changes nothing, so a password
 * changed later in the app is not overwritten at every restart.
 */
export async function settleConfiguredAdmin(deps: Deps): Promise<ConfiguredAdminOutcome> {
  const email = normaliseEmail(deps.config.admin.email);
  const { password } = deps.config.admin;
  const digest = (key: string) => hmacSha256(key, `admin-password:${email}:${password}`, "hex");
  const applied = digest(deps.config.secretKey);
  if ((await q.countAdmins(deps.db)) === 0) {
    await q.insertAdmin(deps.db, email, await deps.passwords.hash(password), "owner");
    await q.writeSetting(deps.db, APPLIED_SETTING, applied);
    return "created";
  }
  const admin = await q.findAdminByEmail(deps.db, email);
  if (!admin) return "not-an-admin";
  // A value applied before a rotation is not new: a password changed since must not be undone.
  const stored = await readSetting(deps.db, APPLIED_SETTING);
  if (stored === applied) return "unchanged";
  if (keyRing(deps).some((key) => digest(key) === stored)) {
    await q.writeSetting(deps.db, APPLIED_SETTING, applied);
    return "unchanged";
  }
  let outcome: ConfiguredAdminOutcome = "unchanged";
  if (!(await deps.passwords.verify(password, admin.passwordHash))) {
    const now = deps.clock.now().toISOString();
    await deps.db.batch([
      q.updatePasswordHash(deps.db, admin.id, await deps.passwords.hash(password)),
      ...q.revokeEverythingOf(deps.db, admin.id, now),
    ]);
    await recordAudit(deps, {
      actor: "server start",
      action: "admin.password_from_environment",
      summary: `Password of ${email} replaced by the new ADMIN_PASSWORD; their sessions and tokens were ended.`,
    });
    outcome = "password-updated";
  }
  await q.writeSetting(deps.db, APPLIED_SETTING, applied);
  return outcome;
}

/** What start did with the admin the environment names, truthfully. */
export function configuredAdminLine(config: Config, outcome: ConfiguredAdminOutcome) {
  const { email, password, isDemo } = config.admin;
  if (outcome === "not-an-admin") {
    return `ADMIN_EMAIL ${email} is not an admin here (it only creates the first one): ask an owner for an invitation, or run \`npm run admin -- reset-password EMAIL\`.`;
  }
  if (isDemo && outcome !== "password-updated") {
    return `email ${email}  password ${password}  (demo values, unless changed in the app; set ADMIN_EMAIL and ADMIN_PASSWORD for real use)`;
  }
  return {
    created: `email ${email}, an owner, with the password in ADMIN_PASSWORD`,
    unchanged: `email ${email}: password as set by ADMIN_PASSWORD, unless changed since in the app (\`npm run admin -- reset-password ${email}\` if lost)`,
    "password-updated": `email ${email}: password replaced by the new ADMIN_PASSWORD at this start; their sessions and tokens were ended`,
  }[outcome];
}
