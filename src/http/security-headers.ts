// The security headers every response carries (CSP without inline script or eval, no framing,
// no sniffing), as one constant object. Responses get them from the middleware after the handler;
// the poll page served before the router (src/polls/routes.tsx) spreads the same constant into
// its plain header object. Not sent: X-XSS-Protection (no current browser has the filter it
// switched off) and X-Download-Options (Internet Explorer 8 only).
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
  "x-frame-options": "DENY",
  "x-permitted-cross-domain-policies": "none",
});

const NAMES = Object.keys(SECURITY_HEADERS);

/** Sets the security headers on every response the app gives, whatever produced it. */
export const securityHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  const headers = c.res.headers;
  for (const name of NAMES) headers.set(name, SECURITY_HEADERS[name] as string);
  headers.delete("x-powered-by");
};
