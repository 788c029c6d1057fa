// The status home and incident pages answered from memory, before the router (a spike's path).
import type { Context } from "hono";
import { parseAccept } from "hono/utils/accept";
import { getPath } from "hono/utils/url";
import type { Deps } from "../deps";
import type { AppEnv } from "../http/env";
import { securedResponse } from "../http/security-headers";
import { type Lang, publicLangOf } from "../i18n";
import type { RememberedPage } from "./page-memory";

/**
 * Browsers keep these pages 15 s and shared caches (a CDN, the edge on Workers) 30 s, then
 * revalidate with the ETag: a spike is absorbed by the cache, not by this process.
 */
export const PUBLIC_CACHE = "public, max-age=15, s-maxage=30";

/** `/` and `/incidents/slug` exactly (not the `.json` form, not a trailing slash). */
const REMEMBERED_PATH = /^\/(?:incidents\/[a-z0-9-]+)?$/;

export const pageKey = (path: string, lang: Lang) => `${path}:${lang}`;

/** Whether a client sending this `Accept-Encoding` takes gzip (q-values included). */
function takesGzip(acceptEncoding: string | null | undefined): boolean {
  if (!acceptEncoding) return false;
  // Browsers send a plain list ("gzip, deflate, br, zstd"): a token test is enough there, and
  // hono's full parser costs a tenth of this page's time (bench/RESULTS.md); it judges q-values.
  const offers = acceptEncoding.includes(";")
    ? parseAccept(acceptEncoding).filter((offer) => offer.q > 0)
    : acceptEncoding.split(",").map((type) => ({ type }));
  return offers.some((offer) => offer.type.trim().toLowerCase() === "gzip");
}

/**
 * The response both paths give: the security headers already in a plain header object, gzipped
 * when the page is kept so and the client takes it.
 */
export function pageResponse(page: RememberedPage, acceptEncoding: string | null | undefined) {
  const headers: Record<string, string> = {
    "content-type": "text/html; charset=UTF-8",
    "cache-control": PUBLIC_CACHE,
    vary: "Accept-Language, Cookie, Accept-Encoding",
    etag: page.etag,
  };
  if (page.gzip && takesGzip(acceptEncoding)) {
    return securedResponse(page.gzip.body, {
      status: 200,
      headers: { ...headers, "content-encoding": "gzip", etag: page.gzip.etag },
    });
  }
  return securedResponse(page.body, { status: 200, headers });
}

/** Renders (or reuses) a page of `c.req.path` in the visitor's language. */
export async function rememberedPage(
  c: Context<AppEnv>,
  render: () => Promise<string | null>,
): Promise<Response | null> {
  const page = await c.var.deps.statusPages.remember(pageKey(c.req.path, c.var.lang), render);
  return page ? pageResponse(page, c.req.header("accept-encoding")) : null;
}

/**
 * Before the router: a GET of the home or an incident page rendered within the last second is
 * answered synchronously, skipping everything else (which such a GET does not need: no session,
 * no form, no body). Conditional requests and the rest go on to the app.
 */
export const statusPageFromMemory =
  (deps: Deps) =>
  (request: Request): Response | undefined => {
    if (request.method !== "GET") return undefined;
    const path = getPath(request);
    const headers = request.headers;
    if (!REMEMBERED_PATH.test(path) || headers.get("if-none-match")) return undefined;
    const page = deps.statusPages.peek(pageKey(path, publicLangOf(headers)));
    return page ? pageResponse(page, headers.get("accept-encoding")) : undefined;
  };
