// Opening the signed links of mail (/c/, /u/, /p/, /s/): a tampered, wrong-purpose or malformed
// token is simply invalid; an expired one is told apart, because what it may still do depends
// on the page (a confirmed participant may keep editing their entry after the deadline).
import type { Deps } from "../deps";
import { keyRing } from "../keys/ring";
import { type TokenPayload, type TokenPurpose, verifyToken } from "../tokens";

export type OpenedLink =
  | { ok: true; payload: TokenPayload & { l?: number }; expired: boolean }
  | { ok: false };

export async function openLink(
  deps: Deps,
  token: string,
  purpose: TokenPurpose,
): Promise<OpenedLink> {
  const secret = keyRing(deps);
  const check = await verifyToken(secret, token, purpose, deps.clock.now());
  if (check.ok) return { ok: true, payload: check.payload, expired: false };
  if (check.reason !== "expired") return { ok: false };
  // The signature and purpose hold (verifyToken checks them before the date): read it as of a
  // time before any expiry to get the payload back, and say that it expired.
  const asOfIssue = await verifyToken(secret, token, purpose, new Date(0));
  return asOfIssue.ok ? { ok: true, payload: asOfIssue.payload, expired: true } : { ok: false };
}
