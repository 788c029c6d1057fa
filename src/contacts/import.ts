// CSV import: stream the file through csv-parse, check each row, stage the valid ones, then
// apply them in one batch. A file found malformed at any point changes nothing.
//
// Each data row counts in exactly one of:
//   imported   — the address was not on this list: it joins as `legacy` with an `imported` event
//   updated    — already on the list; the row brought a new name or attribute values
//   duplicates — the address appeared earlier in this file, or is already on the list with
//                nothing new (so importing the same file again reports only duplicates)
//   rejected   — {line, reason}: invalid_email, too_long, wrong_column_count, suppressed
// Importing never changes a consent state: an existing member keeps its state and history.
import { parse } from "csv-parse/stream";
import { hashAddress } from "../consent/service";
import { toHex } from "../crypto";
import type { Deps } from "../deps";
import { parseAddress } from "./address";
import { detectSeparator, guardBytes, MAX_IMPORT_BYTES, MalformedFile } from "./csv-stream";
import * as q from "./queries";

export type RejectReason = "invalid_email" | "too_long" | "wrong_column_count" | "suppressed";

export type ImportReport = {
  imported: number;
  updated: number;
  duplicates: number;
  rejected: { line: number; reason: RejectReason }[];
};

export type ImportResult =
  | { ok: true; report: ImportReport }
  | { ok: false; status: 400 | 413; message: string };

export const MAX_FIELD_LENGTH = 1000;
const STAGE_BATCH = 500;

type Header = { email: number; name: number | undefined; attributes: [number, string][] };

function readHeader(record: string[]): Header {
  const names = record.map((h) => h.trim());
  const lower = names.map((h) => h.toLowerCase());
  const seen = new Set<string>();
  for (const name of lower) {
    if (name && seen.has(name)) {
      throw new MalformedFile(`The header names the column “${name}” twice; rename one of them.`);
    }
    seen.add(name);
  }
  const email = lower.indexOf("email");
  if (email < 0) {
    const found = names.filter(Boolean).slice(0, 10).join(", ");
    throw new MalformedFile(
      `The first line must be a header with an “email” column; it has ${found ? `“${found}”` : "no column names"}.`,
    );
  }
  const name = lower.indexOf("name");
  const attributes = names
    .map((n, i) => [i, n] as [number, string])
    .filter(([i, n]) => n !== "" && i !== email && i !== name);
  return { email, name: name < 0 ? undefined : name, attributes };
}

/** Counts line breaks inside a record's values (quoted fields may span lines). */
const breaksIn = (record: string[]) => {
  let n = 0;
  for (const value of record) n += value.match(/\r\n|\r|\n/g)?.length ?? 0;
  return n;
};

export async function importCsv(
  deps: Deps,
  target: { listId: number; source: string; actor: string },
  body: ReadableStream<Uint8Array>,
  options: { maxBytes?: number } = {},
): Promise<ImportResult> {
  const importId = toHex(deps.randomBytes(16));
  const rejected: ImportReport["rejected"] = [];
  let duplicatesInFile = 0;
  let pending: (q.StagedRow & { key: string })[] = [];

  const flush = async () => {
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    const hashes = await Promise.all(batch.map((row) => hashAddress(deps, row.key)));
    const rows = batch.map(({ key: _key, ...row }, i) => ({ ...row, emailHash: hashes[i] ?? "" }));
    const kept = await q.stageRows(deps.db, rows);
    duplicatesInFile += rows.length - kept.length;
  };

  try {
    const guarded = body.pipeThrough(guardBytes(options.maxBytes ?? MAX_IMPORT_BYTES));
    const { separator, stream } = await detectSeparator(guarded);
    const records = stream.pipeThrough(
      parse({
        bom: true,
        delimiter: separator,
        relax_column_count: true,
        max_record_size: 1024 * 1024,
      }) as unknown as TransformStream<Uint8Array, string[]>,
    );

    let header: Header | undefined;
    let width = 0;
    let nextLine = 1;
    for await (const record of records as unknown as AsyncIterable<string[]>) {
      const line = nextLine;
      nextLine += 1 + breaksIn(record);
      if (record.length === 1 && record[0]?.trim() === "") continue; // a blank line
      if (!header) {
        header = readHeader(record);
        width = record.length;
        continue;
      }
      const extra = record.slice(width);
      if (record.length < width || extra.some((v) => v.trim() !== "")) {
        rejected.push({ line, reason: "wrong_column_count" });
        continue;
      }
      if (record.some((v) => v.length > MAX_FIELD_LENGTH)) {
        rejected.push({ line, reason: "too_long" });
        continue;
      }
      const address = parseAddress(record[header.email] ?? "");
      if ("error" in address) {
        rejected.push({ line, reason: "invalid_email" });
        continue;
      }
      const attributes: Record<string, string> = {};
      for (const [i, key] of header.attributes) {
        const value = record[i]?.trim();
        if (value) attributes[key] = value;
      }
      const name = header.name === undefined ? "" : (record[header.name]?.trim() ?? "");
      pending.push({
        importId,
        key: address.key,
        emailKey: address.key,
        line,
        email: address.email,
        emailHash: "",
        name: name || null,
        attributes: JSON.stringify(attributes),
      });
      if (pending.length >= STAGE_BATCH) await flush();
    }
    if (!header) {
      throw new MalformedFile(
        "The file is empty. Its first line must be a header naming the columns, one of them “email”.",
      );
    }
    await flush();

    const at = deps.clock.now().toISOString();
    const results = await deps.db.batch(
      q.applyImport(deps.db, {
        importId,
        listId: target.listId,
        at,
        source: target.source,
        actor: target.actor,
        rejectedInFile: rejected.length,
        duplicatesInFile,
      }),
    );
    const counts = new Map(results[7].map((r) => [r.outcome, Number(r.n)]));
    for (const { line } of results[8]) rejected.push({ line: Number(line), reason: "suppressed" });
    rejected.sort((a, b) => a.line - b.line);
    return {
      ok: true,
      report: {
        imported: counts.get("imported") ?? 0,
        updated: counts.get("updated") ?? 0,
        duplicates: (counts.get("duplicate") ?? 0) + duplicatesInFile,
        rejected,
      },
    };
  } catch (error) {
    await q.discardStaged(deps.db, importId);
    const malformed = asMalformed(error);
    if (malformed) return { ok: false, status: malformed.status, message: malformed.message };
    throw error;
  }
}

/** csv-parse's errors (an unclosed quote, a huge record) become a message an admin can act on. */
function asMalformed(error: unknown): MalformedFile | undefined {
  if (error instanceof MalformedFile) return error;
  const { code, lines } = (error ?? {}) as { code?: unknown; lines?: unknown };
  const where = typeof lines === "number" ? `near line ${lines}, ` : "";
  if (typeof code === "string" && code.startsWith("CSV_")) {
    const detail =
      code === "CSV_QUOTE_NOT_CLOSED"
        ? "a quoted value is never closed"
        : code === "CSV_MAX_RECORD_SIZE"
          ? "one row is larger than 1 MB (probably an unclosed quote)"
          : code === "CSV_INVALID_CLOSING_QUOTE" ||
              code === "CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE"
            ? "a closing quote is followed by other characters"
            : "the CSV syntax is broken";
    return new MalformedFile(
      `The file could not be read as CSV: ${where}${detail}. Nothing was imported.`,
    );
  }
  return undefined;
}
