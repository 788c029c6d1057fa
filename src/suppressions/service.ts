// The suppression list seen by an admin: found by address (through the same salted hash the list
// is keyed by, so the address itself is never stored) and lifted only with a recorded reason.
import { z } from "zod";
import { auditStatement } from "../audit/service";
import { hashAddress } from "../consent/service";
import { parseAddress } from "../contacts/address";
import type { Deps } from "../deps";
import type { FieldError } from "../http/problem";
import * as q from "./queries";

export type Suppression = Awaited<ReturnType<typeof q.latestSuppressions>>[number];

export const SUPPRESSION_REASONS = [
  "bounced",
  "complained",
  "declined",
  "unsubscribed",
  "expired",
  "erased",
  "admin",
] as const;

/**
 * What an admin may lift: suppressions the provider or an admin caused. The others record the
 * person's own choice or their erasure (invariant 2: never invited or mailed again); only the
 * person can subscribe again.
 */
export const LIFTABLE_REASONS: readonly string[] = ["bounced", "complained", "admin"];

export const suppressionQuery = z.object({
  address: z.string().trim().max(320).catch(""),
  reason: z.enum(SUPPRESSION_REASONS).optional().catch(undefined),
});
export type SuppressionQuery = z.output<typeof suppressionQuery>;

export type SuppressionSearch = {
  rows: Suppression[];
  counts: { reason: string; n: number }[];
  errors: FieldError[];
};

/** The latest suppressions (of one reason), or the one matching a typed address. */
export async function searchSuppressions(
  deps: Deps,
  query: SuppressionQuery,
  limit = 100,
): Promise<SuppressionSearch> {
  const counts = await q.countsByReason(deps.db);
  if (query.address) {
    const address = parseAddress(query.address);
    if ("error" in address) {
      return { rows: [], counts, errors: [{ field: "address", message: address.error }] };
    }
    const row = await q.suppressionByHash(deps.db, hashAddress(deps, address.key));
    return { rows: row ? [row] : [], counts, errors: [] };
  }
  return { rows: await q.latestSuppressions(deps.db, query.reason, limit), counts, errors: [] };
}

export const removalInput = z.object({
  hash: z.string().regex(/^[0-9a-f]{64}$/, "Not a suppression of this list."),
  note: z
    .string({ error: "Say why this address may be mailed again." })
    .trim()
    .min(3, "Say why this address may be mailed again (at least 3 characters).")
    .max(500, "At most 500 characters."),
});
export type RemovalInput = z.output<typeof removalInput>;

/**
 * Lifts one suppression and records who did it, why, and what the suppression was, in one
 * batch. The consent ledger is untouched: a bounced or unsubscribed contact stays so until it
 * consents again.
 */
export async function removeSuppression(
  deps: Deps,
  actor: string,
  input: RemovalInput,
): Promise<{ ok: true } | { ok: false; status: 404 | 409; message: string }> {
  const row = await q.suppressionByHash(deps.db, input.hash);
  if (!row) {
    return { ok: false, status: 404, message: "This address is not on the suppression list." };
  }
  if (!LIFTABLE_REASONS.includes(row.reason)) {
    return {
      ok: false,
      status: 409,
      message: `This suppression (${row.reason}) is the person's own choice or erasure, and is never lifted: only they can subscribe again.`,
    };
  }
  await deps.db.batch([
    q.deleteSuppression(deps.db, input.hash),
    auditStatement(deps, {
      actor,
      action: "suppression.removed",
      summary: `Suppression lifted (${row.reason} since ${row.createdAt}): ${input.note}`,
      details: {
        address_hash: input.hash,
        reason: row.reason,
        suppressed_at: row.createdAt,
        note: input.note,
      },
    }),
  ]);
  return { ok: true };
}
