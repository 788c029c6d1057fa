// Email addresses: validated against the SMTP Mailbox grammar (RFC 5321, with RFC 6531 for
// Unicode) by @hapi/address, the parser behind Joi, rather than a loose regex. It accepts what a
// mail server would deliver to and refuses RFC 5322 header syntax (display names, comments,
// quoted local parts) that has no place in a list. Internationalised domains are converted with
// the WHATWG URL parser (UTS #46), the same on Node and Workers.
import { analyzeEmail } from "@hapi/address";

export type Address = {
  /** What is stored and shown: trimmed, Unicode NFC, domain lower-cased. */
  email: string;
  /**
   * What addresses are compared and hashed by: the local part in NFKC (so the ligature in "ﬁle"
   * and fullwidth letters are the plain letters they look like), lower-cased; the domain in ASCII
   * (IDNA, punycode). A look-alike therefore meets the same suppression and duplicates.
   */
  key: string;
};

const MESSAGES: Record<string, string> = {
  EMPTY_STRING: "is empty",
  MISSING_AT_CHAR: "has no @",
  MULTIPLE_AT_CHAR: "has more than one @",
  EMPTY_LOCAL: "has nothing before the @",
  ADDRESS_TOO_LONG: "is longer than 254 characters",
  LOCAL_TOO_LONG: "has more than 64 bytes before the @",
  DOMAIN_SEGMENTS_COUNT: "has no dot in its domain",
  DOMAIN_NON_EMPTY_STRING: "has nothing after the @",
};

/** Parses one address; `error` says what is wrong in words an admin can act on. */
export function parseAddress(input: string): Address | { error: string } {
  const trimmed = input.trim().normalize("NFC");
  const problem = analyzeEmail(trimmed, { minDomainSegments: 2 });
  if (problem) {
    const what = MESSAGES[problem.code as string] ?? "is not a valid email address";
    return { error: `The address ${what}.` };
  }
  const at = trimmed.lastIndexOf("@");
  const local = trimmed.slice(0, at);
  const domain = trimmed.slice(at + 1).toLowerCase();
  const ascii = asciiDomain(domain);
  if (!ascii) return { error: "The address has an invalid domain." };
  return { email: `${local}@${domain}`, key: `${local.normalize("NFKC").toLowerCase()}@${ascii}` };
}

/** The ASCII (punycode) form of a domain, or undefined if it is not a valid host name. */
function asciiDomain(domain: string): string | undefined {
  try {
    const host = new URL(`http://${domain}`).hostname;
    return host.endsWith(".") ? undefined : host;
  } catch {
    return undefined;
  }
}
