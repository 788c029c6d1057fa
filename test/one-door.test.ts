// One door into the outbox: every message Relance sends is queued by `startSend`
// (sending/outbox.ts), so it passes the consent rule, the kill switch, the rate limit and the audit.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, test } from "vitest";

const SRC = join(__dirname, "..", "src");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx)$/.test(name) ? [path] : [];
  });
}

const filesMatching = (patterns: RegExp[]) =>
  sourceFiles(SRC)
    .filter((path) => patterns.some((p) => p.test(readFileSync(path, "utf8"))))
    .map((path) => relative(SRC, path).split("\\").join("/"));

describe("one door into the outbox", () => {
  test("only startSend queues messages or creates sends", () => {
    expect(
      filesMatching([/\bINTO\s+outbox_messages\b/i, /\.insert\(\s*outboxMessages\s*\)/]),
      // sending/prepare.ts writes the rows of a send startSend recorded, chunk by chunk.
    ).toEqual(["sending/outbox.ts", "sending/prepare.ts"]);
    // `insertSend` is defined in sending/queries.ts and called from startSend only.
    expect(
      filesMatching([/\binsertSend\(/, /\.insert\(\s*sends\s*\)/, /\bINTO\s+sends\b/i]),
    ).toEqual(["sending/outbox.ts", "sending/queries.ts"]);
  });
});
