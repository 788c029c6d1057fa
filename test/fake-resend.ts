// A local fake of the Resend HTTP API (POST /emails/batch, POST /emails), for tests and benchmarks.
// It keeps Idempotency-Keys like Resend (same key + same payload → same answer, delivered once;
// same key + other payload → 409), can enforce a rate, and can be told to fail the next calls.
// On request it records a SHA-256 of each call's raw body (never the body: the send benchmark
// makes tens of thousands of calls).
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type FakeEmail = {
  id: string;
  from: string;
  to: string | string[];
  cc?: unknown;
  bcc?: unknown;
  reply_to?: string | string[];
  subject: string;
  text?: string;
  html?: string;
  headers?: Record<string, string>;
};

export type FakeCall = {
  at: number;
  path: string;
  idempotencyKey: string | undefined;
  status: number;
  count: number;
  /** Hex SHA-256 of the raw request body, with `recordBodyDigests` only. */
  bodySha256?: string;
};

type Failure = { status: number; name: string; retryAfter?: string; hang?: boolean };

export type FakeResend = Awaited<ReturnType<typeof startFakeResend>>;

export async function startFakeResend(
  options: { ratePerSecond?: number; recordBodyDigests?: boolean } = {},
) {
  /** Every accepted email, once per idempotent delivery. */
  const delivered: FakeEmail[] = [];
  const calls: FakeCall[] = [];
  const keys = new Map<string, { payload: string; body: string }>();
  const failures: Failure[] = [];
  let nextId = 1;
  let windowStart = 0;
  let inWindow = 0;

  const send = (
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ) => {
    res.writeHead(status, { "Content-Type": "application/json", ...headers });
    res.end(typeof body === "string" ? body : JSON.stringify(body));
  };

  const read = (req: IncomingMessage) =>
    new Promise<Buffer>((resolve, reject) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => resolve(Buffer.concat(chunks)));
      req.on("error", reject);
    });

  const server = createServer(async (req, res) => {
    let bytes: Buffer;
    try {
      bytes = await read(req);
    } catch {
      return; // the client went away mid-body (a killed dispatcher): nothing to answer
    }
    const raw = bytes.toString("utf8");
    const path = req.url ?? "";
    const key = req.headers["idempotency-key"] as string | undefined;
    const bodySha256 = options.recordBodyDigests
      ? createHash("sha256").update(bytes).digest("hex")
      : undefined;
    const record = (status: number, count: number) =>
      calls.push({
        at: Date.now(),
        path,
        idempotencyKey: key,
        status,
        count,
        ...(bodySha256 ? { bodySha256 } : {}),
      });

    if (req.headers.authorization !== "Bearer re_test_key") {
      record(401, 0);
      return send(res, 401, {
        statusCode: 401,
        name: "invalid_api_key",
        message: "API key is invalid",
      });
    }
    if (
      req.method !== "POST" ||
      (path !== "/emails/batch" && !path.startsWith("/emails/batch?") && path !== "/emails")
    ) {
      record(404, 0);
      return send(res, 404, { statusCode: 404, name: "not_found", message: "Not found" });
    }
    const failure = failures.shift();
    if (failure?.hang) return; // never answers: the client's timeout must fire
    if (failure) {
      record(failure.status, 0);
      return send(
        res,
        failure.status,
        { statusCode: failure.status, name: failure.name, message: `injected ${failure.status}` },
        failure.retryAfter ? { "retry-after": failure.retryAfter } : {},
      );
    }
    if (options.ratePerSecond) {
      const now = Date.now();
      if (now - windowStart >= 1000) {
        windowStart = now;
        inWindow = 0;
      }
      if (++inWindow > options.ratePerSecond) {
        record(429, 0);
        return send(
          res,
          429,
          { statusCode: 429, name: "rate_limit_exceeded", message: "Too many requests" },
          {
            "retry-after": "1",
          },
        );
      }
    }
    if (key) {
      const seen = keys.get(key);
      if (seen) {
        if (seen.payload !== raw) {
          record(409, 0);
          return send(res, 409, {
            statusCode: 409,
            name: "invalid_idempotent_request",
            message: "Same idempotency key used with a different request payload.",
          });
        }
        record(200, 0);
        return send(res, 200, seen.body);
      }
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      record(400, 0);
      return send(res, 400, { statusCode: 400, name: "validation_error", message: "Invalid JSON" });
    }
    const emails = (path === "/emails" ? [parsed] : parsed) as FakeEmail[];
    if (!Array.isArray(emails) || emails.length === 0 || emails.length > 100) {
      record(422, 0);
      return send(res, 422, {
        statusCode: 422,
        name: "validation_error",
        message: "1 to 100 emails",
      });
    }
    const data = emails.map((email) => {
      const id = `fake-${nextId++}`;
      delivered.push({ ...email, id });
      return { id };
    });
    const body = JSON.stringify(path === "/emails" ? data[0] : { data });
    if (key) keys.set(key, { payload: raw, body });
    record(200, emails.length);
    send(res, 200, body);
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    apiKey: "re_test_key",
    delivered,
    calls,
    /** Forgets every call, delivery, key and pending failure (between tests). */
    reset() {
      delivered.length = 0;
      calls.length = 0;
      keys.clear();
      failures.length = 0;
    },
    /** The next `count` calls answer `status` (0 = hang without answering). */
    failNext(count: number, status: number, extra: { retryAfter?: string; name?: string } = {}) {
      for (let i = 0; i < count; i++) {
        failures.push({
          status,
          name:
            extra.name ??
            (status === 429
              ? "rate_limit_exceeded"
              : status >= 500
                ? "internal_server_error"
                : "validation_error"),
          retryAfter: extra.retryAfter,
          hang: status === 0,
        });
      }
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
