// A small Hrana-over-HTTP server (the protocol of sqld/Turso that @libsql/client/web speaks),
// backed by the `libsql` package on a temp file: lets tests run the Worker against a real libSQL.
// Implements the JSON encoding of Hrana 2 and 3: POST /v2/pipeline, /v3/pipeline and /v3/cursor.
// Each stream owns its own connection, so a transaction lives on one stream, as on sqld.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "libsql";

export type HranaServer = {
  /** Base URL for @libsql/client/web, such as http://127.0.0.1:40123 */
  url: string;
  /** The database file, for tests that want to look at it directly. */
  file: string;
  stop(): Promise<void>;
};

/** How long a stream may sit idle between requests before it is closed (and rolled back). */
const STREAM_IDLE_MS = 30_000;
/** How long a write waits for another stream's write transaction before trying anyway (BUSY). */
const WRITER_WAIT_MS = 5_000;

type Value = null | bigint | number | string | Buffer;
type Json = Record<string, unknown>;
type Connection = InstanceType<typeof Database>;

type Stream = {
  db: Connection;
  sqls: Map<number, string>;
  /** True while the stream's open transaction holds SQLite's write lock. */
  writer: boolean;
  timer?: NodeJS.Timeout;
};

/** A client mistake: answered as a Hrana error (per request), never a crash. */
class ProtoError extends Error {
  constructor(
    message: string,
    readonly code = "HRANA_PROTO_ERROR",
  ) {
    super(message);
  }
}

export async function startHranaServer(): Promise<HranaServer> {
  const dir = mkdtempSync(join(tmpdir(), "relance-hrana-"));
  const file = join(dir, "hrana.db");
  const setup = new Database(file);
  setup.exec("PRAGMA journal_mode=WAL");
  setup.close();

  /** Parked streams by baton; `live` also holds the ones a request is using right now. */
  const streams = new Map<string, Stream>();
  const live = new Set<Stream>();

  const openStream = (): Stream => {
    const stream = { db: new Database(file), sqls: new Map(), writer: false };
    live.add(stream);
    return stream;
  };

  const closeStream = (stream: Stream) => {
    clearTimeout(stream.timer);
    live.delete(stream);
    stream.writer = false;
    if (stream.db.open) stream.db.close();
  };

  /**
   * Holds a write until no other stream's transaction holds the write lock, as sqld queues
   * writers. Retrying after SQLITE_BUSY instead is unsafe with the libsql package: the failed
   * statement stays active and keeps its implicit transaction open, so the retried write is lost.
   */
  async function awaitWriteLock(stream: Stream) {
    const deadline = Date.now() + WRITER_WAIT_MS;
    const blocked = () => [...live].some((other) => other !== stream && other.writer);
    while (blocked() && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  /** Parks a stream under a fresh baton; an idle stream is closed after STREAM_IDLE_MS. */
  const park = (stream: Stream): string => {
    const baton = randomBytes(16).toString("base64url");
    stream.timer = setTimeout(() => {
      streams.delete(baton);
      closeStream(stream);
    }, STREAM_IDLE_MS);
    stream.timer.unref();
    streams.set(baton, stream);
    return baton;
  };

  /** Takes the stream a baton names (or a new one); a baton is good for one request only. */
  const take = (baton: unknown): Stream => {
    if (baton === undefined || baton === null) return openStream();
    const stream = typeof baton === "string" ? streams.get(baton) : undefined;
    if (!stream)
      throw new ProtoError("The stream has expired or the baton is invalid", "STREAM_EXPIRED");
    streams.delete(baton as string);
    clearTimeout(stream.timer);
    return stream;
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      sendJson(res, 500, { message: `Internal error: ${String(error)}`, code: "INTERNAL_ERROR" });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const path = new URL(req.url ?? "/", "http://localhost").pathname.replace(/\/+$/, "");
    if (req.method === "GET") {
      // Version probing: the JSON endpoints are here, the protobuf ones are not.
      if (path === "" || path === "/health" || path === "/v2" || path === "/v3") {
        res.writeHead(200, { "content-type": "text/plain" }).end("ok\n");
      } else {
        sendJson(res, 404, { message: `No such endpoint: GET ${path}` });
      }
      return;
    }
    const route = /^\/v([23])\/(pipeline|cursor)$/.exec(path);
    if (req.method !== "POST" || !route || (route[1] === "2" && route[2] === "cursor")) {
      sendJson(res, 404, { message: `No such endpoint: ${req.method} ${path}` });
      return;
    }
    let body: Json;
    let stream: Stream;
    try {
      body = parseBody(await readBody(req));
      stream = take(body.baton);
    } catch (error) {
      const e = asProtoError(error);
      sendJson(res, 400, { message: e.message, code: e.code });
      return;
    }
    if (route[2] === "pipeline") await pipeline(stream, body, res);
    else await cursor(stream, body, res);
  }

  async function pipeline(stream: Stream, body: Json, res: ServerResponse) {
    const requests = Array.isArray(body.requests) ? body.requests : undefined;
    if (!requests) {
      closeStream(stream);
      sendJson(res, 400, { message: "`requests` must be an array", code: "HRANA_PROTO_ERROR" });
      return;
    }
    const results: Json[] = [];
    let closed = false;
    for (const request of requests) {
      try {
        if (closed) throw new ProtoError("The stream was closed earlier in this pipeline");
        const response = await streamRequest(stream, object(request, "request"));
        if (response.type === "close") closed = true;
        results.push({ type: "ok", response });
      } catch (error) {
        results.push({ type: "error", error: errorJson(error) });
      }
    }
    if (closed) closeStream(stream);
    sendJson(res, 200, { baton: closed ? null : park(stream), base_url: null, results });
  }

  async function cursor(stream: Stream, body: Json, res: ServerResponse) {
    const entries: Json[] = [];
    try {
      await runBatch(stream, object(body.batch, "batch"), {
        begin: (step, cols) => entries.push({ type: "step_begin", step, cols }),
        row: (row) => entries.push({ type: "row", row }),
        end: (result) =>
          entries.push({
            type: "step_end",
            affected_row_count: result.affected_row_count,
            last_insert_rowid: result.last_insert_rowid,
          }),
        error: (step, error) => entries.push({ type: "step_error", step, error }),
      });
    } catch (error) {
      entries.push({ type: "error", error: errorJson(error) });
    }
    const head = { baton: park(stream), base_url: null };
    res.writeHead(200, { "content-type": "text/plain" });
    res.end([head, ...entries].map((item) => `${JSON.stringify(item)}\n`).join(""));
  }

  async function streamRequest(stream: Stream, request: Json): Promise<Json> {
    switch (request.type) {
      case "close":
        return { type: "close" };
      case "execute":
        return { type: "execute", result: await execute(stream, object(request.stmt, "stmt")) };
      case "batch":
        return { type: "batch", result: await runBatch(stream, object(request.batch, "batch")) };
      case "sequence": {
        const sql = sqlOf(stream, request);
        await awaitWriteLock(stream);
        stream.db.exec(sql);
        stream.writer = stream.db.inTransaction;
        return { type: "sequence" };
      }
      case "describe":
        return { type: "describe", result: describe(stream.db, sqlOf(stream, request)) };
      case "store_sql": {
        const id = integer(request.sql_id, "sql_id");
        if (stream.sqls.has(id)) throw new ProtoError(`SQL text ${id} is already stored`);
        stream.sqls.set(id, string(request.sql, "sql"));
        return { type: "store_sql" };
      }
      case "close_sql":
        stream.sqls.delete(integer(request.sql_id, "sql_id"));
        return { type: "close_sql" };
      case "get_autocommit":
        return { type: "get_autocommit", is_autocommit: !stream.db.inTransaction };
      default:
        throw new ProtoError(`Unknown request type ${JSON.stringify(request.type)}`);
    }
  }

  type StepEvents = {
    begin(step: number, cols: Json[]): void;
    row(row: Json[]): void;
    end(result: StmtResult): void;
    error(step: number, error: Json): void;
  };

  async function runBatch(stream: Stream, batch: Json, events?: StepEvents) {
    const steps = Array.isArray(batch.steps) ? batch.steps : [];
    const outcome: Array<boolean | undefined> = []; // true ok, false error, undefined skipped
    const step_results: Array<StmtResult | null> = [];
    const step_errors: Array<Json | null> = [];
    for (const [i, rawStep] of steps.entries()) {
      const step = object(rawStep, "step");
      const run =
        step.condition === undefined || step.condition === null
          ? true
          : evalCond(object(step.condition, "condition"), i, outcome, stream.db);
      if (!run) {
        outcome.push(undefined);
        step_results.push(null);
        step_errors.push(null);
        continue;
      }
      try {
        const result = await execute(stream, object(step.stmt, "stmt"));
        outcome.push(true);
        step_results.push(result);
        step_errors.push(null);
        if (events) {
          events.begin(i, result.cols);
          for (const row of result.rows) events.row(row);
          events.end(result);
        }
      } catch (error) {
        // A malformed request fails the whole batch; a statement that fails fails its step.
        if (error instanceof ProtoError && error.code === "HRANA_PROTO_ERROR") throw error;
        outcome.push(false);
        step_results.push(null);
        step_errors.push(errorJson(error));
        events?.error(i, errorJson(error));
      }
    }
    return { step_results, step_errors };
  }

  function evalCond(
    cond: Json,
    current: number,
    outcome: Array<boolean | undefined>,
    db: Connection,
  ): boolean {
    const stepOf = () => {
      const step = integer(cond.step, "step");
      if (step >= current) throw new ProtoError(`A condition refers to step ${step}, not yet run`);
      return step;
    };
    const conds = () =>
      (Array.isArray(cond.conds) ? cond.conds : []).map((c) =>
        evalCond(object(c, "cond"), current, outcome, db),
      );
    switch (cond.type) {
      case "ok":
        return outcome[stepOf()] === true;
      case "error":
        return outcome[stepOf()] === false;
      case "not":
        return !evalCond(object(cond.cond, "cond"), current, outcome, db);
      case "and":
        return conds().every(Boolean);
      case "or":
        return conds().some(Boolean);
      case "is_autocommit":
        return !db.inTransaction;
      default:
        throw new ProtoError(`Unknown condition type ${JSON.stringify(cond.type)}`);
    }
  }

  type StmtResult = {
    cols: Json[];
    rows: Json[][];
    affected_row_count: number;
    last_insert_rowid: string | null;
  };

  async function execute(stream: Stream, stmt: Json): Promise<StmtResult> {
    const sql = sqlOf(stream, stmt);
    const statements = splitStatements(sql);
    if (statements.length === 0) {
      throw new ProtoError("The SQL text contains no statement", "SQL_NO_STATEMENT");
    }
    if (statements.length > 1) {
      throw new ProtoError("The SQL text contains more than one statement", "SQL_MANY_STATEMENTS");
    }
    const params = statements[0] as Param[];
    const args = bindArgs(stmt, params);
    const wantRows = stmt.want_rows !== false;
    const db = stream.db;
    const prepared = db.prepare(sql);
    const writes = isWrite(sql);
    if (writes) await awaitWriteLock(stream);
    try {
      const cols = prepared.columns().map((c) => ({ name: c.name, decltype: c.type }));
      if (prepared.reader) {
        // Rows come back (SELECT, or INSERT … RETURNING): counts come from the connection.
        const before = meta(db)[2];
        const rows = prepared.raw(true).safeIntegers(true).all(args) as Value[][];
        const [changes, rowid, total] = meta(db);
        return {
          cols,
          rows: wantRows ? rows.map((row) => row.map(valueJson)) : [],
          affected_row_count: total === before ? 0 : Number(changes),
          last_insert_rowid: String(rowid),
        };
      }
      const info = prepared.run(args);
      return {
        cols,
        rows: [],
        affected_row_count: Number(info.changes),
        last_insert_rowid: String(info.lastInsertRowid),
      };
    } finally {
      stream.writer = db.inTransaction && (stream.writer || writes);
    }
  }

  function describe(db: Connection, sql: string): Json {
    const statements = splitStatements(sql);
    if (statements.length !== 1)
      throw new ProtoError("The SQL text must hold exactly one statement");
    const params = statements[0] as Param[];
    const prepared = db.prepare(sql);
    return {
      params: params.map((name) => ({ name })),
      cols: prepared.columns().map((c) => ({ name: c.name, decltype: c.type })),
      is_explain: tokenize(sql).next().value?.text === "EXPLAIN",
      is_readonly: !isWrite(sql),
    };
  }

  function sqlOf(stream: Stream, holder: Json): string {
    if (typeof holder.sql === "string") return holder.sql;
    if (holder.sql_id !== undefined && holder.sql_id !== null) {
      const id = integer(holder.sql_id, "sql_id");
      const sql = stream.sqls.get(id);
      if (sql === undefined) {
        throw new ProtoError(`No SQL text is stored under id ${id}`, "SQL_NOT_FOUND");
      }
      return sql;
    }
    throw new ProtoError("A statement needs `sql` or `sql_id`");
  }

  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        file,
        stop: () =>
          new Promise<void>((done) => {
            for (const stream of streams.values()) closeStream(stream);
            streams.clear();
            server.closeAllConnections();
            server.close(() => {
              rmSync(dir, { recursive: true, force: true });
              done();
            });
          }),
      });
    });
  });
}

// --- values -------------------------------------------------------------------------------------

function valueFromJson(raw: unknown): Value {
  const value = object(raw, "value");
  switch (value.type) {
    case "null":
      return null;
    case "integer": {
      const text = string(value.value, "integer value");
      if (!/^-?\d+$/.test(text)) throw new ProtoError(`Invalid integer ${JSON.stringify(text)}`);
      const n = BigInt(text);
      if (n < -(2n ** 63n) || n >= 2n ** 63n)
        throw new ProtoError(`Integer ${text} is out of range`);
      return n;
    }
    case "float":
      if (typeof value.value !== "number") throw new ProtoError("A float value must be a number");
      return value.value;
    case "text": {
      const text = string(value.value, "text value");
      // The libsql package binds text as a C string: refuse rather than silently truncate.
      if (text.includes("\u0000")) {
        throw new ProtoError("Text with a NUL character cannot be bound here", "ARGS_INVALID");
      }
      return text;
    }
    case "blob":
      return Buffer.from(string(value.base64, "blob base64"), "base64");
    default:
      throw new ProtoError(`Unknown value type ${JSON.stringify(value.type)}`);
  }
}

function valueJson(value: unknown): Json {
  if (value === null || value === undefined) return { type: "null" };
  if (typeof value === "bigint") return { type: "integer", value: String(value) };
  if (typeof value === "number") return { type: "float", value };
  if (typeof value === "string") return { type: "text", value };
  if (value instanceof Uint8Array) {
    return { type: "blob", base64: Buffer.from(value).toString("base64") };
  }
  throw new Error(`Unexpected value from SQLite: ${String(value)}`);
}

/**
 * Positional arguments bind by index. Named arguments are placed at their parameter's index
 * (the libsql package only binds positionally safely: its named binding aborts on `?` params).
 */
function bindArgs(stmt: Json, params: Param[]): Value[] {
  const args = (Array.isArray(stmt.args) ? stmt.args : []).map(valueFromJson);
  const named = Array.isArray(stmt.named_args) ? stmt.named_args : [];
  for (const rawArg of named) {
    const arg = object(rawArg, "named argument");
    const name = string(arg.name, "argument name");
    // sqld accepts the name with its prefix (`:a`) or without it (`a`).
    const prefixed = /^[:@$]/.test(name);
    const index = params.findIndex(
      (p) => p !== null && !p.startsWith("?") && (prefixed ? p === name : p.slice(1) === name),
    );
    if (index < 0) {
      throw new ProtoError(`No parameter is named ${JSON.stringify(name)}`, "ARGS_INVALID");
    }
    while (args.length <= index) args.push(null);
    args[index] = valueFromJson(arg.value);
  }
  return args;
}

function meta(db: Connection): [bigint, bigint, bigint] {
  const stmt = db.prepare("SELECT changes(), last_insert_rowid(), total_changes()");
  return stmt.raw(true).safeIntegers(true).get([]) as [bigint, bigint, bigint];
}

/** Statements that never take the write lock (transaction control does not, until a write). */
const READ_ONLY = new Set([
  "SELECT",
  "VALUES",
  "EXPLAIN",
  "COMMIT",
  "END",
  "ROLLBACK",
  "SAVEPOINT",
  "RELEASE",
]);

/**
 * Whether a statement may take the write lock, told from its keywords; when unsure, yes (which
 * only makes it wait for other writers). Not from EXPLAIN: the libsql package leaves an EXPLAIN
 * read through all() active, which holds the connection's next autocommit write uncommitted.
 */
function isWrite(sql: string): boolean {
  const tokens = [...tokenize(sql)];
  const first = tokens[0]?.text;
  if (first === undefined) return false;
  if (first === "BEGIN") return /^(IMMEDIATE|EXCLUSIVE)$/.test(tokens[1]?.text ?? "");
  if (first === "PRAGMA") return tokens.some((t) => t.text === "=");
  if (first === "WITH") {
    // The statement's verb is the first keyword outside the common table expressions.
    let depth = 0;
    for (const token of tokens) {
      if (token.text === "(") depth++;
      else if (token.text === ")") depth--;
      else if (depth === 0 && token.kind === "word" && /^(SELECT|VALUES)$/.test(token.text)) {
        return false;
      } else if (depth === 0 && /^(INSERT|REPLACE|UPDATE|DELETE)$/.test(token.text)) return true;
    }
    return true;
  }
  return !READ_ONLY.has(first);
}

// --- SQL text: statements and parameters (as SQLite's tokenizer sees them) ----------------------

/** A parameter's name as SQLite reports it (`:a`, `?3`), or null for a bare `?`. */
type Param = string | null;

type Token = { kind: "word" | "param" | "semi" | "other"; text: string };

function* tokenize(sql: string): Generator<Token> {
  const identChar = /[A-Za-z0-9_$\u0080-\uffff]/;
  let i = 0;
  while (i < sql.length) {
    const c = sql[i] as string;
    const next = sql[i + 1];
    if (/\s/.test(c)) {
      i++;
    } else if (c === "-" && next === "-") {
      const end = sql.indexOf("\n", i);
      i = end < 0 ? sql.length : end + 1;
    } else if (c === "/" && next === "*") {
      const end = sql.indexOf("*/", i + 2);
      i = end < 0 ? sql.length : end + 2;
    } else if (c === "'" || c === '"' || c === "`" || c === "[") {
      const close = c === "[" ? "]" : c;
      let j = i + 1;
      for (;;) {
        const end = sql.indexOf(close, j);
        if (end < 0) {
          j = sql.length;
          break;
        }
        if (close !== "]" && sql[end + 1] === close) {
          j = end + 2;
          continue;
        }
        j = end + 1;
        break;
      }
      yield { kind: "other", text: sql.slice(i, j) };
      i = j;
    } else if (c === "?") {
      let j = i + 1;
      while (j < sql.length && /[0-9]/.test(sql[j] as string)) j++;
      yield { kind: "param", text: sql.slice(i, j) };
      i = j;
    } else if (
      (c === ":" || c === "@" || c === "$") &&
      next !== undefined &&
      identChar.test(next)
    ) {
      let j = i + 1;
      while (j < sql.length && (identChar.test(sql[j] as string) || sql.startsWith("::", j))) {
        j += sql.startsWith("::", j) ? 2 : 1;
      }
      yield { kind: "param", text: sql.slice(i, j) };
      i = j;
    } else if (c === ";") {
      yield { kind: "semi", text: c };
      i++;
    } else if (identChar.test(c)) {
      let j = i + 1;
      while (j < sql.length && identChar.test(sql[j] as string)) j++;
      yield { kind: "word", text: sql.slice(i, j).toUpperCase() };
      i = j;
    } else {
      yield { kind: "other", text: c };
      i++;
    }
  }
}

/**
 * Splits SQL text into its statements, each given as its parameter list (index i is parameter
 * i + 1). Inside CREATE TRIGGER, a `;` ends the statement only after END, as sqlite3_complete.
 */
function splitStatements(sql: string): Param[][] {
  const statements: Param[][] = [];
  let words: string[] = [];
  let params: Param[] = [];
  let tokens = 0;
  let last: Token | undefined;
  const finish = () => {
    if (tokens > 0) statements.push(params);
    words = [];
    params = [];
    tokens = 0;
  };
  for (const token of tokenize(sql)) {
    if (token.kind === "semi") {
      const inTrigger =
        words[0] === "CREATE" &&
        (words[1] === "TRIGGER" ||
          ((words[1] === "TEMP" || words[1] === "TEMPORARY") && words[2] === "TRIGGER"));
      if (!inTrigger || (last?.kind === "word" && last.text === "END")) finish();
      last = token;
      continue;
    }
    tokens++;
    last = token;
    if (token.kind === "word" && words.length < 3) words.push(token.text);
    if (token.kind === "param") {
      if (token.text === "?") {
        params.push(null);
      } else if (token.text.startsWith("?")) {
        const index = Number(token.text.slice(1));
        if (!Number.isInteger(index) || index < 1 || index > 32766) {
          throw new ProtoError(`Invalid parameter ${token.text}`, "SQL_PARSE_ERROR");
        }
        while (params.length < index) params.push(null);
        params[index - 1] = token.text;
      } else if (!params.includes(token.text)) {
        params.push(token.text);
      }
    }
  }
  finish();
  return statements;
}

// --- JSON plumbing ------------------------------------------------------------------------------

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function parseBody(text: string): Json {
  try {
    return object(JSON.parse(text), "request body");
  } catch (error) {
    if (error instanceof ProtoError) throw error;
    throw new ProtoError("The request body is not valid JSON");
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown) {
  // @libsql/hrana-client reads error bodies only when the type is exactly application/json.
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

function asProtoError(error: unknown): ProtoError {
  return error instanceof ProtoError ? error : new ProtoError(String(error));
}

function errorJson(error: unknown): Json {
  if (error instanceof ProtoError) return { message: error.message, code: error.code };
  const e = error as { message?: unknown; code?: unknown };
  return {
    message: typeof e?.message === "string" ? e.message : String(error),
    code: typeof e?.code === "string" ? e.code : "UNKNOWN",
  };
}

function object(value: unknown, what: string): Json {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ProtoError(`Expected ${what} to be an object`);
  }
  return value as Json;
}

function string(value: unknown, what: string): string {
  if (typeof value !== "string") throw new ProtoError(`Expected ${what} to be a string`);
  return value;
}

function integer(value: unknown, what: string): number {
  if (typeof value !== "number" || !Number.isInteger(value)) {
    throw new ProtoError(`Expected ${what} to be an integer`);
  }
  return value;
}
