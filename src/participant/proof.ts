// What a participant's own answer is recorded with, besides time and source: a salted hash of
// the client address and the browser family (never the full user-agent string).
export type Proof = { ipHash: string | null; uaFamily: string | null };

const FAMILIES: [RegExp, string][] = [
  [/\bEdg(e|A|iOS)?\//, "Edge"],
  [/\b(OPR|Opera)\//, "Opera"],
  [/\b(Firefox|FxiOS)\//, "Firefox"],
  [/\b(Chrome|Chromium|CriOS)\//, "Chrome"],
  [/\bSafari\//, "Safari"],
  [/\bcurl\//, "curl"],
  [/bot|crawler|spider|scanner|preview/i, "bot"],
];

/** The browser family of a User-Agent header: Firefox, Chrome, Safari, Edge, Opera, … or other. */
export function userAgentFamily(header: string | undefined): string | null {
  if (!header) return null;
  for (const [pattern, family] of FAMILIES) if (pattern.test(header)) return family;
  return "other";
}
