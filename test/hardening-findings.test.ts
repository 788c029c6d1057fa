// Issue 22, finding 5 (the smaller ones): webhook 503s in problem+json, no links made from what
// participants typed in the Mailbox, no query parameters (addresses) in the logs.
import { format } from "node:util";
import { createClient } from "@libsql/client";
import { afterEach, expect, test } from "vitest";
import { singleRecipient } from "../src/mail/provider";
import { ADMIN, createTestApp, ORIGIN, type TestApp } from "./helpers";
import { WEBHOOK_SECRET } from "./webhook-helpers";

let t: TestApp | undefined;
afterEach(() => t?.close());

/** Runs `body` with console.error captured; returns everything it would have printed. */
async function capturingErrors(body: () => Promise<void>) {
  const printed: string[] = [];
  const original = console.error;
  console.error = (...args: unknown[]) => printed.push(format(...args));
  try {
    await body();
  } finally {
    console.error = original;
  }
  return printed.join("\n");
}

test("finding 5: the webhook endpoint answers a 503 in problem+json when the database is gone", async () => {
  t = await createTestApp({ RESEND_WEBHOOK_SECRET: WEBHOOK_SECRET });
  t.client.close();
  let res: Response | undefined;
  await capturingErrors(async () => {
    res = await t?.request("/webhooks/resend", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: "{}",
    });
  });
  expect(res?.status).toBe(503);
  expect(res?.headers.get("content-type")).toBe("application/problem+json");
  expect(res?.headers.get("retry-after")).toBe("5");
});

test("finding 5: the Mailbox links Relance's own mail links, never a URL inside a participant's name", async () => {
  t = await createTestApp();
  await t.deps.mail.sendBatch(
    [
      {
        to: singleRecipient("alice@example.org"),
        subject: "Invitation",
        text: `Bonjour Alice https://evil.example/login et www http://10.0.0.1/x,\nrépondez ici : ${ORIGIN}/c/AbCdEf0123456789_-xyz`,
        html: "<p>Bonjour</p>",
        unsubscribeUrl: `${ORIGIN}/u/abc`,
      },
    ],
    "test-key",
  );
  const cookie = await t.signIn();
  const html = await (await t.request("/admin/mailbox", { headers: { Cookie: cookie } })).text();
  expect(html).toContain(`href="${ORIGIN}/c/AbCdEf0123456789_-xyz"`);
  expect(html).not.toContain('href="https://evil.example');
  expect(html).not.toContain('href="http://10.0.0.1');
  expect(html).toContain("https://evil.example/login");
});

test("finding 5: a failing query logs no parameter: not the address typed at sign-in (500)", async () => {
  t = await createTestApp();
  await t.client.execute("ALTER TABLE admins RENAME TO admins_gone");
  const typed = "typed.at.sign-in@example.org";
  let status = 0;
  const printed = await capturingErrors(async () => {
    status = (await (t as TestApp).form("/admin/login", { email: typed, password: "whatever1" }))
      .status;
  });
  expect(status).toBe(500);
  expect(printed).toContain("admins"); // the failing statement is still named, for the operator
  expect(printed.toLowerCase()).not.toContain(typed);
});

test("finding 5: a query refused by a locked database logs no parameter either (503)", async () => {
  t = await createTestApp();
  const token = await t.token();
  const list = await t.api(token, "POST", "/api/v1/lists", {
    slug: "l",
    name: "L",
    purpose: "A purpose long enough.",
  });
  const listId = ((await list.json()) as { id: number }).id;
  const other = createClient({ url: t.url });
  const tx = await other.transaction("write");
  await tx.execute("INSERT INTO settings (key, value) VALUES ('lock', 'held')");
  let status = 0;
  const printed = await capturingErrors(async () => {
    const res = await (t as TestApp).api(token, "POST", `/api/v1/lists/${listId}/contacts`, {
      email: "locked.out.person@example.org",
      name: "Hidden Name",
    });
    status = res.status;
  });
  await tx.rollback();
  other.close();
  expect(status).toBe(503);
  expect(printed).not.toContain("locked.out.person");
  expect(printed).not.toContain("Hidden Name");
  expect(ADMIN.email).toBeTruthy();
}, 60_000);
