// Who may do what: one table of (method, path pattern) → least role, applied once to /admin and
// /api/v1 after sign-in. Routes not in the table fall to the safe default: reading needs
// `viewer`, any write `editor`. A route added later is therefore never open to a viewer.
// A rule that depends on the body (a `send_at` on a campaign write schedules a send) cannot be
// read from the path: such a service checks `roleAtLeast(admin.role, "sender")` itself.
import type { Context, Next } from "hono";
import type { AppEnv } from "../http/env";
import { problem } from "../http/problem";
import { messages } from "../messages";
import { AdminLayout } from "../views/layout";
import type { Role } from "./service";

/** From least to most: each role may do everything the ones before it may. */
export const ROLES = ["viewer", "editor", "sender", "owner"] as const satisfies readonly Role[];

export const roleAtLeast = (role: Role, least: Role) => ROLES.indexOf(role) >= ROLES.indexOf(least);

type Rule = { methods: "writes" | "all"; path: string; pattern: RegExp; least: Role };

/** `:name` is one path segment, a final `*` the rest of the path. */
const toRegExp = (path: string) =>
  new RegExp(
    `^${path
      .replace(/[.+?^${}()|[\]\\]/g, "\\$&")
      .replace(/:[A-Za-z]+/g, "[^/]+")
      .replace(/\/\*$/, "/.+")}/?$`,
  );

const writes = (least: Role, ...paths: string[]): Rule[] =>
  paths.map((path) => ({ methods: "writes", path, pattern: toRegExp(path), least }));
const everything = (least: Role, ...paths: string[]): Rule[] =>
  paths.map((path) => ({ methods: "all", path, pattern: toRegExp(path), least }));

/** First match wins. */
export const ROLE_RULES: Rule[] = [
  // Anyone signed in may stop all sending, sign out and look after their own account.
  ...writes("viewer", "/admin/sending/pause", "/api/v1/sending/pause", "/admin/logout"),
  ...writes("viewer", "/admin/account", "/admin/account/*"),
  // Tokens: each admin lists and revokes their own (the service filters by owner).
  ...writes("viewer", "/api/v1/tokens/:id"),
  // Admins and instance settings (webhook endpoints carry secrets): owners only, even to read.
  ...everything("owner", "/admin/admins", "/admin/admins/*", "/api/v1/admins", "/api/v1/admins/*"),
  ...everything("owner", "/admin/settings", "/admin/settings/*", "/api/v1/settings"),
  ...everything("owner", "/api/v1/settings/*", "/api/v1/webhook-endpoints"),
  ...everything("owner", "/api/v1/webhook-endpoints/*", "/admin/webhook-endpoints"),
  ...everything("owner", "/admin/webhook-endpoints/*"),
  // Anything that makes mail leave, or lets it reach someone again: senders.
  ...writes("sender", "/admin/sending/resume", "/api/v1/sending/resume"),
  ...writes("sender", "/api/v1/campaigns/:id/send", "/api/v1/campaigns/:id/test"),
  ...writes("sender", "/admin/campaigns/:id/send", "/admin/campaigns/:id/test"),
  // Scheduling is sending later; cancelling a scheduled or running send is stopping it.
  ...writes("sender", "/api/v1/campaigns/:id/schedule", "/admin/campaigns/:id/schedule"),
  ...writes("sender", "/api/v1/campaigns/:id/cancel", "/admin/campaigns/:id/cancel"),
  ...writes("sender", "/api/v1/sends/:id/*", "/admin/sends/:id/*"),
  ...writes("sender", "/api/v1/lists/:id/reconsent", "/admin/lists/:id/reconsent"),
  ...writes("sender", "/api/v1/polls/:id/invite", "/admin/polls/:id/invite"),
  ...writes(
    "sender",
    "/api/v1/incidents/:id/notify-send-recipients",
    "/admin/incidents/:id/notify-send-recipients",
  ),
  ...writes("sender", "/api/v1/suppressions/*", "/admin/suppressions/*"),
  // The status page (components, maintenance) is an editor's, like incidents; said here so that
  // a later default cannot open it wider. A maintenance's notifications go through the pipeline.
  ...writes("editor", "/api/v1/components", "/api/v1/components/:slug", "/api/v1/maintenances"),
  ...writes("editor", "/admin/status/components", "/admin/status/components/:slug"),
  ...writes("editor", "/admin/status/maintenances"),
  ...writes("editor", "/api/v1/maintenances/:id", "/api/v1/maintenances/:id/cancel"),
  ...writes("editor", "/admin/status/maintenances/:id", "/admin/status/maintenances/:id/cancel"),
];

const isRead = (method: string) => method === "GET" || method === "HEAD";

/** The least role that may call `method path`: the table, else viewer for reads, editor for writes. */
export function leastRoleFor(method: string, path: string): Role {
  for (const rule of ROLE_RULES) {
    if (rule.methods === "writes" && isRead(method)) continue;
    if (rule.pattern.test(path)) return rule.least;
  }
  return isRead(method) ? "viewer" : "editor";
}

const refusal = (role: Role, least: Role) =>
  `Your role (${role}) may not do this: it needs ${least} or above. Ask an owner to change your role.`;

/**
 * Refuses, before any route runs, a signed-in admin whose role is below what the request needs:
 * 403 problem+json on the API, a page saying so on the admin site. Requests without an admin
 * (sign-in, token issue) are left to their own routes.
 */
export async function enforceRoles(c: Context<AppEnv>, next: Next) {
  const admin = c.var.admin;
  if (!admin) return next();
  const least = leastRoleFor(c.req.method, c.req.path);
  if (roleAtLeast(admin.role, least)) return next();
  if (c.req.path.startsWith("/api/")) return problem(c, 403, refusal(admin.role, least));
  const text = messages(c.var.adminLang);
  const t = text.auth;
  return c.html(
    <AdminLayout title={t.notAllowed} email={admin.email}>
      <h1>{t.notAllowed}</h1>
      <p class="notice error">{t.refusal(text.team.roles[admin.role], text.team.roles[least])}</p>
      <p>
        <a href="/admin">{t.backHome}</a>
      </p>
    </AdminLayout>,
    403,
  );
}
