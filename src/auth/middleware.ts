// Guards: an admin session cookie for /admin pages, a bearer token for /api/v1.
import { getCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../http/env";
import { problem } from "../http/problem";
import { sessionAdmin, tokenAdmin } from "./service";

export const SESSION_COOKIE = "relance_session";

export const requireAdminSession = createMiddleware<AppEnv>(async (c, next) => {
  const id = getCookie(c, SESSION_COOKIE);
  const admin = id ? await sessionAdmin(c.var.deps, id) : undefined;
  if (!admin) {
    const next = c.req.method === "GET" ? `?next=${encodeURIComponent(c.req.path)}` : "";
    return c.redirect(`/admin/login${next}`, 303);
  }
  c.set("admin", admin);
  await next();
});

export const requireApiToken = createMiddleware<AppEnv>(async (c, next) => {
  const header = c.req.header("Authorization") ?? "";
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  const admin = match?.[1] ? await tokenAdmin(c.var.deps, match[1]) : undefined;
  if (!admin) {
    return problem(
      c,
      401,
      "A valid bearer token is required: POST /api/v1/tokens with {email, password}.",
      {
        headers: { "WWW-Authenticate": 'Bearer realm="relance"' },
      },
    );
  }
  c.set("admin", admin);
  await next();
});
