// CSV import: stream the file through csv-parse, check each row, stage the valid ones, then
// apply them in one batch. A file found malformed at any point changes nothing.
//
// Each data row counts in exactly one of:
//   imported   — the address was not on this list: it joins as `legacy` with an `imported` event
//   updated    — already on the list; the row brought a new name or attribute values
//   duplicates — the address appeared earlier in this file, or is already on the list with
//                nothing new (so importing the same file again reports only duplicates)
//   rejected   — {line, reason}: invalid_email, too_long, control_characters (in a name),
//                wrong_column_count, suppressed
// Importing never changes a consent state: an existing member keeps its state and history.
import { CsvError, parse } from "csv-parse";
import { addressHasher } from "../consent/address-hash";
import type { Deps } from "../deps";
import { adoptPreviousHashes } from "../keys/rekey";
import { hasControlCharacters } from "../mail/provider";
import { parseAddress } from "./address";
import { detectSeparator, guardBytes, MAX_IMPORT_BYTES, MalformedFile } from "./csv-stream";
import * as q from "./queries";

export type RejectReason =
  | "invalid_email"
  | "too_long"
  | "control_characters"
  | "wrong_column_count"
  | "suppressed";

export type ImportReport = {
  imported: number;
  updated: number;
  duplicates: number;
  rejected: { line: number; reason: RejectReason }[];
};

export type ImportResult =
  | { ok: true; report: ImportReport }
  | { ok: false; status: 400 | 413 | 422; message: string };

export const MAX_FIELD_LENGTH = 1000;
const STAGE_BATCH = 2000;

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
  // 48 random bits: two imports running at once never share staging rows.
  const importId = deps.randomBytes(6).reduce((n, byte) => n * 256 + byte, 0);
  const stage = stager(deps, importId);
  let parser: ReturnType<typeof parse> | undefined;
  try {
    const guarded = body.pipeThrough(guardBytes(options.maxBytes ?? MAX_IMPORT_BYTES));
    const { separator, stream } = await detectSeparator(guarded);
    parser = parse({
      bom: true,
      delimiter: separator,
      relax_column_count: true,
      max_record_size: 1 << 20,
    });
    void feed(stream, parser);
    const rejected = await stageRecords(records(parser), stage);
    await stage.flush();
    const report = await applyStaged(deps, target, importId, rejected, stage.duplicatesInFile());
    return { ok: true, report };
  } catch (error) {
    parser?.destroy(); // stops reading the upload
    await q.discardStaged(deps.db, importId);
    const malformed = asMalformed(error);
    if (malformed) return { ok: false, status: malformed.status, message: malformed.message };
    throw withoutContent(error);
  }
}

/** A row ready to stage, or why the row is refused. */
type Checked =
  | { reason: RejectReason }
  | { key: string; email: string; name: string | null; attributes: string };

/** One data row against the header: its address, name and attributes, or why it is refused. */
function checkRecord(record: string[], header: Header, width: number): Checked {
  const extra = record.slice(width);
  if (record.length < width || extra.some((v) => v.trim() !== "")) {
    return { reason: "wrong_column_count" };
  }
  if (record.some((v) => v.length > MAX_FIELD_LENGTH)) return { reason: "too_long" };
  // A name may reach a subject through a merge tag (finding 3).
  if (header.name !== undefined && hasControlCharacters(record[header.name] ?? "")) {
    return { reason: "control_characters" };
  }
  const address = parseAddress(record[header.email] ?? "");
  if ("error" in address) return { reason: "invalid_email" };
  const attributes: Record<string, string> = {};
  for (const [i, key] of header.attributes) {
    const value = record[i]?.trim();
    if (value) attributes[key] = value;
  }
  const name = header.name === undefined ? "" : (record[header.name]?.trim() ?? "");
  return {
    key: address.key,
    email: address.email,
    name: name || null,
    attributes: JSON.stringify(attributes),
  };
}

/**
 * Reads the header, then checks and stages each data row; returns the rows refused. A file with
 * no header or no rows is malformed (nothing is applied).
 */
async function stageRecords(rows: AsyncGenerator<string[]>, stage: Stager) {
  const rejected: ImportReport["rejected"] = [];
  let header: Header | undefined;
  let width = 0;
  let nextLine = 1;
  let dataRows = 0;
  for await (const record of rows) {
    const line = nextLine;
    nextLine += 1 + breaksIn(record);
    if (record.length === 1 && record[0]?.trim() === "") continue; // a blank line
    if (!header) {
      header = readHeader(record);
      width = record.length;
      continue;
    }
    dataRows++;
    const checked = checkRecord(record, header, width);
    if ("reason" in checked) rejected.push({ line, reason: checked.reason });
    else await stage.add(line, checked);
  }
  if (!header) {
    throw new MalformedFile(
      "The file is empty. Its first line must be a header naming the columns, one of them “email”.",
    );
  }
  if (dataRows === 0) {
    throw new MalformedFile(
      "The file has a header but no rows: add one contact per line under it.",
      422,
    );
  }
  return rejected;
}

type Stager = ReturnType<typeof stager>;

/**
 * Staging rows by batches of STAGE_BATCH: each batch's addresses are hashed under the current
 * key (rows are checked against suppressions by that hash), and repeats within the file dropped.
 */
function stager(deps: Deps, importId: number) {
  let pending: (q.StagedRow & { key: string })[] = [];
  let duplicatesInFile = 0;
  const flush = async () => {
    if (pending.length === 0) return;
    const batch = pending;
    pending = [];
    await adoptPreviousHashes(
      deps,
      batch.map((row) => row.key),
    );
    const hash = addressHasher(deps.config.secretKey);
    const rows = batch.map(({ key, ...row }) => ({ ...row, emailHash: hash(key) }));
    const kept = await q.stageRows(deps.client, rows);
    duplicatesInFile += rows.length - kept.length;
  };
  return {
    async add(line: number, row: Exclude<Checked, { reason: RejectReason }>) {
      pending.push({ importId, line, emailKey: row.key, emailHash: "", ...row });
      if (pending.length >= STAGE_BATCH) await flush();
    },
    flush,
    duplicatesInFile: () => duplicatesInFile,
  };
}

/** The staged rows applied in one batch; the report counts each data row once. */
async function applyStaged(
  deps: Deps,
  target: { listId: number; source: string; actor: string },
  importId: number,
  rejected: ImportReport["rejected"],
  duplicatesInFile: number,
): Promise<ImportReport> {
  const results = await deps.db.batch(
    q.applyImport(deps.db, {
      importId,
      listId: target.listId,
      at: deps.clock.now().toISOString(),
      source: target.source,
      actor: target.actor,
      rejectedInFile: rejected.length,
      duplicatesInFile,
    }),
  );
  const counts = new Map(results[7].map((r) => [r.outcome, Number(r.n)]));
  const all = [
    ...rejected,
    ...results[8].map(({ line }) => ({ line: Number(line), reason: "suppressed" as const })),
  ].sort((a, b) => a.line - b.line);
  return {
    imported: counts.get("imported") ?? 0,
    updated: counts.get("updated") ?? 0,
    duplicates: (counts.get("duplicate") ?? 0) + duplicatesInFile,
    rejected: all,
  };
}

const CSV_PROBLEMS: Record<string, string> = {
  CSV_QUOTE_NOT_CLOSED: "a quoted value is never closed",
  CSV_MAX_RECORD_SIZE: "one row is larger than 1 MB (probably an unclosed quote)",
  CSV_INVALID_CLOSING_QUOTE: "a closing quote is followed by other characters",
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: "a closing quote is followed by other characters",
  INVALID_OPENING_QUOTE:
    'a value holds a quote but is not quoted itself (write it as "a ""quoted"" word")',
};

/**
 * csv-parse's errors (an unclosed quote, a stray quote, a huge record) become a message an admin
 * can act on. Only the line is kept: the error itself quotes the row's content.
 */
function asMalformed(error: unknown): MalformedFile | undefined {
  if (error instanceof MalformedFile) return error;
  if (!(error instanceof CsvError)) return undefined;
  const where = typeof error.lines === "number" ? `line ${error.lines}, ` : "";
  const detail = CSV_PROBLEMS[error.code] ?? "the CSV syntax is broken";
  return new MalformedFile(
    `The file could not be read as CSV: ${where}${detail}. Nothing was imported.`,
  );
}

/**
 * An unexpected failure leaves the import without the error's message or cause, which may quote
 * the file (a parser's row, a query's parameters): the log keeps only its kind, and the driver's
 * code, so that a busy database is still answered with a 503.
 */
function withoutContent(error: unknown): Error {
  let code: string | undefined;
  for (let e: unknown = error, depth = 0; e && depth < 5 && !code; depth++) {
    const found = (e as { code?: unknown }).code;
    if (typeof found === "string") code = found;
    e = (e as { cause?: unknown }).cause;
  }
  const name = error instanceof Error ? error.name : "unknown error";
  const failure = new Error(
    `The import failed (${[name, code].filter(Boolean).join(" ")}); nothing was imported.`,
  );
  return Object.assign(failure, { code });
}

/**
 * Writes the byte stream into the parser, honouring its back-pressure; a refused byte (size,
 * binary, encoding) ends the parse with that error. Only the parser's basic Writable side is
 * used, so this runs the same on Node and on Workers (nodejs_compat).
 */
async function feed(stream: ReadableStream<Uint8Array>, parser: ReturnType<typeof parse>) {
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!parser.write(value)) {
        await new Promise<void>((resolve) => {
          const wake = () => {
            parser.off("drain", wake).off("close", wake);
            resolve();
          };
          parser.on("drain", wake).on("close", wake);
        });
      }
      if (parser.destroyed) return void reader.cancel();
    }
    parser.end();
  } catch (error) {
    parser.destroy(error as Error);
  }
}

/**
 * The parser's records, one by one, read synchronously from its buffer: much cheaper per record
 * than a stream's async iterator, which costs a promise per row.
 */
async function* records(parser: ReturnType<typeof parse>): AsyncGenerator<string[]> {
  let ended = false;
  let failure: unknown;
  parser.on("end", () => {
    ended = true;
  });
  parser.on("error", (error) => {
    failure = error;
  });
  for (;;) {
    let record: string[] | null = parser.read();
    while (record !== null) {
      yield record;
      record = parser.read();
    }
    if (failure) throw failure;
    if (ended) return;
    await new Promise<void>((resolve) => {
      const wake = () => {
        parser.off("readable", wake).off("end", wake).off("error", wake);
        resolve();
      };
      parser.on("readable", wake).on("end", wake).on("error", wake);
    });
  }
}
