// Polls keep no hidden per-process state: their memory, ballot writer and live hub are members of
// deps.polls, made at boot; the poll-page fast path is an ordinary first route.
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { createTestApp, type TestApp } from "./helpers";
import { newPoll } from "./poll-helpers";

let t: TestApp;
let bearer: string;

beforeAll(async () => {
  t = await createTestApp();
  bearer = await t.token();
});
afterAll(() => t.close());

describe("state lives in deps.polls", () => {
  // app.ts wraps app.fetch in createApp, on purpose: the memory answers skip the router, whose
  // matching cost a spike more than the answer (bench/RESULTS.md, status 2026-12-04 evening).
  test("no module of src/polls (nor app.ts) holds a Map, WeakMap or Set at module level", () => {
    const dir = join(import.meta.dirname, "../src/polls");
    const files = readdirSync(dir).map((f) => join(dir, f));
    for (const file of [...files, join(import.meta.dirname, "../src/app.ts")]) {
      const source = readFileSync(file, "utf8");
      expect(source, file).not.toMatch(/^(export )?(const|let) \w+[^=]*= new (Weak)?(Map|Set)\b/m);
    }
  });

  test("a new visitor's page is remembered in this app's deps.polls.cache and served from it", async () => {
    const poll = await newPoll(t, bearer);
    expect(t.deps.polls.cache.peek(`page:${poll.slug}:fr`)).toBeUndefined();
    const first = await t.request(`/polls/${poll.slug}`);
    const html = await first.text();
    expect(t.deps.polls.cache.peek(`page:${poll.slug}:fr`)).toBeInstanceOf(Uint8Array);
    const second = await t.request(`/polls/${poll.slug}`);
    expect(await second.text()).toBe(html);
    expect(second.headers.get("content-security-policy")).toContain("default-src 'self'");
    expect(second.headers.get("set-cookie")).not.toBe(first.headers.get("set-cookie"));
  });

  test("two apps in one process do not share poll memory", async () => {
    const other = await createTestApp();
    try {
      expect(other.deps.polls).not.toBe(t.deps.polls);
      expect(other.deps.polls.cache).not.toBe(t.deps.polls.cache);
      expect(other.deps.polls.voteWriter).not.toBe(t.deps.polls.voteWriter);
    } finally {
      other.close();
    }
  });
});
