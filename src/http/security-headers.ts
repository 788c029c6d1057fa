// The security headers every response carries (CSP without inline script or eval, no framing,
// no sniffing), set by one middleware around every route; the poll page served from memory asks
// this module for a response that carries them from the start. Only the compact embed pages
// (`/embed/…`) may be framed by other sites (EMBED_FRAME_ANCESTORS). Not sent:
// X-XSS-Protection (no current browser has the filter it switched off) and X-Download-Options
// (Internet Explorer 8 only).
import type { MiddlewareHandler } from "hono";

const csp = (frameAncestors: string) =>
  [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    `frame-ancestors ${frameAncestors}`,
  ].join("; ");

export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  "content-security-policy": csp("'none'"),
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
  "origin-agent-cluster": "?1",
  "referrer-policy": "same-origin",
  "strict-transport-security": "max-age=15552000; includeSubDomains",
  "x-content-type-options": "nosniff",
  "x-dns-prefetch-control": "off",
  "x-frame-options": "DENY",
  "x-permitted-cross-domain-policies": "none",
});

/** Pages made to be embedded in an `<iframe>` on any site (they hold no form and no session). */
const FRAMABLE_PATH = /^\/embed\//;

/** The embed pages' headers: framable by `frameAncestors` only, and loadable cross-site. */
const framableHeaders = (frameAncestors: string): Readonly<Record<string, string>> =>
  Object.freeze({
    ...Object.fromEntries(
      Object.entries(SECURITY_HEADERS).filter(([name]) => name !== "x-frame-options"),
    ),
    "content-security-policy": csp(frameAncestors),
    "cross-origin-resource-policy": "cross-origin",
  });

/** Marks a response built by `securedResponse`: its headers are complete already. */
const SECURED = Symbol("security headers included");

/**
 * A response with the security headers already in its plain header object, for the poll page
 * served from memory: the Node adapter writes a plain object as it is, and setting headers on it
 * afterwards would make it build and walk a Headers object on the hottest page (see
 * bench/RESULTS.md). The middleware below recognises it and leaves it whole.
 */
export function securedResponse(
  body: Uint8Array<ArrayBuffer> | string,
  init: { status: number; headers: Record<string, string> },
): Response {
  const response = new Response(body, {
    status: init.status,
    headers: { ...SECURITY_HEADERS, ...init.headers },
  });
  return Object.assign(response, { [SECURED]: true });
}

/**
 * Sets the security headers on every response the app gives, whatever produced it; `/embed/…`
 * pages may be framed by `embedFrameAncestors` (EMBED_FRAME_ANCESTORS), nothing else by anyone.
 */
export const securityHeaders = (embedFrameAncestors: string): MiddlewareHandler => {
  const framable = framableHeaders(embedFrameAncestors);
  return async (c, next) => {
    await next();
    if (SECURED in c.res) return;
    const headers = c.res.headers;
    const isEmbed = FRAMABLE_PATH.test(c.req.path);
    const chosen = isEmbed ? framable : SECURITY_HEADERS;
    for (const name in chosen) headers.set(name, chosen[name] as string);
    if (isEmbed) headers.delete("x-frame-options");
    headers.delete("x-powered-by");
  };
};
