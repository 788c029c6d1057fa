// The SSRF guard of outgoing webhooks: a URL whose host is, or resolves to, an address that is
// not public (this machine, private networks, link-local and cloud metadata) is refused, at
// registration and again before each delivery (DNS may have changed since).
import { isPublicAddress, parseIp } from "../http/ip";

/** Resolves a host name to its addresses (Node: dns.lookup); absent where the runtime cannot. */
export type ResolveHost = (hostname: string) => Promise<string[]>;

export type TargetCheck = { ok: true; url: URL } | { ok: false; reason: string };

/** Names that mean this machine or a private network whatever DNS says. */
const LOCAL_NAMES = /(^|\.)(localhost|local|internal|localdomain|home\.arpa)$/i;

function parseTarget(raw: string): URL | string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "is not an absolute URL.";
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return "must start with https://.";
  if (url.username || url.password) return "must not carry a user name or password.";
  if (url.hostname === "") return "has no host.";
  return url;
}

/**
 * Whether `raw` may receive webhooks: http(s), no credentials, and every address its host is or
 * resolves to is public. `allowPrivate` (WEBHOOK_ALLOW_PRIVATE, tests only) lifts the address
 * rule. Without a resolver (Workers, whose fetch cannot reach private addresses), literal
 * addresses and local names are still checked.
 */
export async function checkTarget(
  raw: string,
  options: { allowPrivate: boolean; resolveHost?: ResolveHost },
): Promise<TargetCheck> {
  const url = parseTarget(raw);
  if (typeof url === "string") return { ok: false, reason: `The URL ${url}` };
  if (options.allowPrivate) return { ok: true, url };
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  const literal = parseIp(host);
  if (literal) {
    return isPublicAddress(literal)
      ? { ok: true, url }
      : { ok: false, reason: `The URL points at ${host}, a private or local address.` };
  }
  if (LOCAL_NAMES.test(host)) {
    return { ok: false, reason: `The URL points at ${host}, a local name.` };
  }
  if (!options.resolveHost) return { ok: true, url };
  let addresses: string[];
  try {
    addresses = await options.resolveHost(host);
  } catch {
    return { ok: false, reason: `The host ${host} could not be resolved.` };
  }
  if (addresses.length === 0) return { ok: false, reason: `The host ${host} has no address.` };
  const refused = addresses.find((a) => {
    const ip = parseIp(a);
    return !ip || !isPublicAddress(ip);
  });
  return refused
    ? { ok: false, reason: `The host ${host} resolves to ${refused}, a private or local address.` }
    : { ok: true, url };
}
