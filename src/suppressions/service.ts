// The suppression list seen by an admin: found by address (through the same salted hash the list
// is keyed by, so the address itself is never stored) and lifted only with a recorded reason.
import { z } from "zod";
import { auditStatement } from "../audit/service";
import { liftSuppressionReasons } from "../consent/queries";
import { hashAddress } from "../consent/service";
import { parseAddress } from "../contacts/address";
import type { Deps } from "../deps";
import type { FieldError } from "../http/problem";
import { adoptPreviousHashes } from "../keys/rekey";
import * as q from "./queries";

/** One suppressed address: every reason it was given, and whether an admin may lift it. */
export type Suppression = {
  addressHash: string;
  /** The address, when a contact still has it; null once nobody does. */
  addressHint: string | null;
  reasons: { reason: string; at: string; source: string; listId: number | null }[];
  liftable: boolean;
};

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
 * What an admin may lift: suppressions only the provider or an admin caused. Every other reason
 * is the person's own act (they declined, left every list, complained, were erased or let an
 * invitation expire): then the address is never invited or mailed again, whatever else it has.
 */
export const LIFTABLE_REASONS: readonly string[] = ["bounced", "admin"];

async function suppressionsOf(deps: Deps, hashes: string[]): Promise<Suppression[]> {
  if (hashes.length === 0) return [];
  const rows = await q.reasonsOf(deps.db, hashes);
  return hashes.flatMap((hash) => {
    const own = rows.filter((r) => r.addressHash === hash);
    if (own.length === 0) return [];
    const reasons = own.map(({ reason, at, source, listId }) => ({ reason, at, source, listId }));
    return [
      {
        addressHash: hash,
        addressHint: own.find((r) => r.email)?.email ?? null,
        reasons,
        liftable: reasons.every((r) => LIFTABLE_REASONS.includes(r.reason)),
      },
    ];
  });
}

export const suppressionQuery = z.object({
  address: z.string().trim().max(320).catch(""),
  reason: z.enum(SUPPRESSION_REASONS).optional().catch(undefined),
});
export type SuppressionQuery = z.output<typeof suppressionQuery>;

export type SuppressionSearch = {
  rows: Suppression[];
  /** Addresses per reason: one address with two reasons counts under both. */
  counts: { reason: string; n: number }[];
  /** Addresses suppressed, each once. */
  total: number;
  errors: FieldError[];
};

/**
 * A full address is looked up by its hash (so one no contact holds any more is still found);
 * any text is also matched as a part of the address or name of contacts that hold one.
 */
async function matching(deps: Deps, query: SuppressionQuery, limit: number, oldestFirst: boolean) {
  const address = parseAddress(query.address);
  // A suppression made under a previous SECRET_KEY moves to the current one first.
  if (!("error" in address)) await adoptPreviousHashes(deps, [address.key]);
  const exact = "error" in address ? [] : [hashAddress(deps, address.key)];
  const partial = await q.hashesMatching(deps.db, query.address, query.reason, limit, oldestFirst);
  const rows = await suppressionsOf(deps, [...new Set([...exact, ...partial])]);
  return query.reason ? rows.filter((r) => r.reasons.some((x) => x.reason === query.reason)) : rows;
}

export const SUPPRESSION_SORTS = ["date", "address"] as const;
export type SuppressionOrder = { key: (typeof SUPPRESSION_SORTS)[number]; dir: "asc" | "desc" };

/**
 * The shown rows by address: the addresses are only on the contacts still holding them (the
 * rest is a hash), so this orders the latest (or matching) rows, not the whole list; unknown
 * addresses last.
 */
const byAddress = (rows: Suppression[], dir: "asc" | "desc") =>
  [...rows].sort((a, b) => {
    if (a.addressHint === b.addressHint) return 0;
    if (a.addressHint === null) return 1;
    if (b.addressHint === null) return -1;
    return (dir === "asc" ? 1 : -1) * a.addressHint.localeCompare(b.addressHint);
  });

/** The latest suppressions (of one reason), or those matching a typed address or part of one. */
export async function searchSuppressions(
  deps: Deps,
  query: SuppressionQuery,
  limit = 100,
  order: SuppressionOrder = { key: "date", dir: "desc" },
): Promise<SuppressionSearch> {
  const [counts, total] = await Promise.all([
    q.countsByReason(deps.db),
    q.countSuppressed(deps.db),
  ]);
  const oldestFirst = order.key === "date" && order.dir === "asc";
  const rows = query.address
    ? await matching(deps, query, limit, oldestFirst)
    : await suppressionsOf(deps, await q.latestHashes(deps.db, query.reason, limit, oldestFirst));
  return {
    rows: order.key === "address" ? byAddress(rows, order.dir) : rows,
    counts,
    total,
    errors: [],
  };
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

export type RemovalRefusal = { ok: false; reason: "not_found" | "not_liftable"; message: string };

/**
 * Lifts one suppression and records who did it, why, and what its reasons were, in one batch;
 * refused while any reason is the person's own act. The consent ledger is untouched: a bounced
 * contact stays so until it consents again.
 */
export async function removeSuppression(
  deps: Deps,
  actor: string,
  input: RemovalInput,
): Promise<{ ok: true } | RemovalRefusal> {
  const [found] = await suppressionsOf(deps, [input.hash]);
  if (!found) {
    return {
      ok: false,
      reason: "not_found",
      message: "This address is not on the suppression list.",
    };
  }
  const reasons = found.reasons.map((r) => r.reason);
  if (!found.liftable) {
    const own = [...new Set(reasons.filter((r) => !LIFTABLE_REASONS.includes(r)))].join(", ");
    return {
      ok: false,
      reason: "not_liftable",
      message: `This suppression records the person's own act (${own}) and is never lifted: only they can subscribe again.`,
    };
  }
  await deps.db.batch([
    ...liftSuppressionReasons(deps.db, input.hash, LIFTABLE_REASONS),
    auditStatement(deps, {
      actor,
      action: "suppression.removed",
      summary: `Suppression lifted (${reasons.join(", ")}): ${input.note}`,
      details: { address_hash: input.hash, reasons: found.reasons, note: input.note },
    }),
  ]);
  return { ok: true };
}

/** The API's shape of a suppression. */
export const suppressionJson = (s: Suppression) => ({
  address_hint: s.addressHint,
  address_hash: s.addressHash,
  reasons: s.reasons.map((r) => ({
    reason: r.reason,
    at: r.at,
    source: r.source,
    list_id: r.listId,
  })),
  liftable: s.liftable,
});
