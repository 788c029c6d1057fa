// Issue 22, finding 4: a chunked admin CSV upload (no Content-Length) was read whole before its
// size was checked. The handler must stop reading at the limit and answer 413.
import { afterEach, beforeEach, expect, test } from "vitest";
import { MAX_IMPORT_BYTES } from "../src/contacts/csv-stream";
import { createTestApp, ORIGIN, type TestApp } from "./helpers";

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.close());

const CHUNK = 1024 * 1024;

/** A multipart upload of `fileBytes` of CSV, produced on demand; `pulled()` says how much was read. */
function countingUpload(boundary: string, fileBytes: number) {
  const encoder = new TextEncoder();
  const head = encoder.encode(
    `--${boundary}\r\nContent-Disposition: form-data; name="source"\r\n\r\ntest\r\n` +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.csv"\r\nContent-Type: text/csv\r\n\r\nemail,name\n`,
  );
  const row = encoder.encode("someone@example.org,Someone\n".repeat(CHUNK / 28)).slice(0, CHUNK);
  const tail = encoder.encode(`\r\n--${boundary}--\r\n`);
  let fileSent = 0;
  let phase: "head" | "file" | "tail" | "done" = "head";
  let pulled = 0;
  let cancelled = false;
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (phase === "done") return controller.close();
        const chunk = phase === "head" ? head : phase === "file" ? row : tail;
        if (phase === "file") fileSent += chunk.byteLength;
        phase =
          phase === "head" || (phase === "file" && fileSent < fileBytes)
            ? "file"
            : phase === "file"
              ? "tail"
              : "done";
        pulled += chunk.byteLength;
        controller.enqueue(chunk.slice()); // a copy: the reader may take the buffer over
      },
      cancel() {
        cancelled = true;
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, pulled: () => pulled, cancelled: () => cancelled };
}

test("finding 4: a chunked 80 MB admin upload is cut at the limit with a 413, not read whole", async () => {
  const cookie = await t.signIn();
  const list = await t.form(
    "/admin/lists",
    { slug: "l", name: "L", purpose: "A purpose long enough." },
    { Cookie: cookie },
  );
  expect(list.status).toBeLessThan(400);
  const id = Number((await t.client.execute("SELECT id FROM lists WHERE slug = 'l'")).rows[0]?.id);
  const boundary = "----relance-test-boundary";
  const upload = countingUpload(boundary, Number(process.env.UPLOAD_MB ?? 80) * CHUNK);
  const res = await t.request(`/admin/lists/${id}/imports`, {
    method: "POST",
    headers: {
      Cookie: cookie,
      Origin: ORIGIN,
      "Content-Type": `multipart/form-data; boundary=${boundary}`,
    },
    body: upload.stream,
    duplex: "half",
  } as RequestInit);
  const shown = await res.clone().text();
  expect(res.status, shown.slice(shown.indexOf("error"), shown.indexOf("error") + 300)).toBe(413);
  expect(await res.text()).toContain("larger than 50 MB");
  // Read up to the limit (and the chunk that crossed it), never the rest of the 80 MB.
  expect(upload.pulled()).toBeLessThanOrEqual(MAX_IMPORT_BYTES + 64 * 1024 + 2 * CHUNK);
  expect(upload.cancelled()).toBe(true);
  const contacts = await t.client.execute("SELECT count(*) AS n FROM contacts");
  expect(contacts.rows[0]?.n).toBe(0);
}, 120_000);
