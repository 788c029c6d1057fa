// The memory settings the server and its dispatcher run with (docs/SCALE.md, "Memory on Node"):
// the same in `npm start`, `npm run start:prod` and the README's systemd unit, and effective on
// this Node: the young generation stays small however much short-lived garbage a send makes. And
// the server's connection keeps a small SQLite page cache.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test } from "vitest";
import { npmScript, parseNodeCommand } from "../bench/bundle";
import { limitPageCache, openNodeClient, PAGE_CACHE_KIB } from "../src/node";

const README = fileURLToPath(new URL("../README.md", import.meta.url));

test("a start script is read as its environment settings, runner, flags and entry", () => {
  expect(parseNodeCommand("A_B=2 C_=65536 node --x=4 --y dist/server.mjs")).toEqual({
    env: { A_B: "2", C_: "65536" },
    runner: "node",
    flags: ["--x=4", "--y"],
    entry: "dist/server.mjs",
  });
  expect(parseNodeCommand("node dist/server.mjs")).toEqual({
    env: {},
    runner: "node",
    flags: [],
    entry: "dist/server.mjs",
  });
});

test("npm start, npm run start:prod and the systemd unit run node with the same memory settings", () => {
  const demo = npmScript("start");
  const production = npmScript("start:prod");
  expect(production.runner).toBe("node");
  expect(demo.runner).toBe("tsx");
  expect(production.flags).toEqual(["--max-semi-space-size=4", "--heap-growing-percent=25"]);
  expect(production.env).toEqual({ MALLOC_ARENA_MAX: "2", MALLOC_MMAP_THRESHOLD_: "65536" });
  expect(demo.flags).toEqual(production.flags);
  expect(demo.env).toEqual(production.env);

  const readme = readFileSync(README, "utf8");
  const execStart = /^ExecStart=\/usr\/bin\/(node .*)$/m.exec(readme)?.[1] ?? "";
  expect(parseNodeCommand(execStart).flags).toEqual(production.flags);
  const environment = /^Environment=(.*)$/m.exec(readme)?.[1] ?? "";
  expect(parseNodeCommand(`${environment} node x`).env).toEqual(production.env);
});

/** The largest the young generation grew while a script made 400 MB of short-lived strings. */
function youngGenerationMb(flags: string[]) {
  const script = `
    const v8 = require("node:v8");
    let largest = 0, keep = [];
    for (let i = 0; i < 100000; i++) {
      keep.push("x".repeat(2000) + i); // ~4 KB each, ~4 MB alive at once, as a send's batches
      if (keep.length === 1000) keep = [];
      if (i % 1000 === 0) {
        const young = v8.getHeapSpaceStatistics().find((s) => s.space_name === "new_space");
        largest = Math.max(largest, young.space_size);
      }
    }
    console.log(largest / 1048576);`;
  const run = spawnSync(process.execPath, [...flags, "-e", script], { encoding: "utf8" });
  expect(run.stderr).toBe("");
  return Number(run.stdout.trim());
}

test("with the production flags, node's young generation stays at 8 MB (by default it grows past)", () => {
  const production = npmScript("start:prod");
  expect(youngGenerationMb(production.flags)).toBeLessThanOrEqual(8);
  // What the flags prevent: by default the young generation grows (up to 2 × 16 MB).
  expect(youngGenerationMb([])).toBeGreaterThan(8);
});

test("the Node server's connection keeps a small SQLite page cache, for as long as it is open", async () => {
  const dir = mkdtempSync(join(tmpdir(), "relance-page-cache-"));
  const client = openNodeClient({
    databaseUrl: `file:${join(dir, "db.sqlite")}`,
    databaseAuthToken: undefined,
  });
  try {
    await limitPageCache(client);
    await client.execute("CREATE TABLE t (x)");
    await client.batch(["INSERT INTO t VALUES (1)", "INSERT INTO t VALUES (2)"], "write");
    const { rows } = await client.execute("PRAGMA cache_size");
    expect(Number(rows[0]?.cache_size)).toBe(-PAGE_CACHE_KIB);
  } finally {
    client.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
