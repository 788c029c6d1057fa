// The progress page of a send stopped while preparing: it says how far the preparation got
// (screenshots at 390 and 1280 px in /tmp).
import { expect, test } from "vitest";
import { startSend } from "../src/sending/outbox";
import { launchBrowser, startTestServer } from "./browser";
import { listWithContacts } from "./sending-helpers";

test("the progress page shows a preparing send and how many are enqueued", async () => {
  const server = await startTestServer({ APPROVAL_THRESHOLD: "off" });
  const browser = await launchBrowser();
  try {
    const { t } = server;
    const { listId } = await listWithContacts(t, await t.token(), 9, "prep");
    const stopped = startSend(
      t.deps,
      {
        kind: "reconsent",
        listId,
        subject: "Toujours partant ?",
        deadline: "2026-02-15T00:00:00.000Z",
        textVersion: 1,
        actor: "admin@test.example",
      },
      {
        chunkSize: 4,
        afterChunk: () => {
          throw new Error("the process died");
        },
      },
    );
    await expect(stopped).rejects.toThrow("the process died");
    const id = Number((await t.client.execute("SELECT id FROM sends")).rows[0]?.id);
    const context = await browser.newContext();
    const [name = "", value = ""] = (await t.signIn()).split("=");
    await context.addCookies([{ name, value, url: server.url }]);
    const page = await context.newPage();
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 800 });
      await page.goto(`${server.url}/admin/sends/${id}`);
      await expect(page.locator("#preparing").textContent()).resolves.toContain(
        "Preparing: 4 of 9 recipients enqueued",
      );
      await expect(page.locator(".reconciliation").textContent()).resolves.toContain(
        "+ 5 still to enqueue",
      );
      await page.screenshot({ path: `/tmp/chunk-preparing-${width}.png`, fullPage: true });
    }
  } finally {
    await browser.close();
    await server.stop();
  }
}, 60_000);
