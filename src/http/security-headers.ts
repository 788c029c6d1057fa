// The security headers every response carries (CSP without inline script or eval, no framing,
// no sniffing), as one constant object. Most responses get them from the middleware after the
// handler; the hottest public page builds its response with them already in place, from a plain
// object, so that the Node adapter writes it without building a Headers object at all.
import type { MiddlewareHandler } from "hono";

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

export const SECURITY_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  "content-security-policy": CSP,
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
  "origin-agent-cluster": "?1",
  "referrer-policy": "same-origin",
  "strict-transport-security": "max-age=15552000; includeSubDomains",
  "x-content-type-options": "nosniff",
  "x-dns-prefetch-control": "off",
  "x-download-options": "noopen",
  "x-frame-options": "DENY",
  "x-permitted-cross-domain-policies": "none",
  "x-xss-protection": "0",
});

const NAMES = Object.keys(SECURITY_HEADERS);

/** Responses built by securedResponse: they already carry every header above. */
const secured = new WeakSet<Response>();

/**
 * A response with the security headers and `headers` (lower-case names) set from the start. The
 * middleware leaves it as it is.
 */
export function securedResponse(
  body: string | Uint8Array<ArrayBuffer> | null,
  status: number,
  headers: Record<string, string>,
): Response {
  const response = new Response(body, { status, headers: { ...SECURITY_HEADERS, ...headers } });
  secured.add(response);
  return response;
}

/** Sets the security headers on every response the app gives, whatever produced it. */
export const securityHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  if (secured.has(c.res)) return;
  const headers = c.res.headers;
  for (const name of NAMES) headers.set(name, SECURITY_HEADERS[name] as string);
  headers.delete("x-powered-by");
};
