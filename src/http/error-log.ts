// What an error may say in the logs: a failing query is named by its statement, never by its
// parameters (they hold addresses typed at sign-in, names, tokens).

type WithQuery = { query?: unknown; params?: unknown; cause?: unknown; code?: unknown };

/** One line per error in the cause chain: its name, code and message, parameters left out. */
export function describeError(error: unknown): string {
  const lines: string[] = [];
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as WithQuery).cause, depth++) {
    const { query, params, code } = e as WithQuery;
    const name = e instanceof Error ? e.name : typeof e;
    // drizzle's DrizzleQueryError puts the parameters in its message: rebuild it from the query.
    let message = e instanceof Error ? e.message : String(e);
    if (typeof query === "string" && params !== undefined) message = `Failed query: ${query}`;
    lines.push(`${name}${typeof code === "string" ? ` [${code}]` : ""}: ${message}`);
  }
  // The stack starts with the message (parameters included): keep only its frames.
  const stack = error instanceof Error ? (error.stack ?? "") : "";
  const frames = stack
    .split("\n")
    .filter((line) => /^\s+at /.test(line))
    .slice(0, 5);
  return [...lines, ...frames.map((f) => f.trim())].join("\n  ");
}
