// The status home and incident pages answered from memory, before the router (a spike's path).
import type { Context, MiddlewareHandler } from "hono";
import { parse as parseCookie } from "hono/utils/cookie";
import type { Deps } from "../deps";
import type { AppEnv } from "../http/env";
import { securedResponse } from "../http/security-headers";
import { LANG_COOKIE, type Lang, pickLang } from "../i18n";
import type { RememberedPage } from "./page-memory";

/**
 * Browsers keep these pages 15 s and shared caches (a CDN, the edge on Workers) 30 s, then
 * revalidate with the ETag: a spike is absorbed by the cache, not by this process.
 */
export const PUBLIC_CACHE = "public, max-age=15, s-maxage=30";

/** `/` and `/incidents/slug` exactly (not the `.json` form, not a trailing slash). */
const REMEMBERED_PATH = /^\/(?:incidents\/[a-z0-9-]+)?$/;

export const pageKey = (path: string, lang: Lang) => `${path}:${lang}`;

/** The response both paths give: the security headers already in a plain header object. */
export const pageResponse = (page: RememberedPage) =>
  securedResponse(page.body, {
    status: 200,
    headers: {
      "content-type": "text/html; charset=UTF-8",
      "cache-control": PUBLIC_CACHE,
      vary: "Accept-Language, Cookie",
      etag: page.etag,
    },
  });

/** Renders (or reuses) a page of `c.req.path` in the visitor's language. */
export async function rememberedPage(
  c: Context<AppEnv>,
  render: () => Promise<string | null>,
): Promise<Response | null> {
  const page = await c.var.deps.statusPages.remember(pageKey(c.req.path, c.var.lang), render);
  return page ? pageResponse(page) : null;
}

/**
 * First after the security headers: a GET of the home or an incident page rendered within the
 * last second is answered synchronously, skipping the rest (which such a GET does not need: no
 * session, no form, no body). Conditional requests go on to the router's ETag handling.
 */
export function statusPagesFromMemory(deps: Deps): MiddlewareHandler {
  return (c, next) => {
    if (!REMEMBERED_PATH.test(c.req.path) || c.req.header("if-none-match")) return next();
    const cookies = c.req.header("cookie");
    const lang = pickLang(
      cookies ? parseCookie(cookies, LANG_COOKIE)[LANG_COOKIE] : undefined,
      c.req.header("accept-language"),
    );
    const page = deps.statusPages.peek(pageKey(c.req.path, lang));
    return page ? Promise.resolve(pageResponse(page)) : next();
  };
}
