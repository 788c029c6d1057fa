// The page memory's rule for a spike: while a page's next render is under way (on Node), the page
// it replaces is still answered, so the requests of that moment do not queue behind the render;
// a write still forgets everything at once.
import { expect, test } from "vitest";
import { createPageMemory } from "../src/status/page-memory";
import { TestClock } from "./helpers";

/** A render the test finishes when it wants. */
function heldRender(html: string) {
  let finish = () => {};
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const render = async () => {
    await done;
    return html;
  };
  return { render, finish: () => finish() };
}

const text = (page: { body: Uint8Array } | undefined | null) =>
  page ? new TextDecoder().decode(page.body) : page;

test("an expired page is answered while its next render is under way, and only then", async () => {
  const clock = new TestClock();
  const memory = createPageMemory(clock, { shareLoads: true });
  await memory.remember("/:fr", async () => "first");
  clock.advance(1_500);
  expect(text(memory.peek("/:fr"))).toBeUndefined();

  const next = heldRender("second");
  const loading = memory.remember("/:fr", next.render);
  expect(text(memory.peek("/:fr"))).toBe("first");
  next.finish();
  expect(text(await loading)).toBe("second");
  expect(text(memory.peek("/:fr"))).toBe("second");
});

test("a write forgets the page even while a render is under way", async () => {
  const clock = new TestClock();
  const memory = createPageMemory(clock, { shareLoads: true });
  await memory.remember("/:fr", async () => "first");
  clock.advance(1_500);
  const next = heldRender("second");
  const loading = memory.remember("/:fr", next.render);
  memory.forget();
  expect(memory.peek("/:fr")).toBeUndefined();
  next.finish();
  await loading;
  expect(memory.peek("/:fr")).toBeUndefined();
});

test("on Workers (no shared loads) an expired page is never answered", async () => {
  const clock = new TestClock();
  const memory = createPageMemory(clock, { shareLoads: false });
  await memory.remember("/:fr", async () => "first");
  clock.advance(1_500);
  const next = heldRender("second");
  const loading = memory.remember("/:fr", next.render);
  expect(memory.peek("/:fr")).toBeUndefined();
  next.finish();
  await loading;
});

test("pages are kept gzipped only where asked (Node); Workers leaves it to the edge", async () => {
  const clock = new TestClock();
  const node = createPageMemory(clock, { shareLoads: true, gzip: true });
  const workers = createPageMemory(clock, { shareLoads: false });
  const html = "<p>bonjour</p>".repeat(100);
  const kept = await node.remember("/:fr", async () => html);
  const { gunzipSync } = await import("node:zlib");
  expect(new TextDecoder().decode(gunzipSync(kept?.gzip?.body ?? new Uint8Array()))).toBe(html);
  expect(kept?.gzip?.etag).toBe(`${kept?.etag.slice(0, -1)}-gzip"`);
  expect((await workers.remember("/:fr", async () => html))?.gzip).toBeUndefined();
});
