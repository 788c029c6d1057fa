// The SSRF guard of outgoing webhooks: a URL whose host is, or resolves to, an address that is
// not public (this machine, private networks, link-local and cloud metadata) is refused, at
// registration and again before each delivery (DNS may have changed since).
import { isPublicAddress, parseIp } from "../http/ip";

/** Resolves a host name to its addresses (Node: dns.lookup); absent where the runtime cannot. */
export type ResolveHost = (hostname: string) => Promise<string[]>;

/** A refusal: `reason` in English (API, logs), `code` and `values` for pages in other languages. */
export type TargetCheck =
  | { ok: true; url: URL }
  | { ok: false; reason: string; code: string; values: Record<string, string> };

const refuse = (reason: string, code: string, values: Record<string, string> = {}) =>
  ({ ok: false, reason, code, values }) as const;

/** Names that mean this machine or a private network whatever DNS says. */
const LOCAL_NAMES = /(^|\.)(localhost|local|internal|localdomain|home\.arpa)$/i;

const CREDENTIALS = "must not carry a user name or password.";

function parseTarget(raw: string): URL | string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return "is not an absolute URL.";
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return "must start with https://.";
  if (url.username || url.password) return CREDENTIALS;
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
  if (typeof url === "string")
    return refuse(`The URL ${url}`, url === CREDENTIALS ? "urlCredentials" : "invalidUrl");
  if (options.allowPrivate) return { ok: true, url };
  const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
  const literal = parseIp(host);
  if (literal) {
    return isPublicAddress(literal)
      ? { ok: true, url }
      : refuse(`The URL points at ${host}, a private or local address.`, "urlPrivate", { host });
  }
  if (LOCAL_NAMES.test(host)) {
    return refuse(`The URL points at ${host}, a local name.`, "urlPrivate", { host });
  }
  if (!options.resolveHost) return { ok: true, url };
  let addresses: string[];
  try {
    addresses = await options.resolveHost(host);
  } catch {
    return refuse(`The host ${host} could not be resolved.`, "hostUnresolved", { host });
  }
  if (addresses.length === 0)
    return refuse(`The host ${host} has no address.`, "hostUnresolved", { host });
  const refused = addresses.find((a) => {
    const ip = parseIp(a);
    return !ip || !isPublicAddress(ip);
  });
  return refused
    ? refuse(`The host ${host} resolves to ${refused}, a private or local address.`, "urlPrivate", {
        host,
      })
    : { ok: true, url };
}
