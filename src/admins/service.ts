// The team: owners invite admins by one-time link, change roles, remove admins; a server command
// issues a reset link. Every change is audited. Routes map AdminError kinds to statuses.
import { recordAudit } from "../audit/service";
import * as authQ from "../auth/queries";
import { type Admin, failureKey, normaliseEmail, signIn } from "../auth/service";
import { sha256Hex, toBase64Url } from "../crypto";
import type { Deps } from "../deps";
import * as q from "./queries";

export type { Role } from "./queries";

/** An invitation or reset link works once, within 72 hours. */
export const PASSWORD_LINK_TTL_MS = 72 * 60 * 60 * 1000;

export class AdminError extends Error {
  override name = "AdminError";
  constructor(
    readonly kind: "exists" | "not_found" | "last_owner",
    message: string,
    /** What the message names (an address, an id), for pages that say it in their language. */
    readonly values: Record<string, string | number> = {},
  ) {
    super(message);
  }
}

export type AdminSummary = { id: number; email: string; role: q.Role; created_at: string };

const summary = (row: q.AdminRow): AdminSummary => ({
  id: row.id,
  email: row.email,
  role: row.role,
  created_at: row.createdAt,
});

export const listAdmins = async (deps: Deps) => (await q.activeAdmins(deps.db)).map(summary);

async function activeAdmin(deps: Deps, id: number) {
  const row = await q.findAdmin(deps.db, id);
  if (!row || row.removedAt) throw new AdminError("not_found", `No admin with id ${id}.`, { id });
  return row;
}

/** A new one-time link for `adminId`; older unused links of that admin stop working. */
export async function issuePasswordLink(
  deps: Deps,
  adminId: number,
  purpose: "invite" | "reset",
): Promise<string> {
  const token = toBase64Url(deps.randomBytes(32));
  const now = deps.clock.now();
  await deps.db.batch([
    q.retireLinksOf(deps.db, adminId, now.toISOString()),
    q.insertPasswordLink(deps.db, {
      tokenHash: await sha256Hex(token),
      adminId,
      purpose,
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + PASSWORD_LINK_TTL_MS).toISOString(),
    }),
  ]);
  return `${deps.config.publicUrl}/invite/${token}`;
}

export async function inviteAdmin(
  deps: Deps,
  actor: Admin,
  input: { email: string; role: q.Role },
): Promise<AdminSummary & { invite_url: string }> {
  const email = normaliseEmail(input.email);
  const existing = await q.findAnyAdminByEmail(deps.db, email);
  if (existing && !existing.removedAt) {
    throw new AdminError("exists", `${email} is already an admin.`, { email });
  }
  let id = existing?.id;
  if (id !== undefined) await q.reinstateAdmin(deps.db, id, input.role);
  else id = await q.insertInvitedAdmin(deps.db, email, input.role);
  if (id === undefined) throw new AdminError("exists", `${email} is already an admin.`, { email });
  const inviteUrl = await issuePasswordLink(deps, id, "invite");
  await recordAudit(deps, {
    actor: actor.email,
    action: "admin.invited",
    summary: `Invited ${email} as ${input.role}.`,
    details: { admin_id: id, role: input.role },
  });
  return { ...summary(await activeAdmin(deps, id)), invite_url: inviteUrl };
}

/** Refuses to leave the instance without an owner. */
async function keepAnOwner(deps: Deps, target: q.AdminRow, newRole: q.Role | "removed") {
  if (target.role !== "owner" || newRole === "owner") return;
  if ((await q.countOwners(deps.db)) <= 1) {
    throw new AdminError(
      "last_owner",
      `${target.email} is the only owner: make another admin an owner first.`,
      { email: target.email },
    );
  }
}

export async function changeRole(
  deps: Deps,
  actor: Admin,
  id: number,
  role: q.Role,
): Promise<AdminSummary> {
  const target = await activeAdmin(deps, id);
  if (target.role === role) return summary(target);
  await keepAnOwner(deps, target, role);
  await q.setRole(deps.db, id, role);
  await recordAudit(deps, {
    actor: actor.email,
    action: "admin.role_changed",
    summary: `Role of ${target.email}: ${target.role} → ${role}.`,
    details: { admin_id: id, from: target.role, to: role },
  });
  return { ...summary(target), role };
}

/** Removes an admin: their sessions, tokens and pending links stop working at once. */
export async function removeAdmin(deps: Deps, actor: Admin, id: number): Promise<void> {
  const target = await activeAdmin(deps, id);
  await keepAnOwner(deps, target, "removed");
  const now = deps.clock.now().toISOString();
  await deps.db.batch([
    q.markRemoved(deps.db, id, now),
    ...authQ.revokeEverythingOf(deps.db, id, now),
    q.retireLinksOf(deps.db, id, now),
  ]);
  await recordAudit(deps, {
    actor: actor.email,
    action: "admin.removed",
    summary: `Removed ${target.email} (${target.role}); their sessions and tokens were revoked.`,
    details: { admin_id: id, role: target.role },
  });
}

/** The server command's recovery: a one-time link to set a new password. */
export async function passwordResetLink(deps: Deps, email: string): Promise<string> {
  const admin = await authQ.findAdminByEmail(deps.db, normaliseEmail(email));
  if (!admin)
    throw new AdminError("not_found", `${normaliseEmail(email)} is not an admin here.`, {
      email: normaliseEmail(email),
    });
  const url = await issuePasswordLink(deps, admin.id, "reset");
  await recordAudit(deps, {
    actor: "server command",
    action: "admin.password_reset_link",
    summary: `A one-time password link was issued for ${admin.email}.`,
    details: { admin_id: admin.id },
  });
  return url;
}

export async function readPasswordLink(deps: Deps, token: string) {
  return q.findLivePasswordLink(deps.db, await sha256Hex(token), deps.clock.now().toISOString());
}

/**
 * Sets the password through a one-time link; undefined when the link is unknown, used or
 * expired. Ends every session and token the admin held (someone else may have had them) and
 * clears their sign-in failures.
 */
export async function setPasswordFromLink(
  deps: Deps,
  token: string,
  password: string,
): Promise<Admin | undefined> {
  const link = await readPasswordLink(deps, token);
  if (!link) return undefined;
  const passwordHash = await deps.passwords.hash(password);
  const now = deps.clock.now().toISOString();
  const claimed = await q.claimPasswordLink(deps.db, await sha256Hex(token), now);
  if (claimed.length === 0) return undefined; // used meanwhile by a parallel request
  await deps.db.batch([
    q.setPasswordHash(deps.db, link.adminId, passwordHash),
    ...authQ.revokeEverythingOf(deps.db, link.adminId, now),
    q.retireLinksOf(deps.db, link.adminId, now),
    q.forgetFailuresOf(deps.db, failureKey(deps, normaliseEmail(link.email))),
  ]);
  await recordAudit(deps, {
    actor: link.email,
    action: link.purpose === "invite" ? "admin.invitation_accepted" : "admin.password_reset",
    summary: `${link.email} set their password through a one-time link (${link.purpose}).`,
    details: { admin_id: link.adminId },
  });
  const admin = await activeAdmin(deps, link.adminId);
  return { adminId: admin.id, email: admin.email, role: admin.role };
}

/**
 * The signed-in admin changes their password: the current one is checked like a sign-in (same
 * lockout), the browser that asked stays signed in, every other session ends.
 */
export async function changeOwnPassword(
  deps: Deps,
  admin: Admin,
  input: { current: string; next: string; clientHash: readonly string[]; sessionId: string },
): Promise<"changed" | "invalid" | "locked"> {
  const check = await signIn(deps, admin.email, input.current, input.clientHash, "signed-in");
  if (!check.ok) return check.reason;
  const passwordHash = await deps.passwords.hash(input.next);
  const now = deps.clock.now().toISOString();
  await deps.db.batch([
    q.setPasswordHash(deps.db, admin.adminId, passwordHash),
    q.revokeOtherSessions(deps.db, admin.adminId, await sha256Hex(input.sessionId), now),
    q.retireLinksOf(deps.db, admin.adminId, now),
  ]);
  await recordAudit(deps, {
    actor: admin.email,
    action: "admin.password_changed",
    summary: `${admin.email} changed their password; their other sessions were ended.`,
    details: { admin_id: admin.adminId },
  });
  return "changed";
}
