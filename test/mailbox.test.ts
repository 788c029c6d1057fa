import { afterEach, beforeEach, expect, test } from "vitest";
import { singleRecipient } from "../src/mail/provider";
import { createTestApp, type TestApp } from "./helpers";

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
  await t.deps.mail.sendBatch(
    [
      {
        to: singleRecipient("Alice@Example.org"),
        subject: "Invitation",
        text: "Bonjour Alice",
        html: "<p>Bonjour <script>alert(1)</script></p>",
        unsubscribeUrl: "http://127.0.0.1:8787/u/abc",
      },
      {
        to: singleRecipient("bob@example.org"),
        subject: "<img src=x onerror=alert(1)>",
        text: "Bonjour Bob",
        html: "<p>Bonjour Bob</p>",
        unsubscribeUrl: "http://127.0.0.1:8787/u/def",
      },
    ],
    "test-key",
  );
});
afterEach(() => t.close());

test("GET /api/v1/outbox lists kept mail, filtered by recipient case-insensitively", async () => {
  const token = await t.token();
  const all = (await (await t.api(token, "GET", "/api/v1/outbox")).json()) as {
    items: { to: string }[];
  };
  expect(all.items.map((m) => m.to)).toEqual(["bob@example.org", "Alice@Example.org"]);
  const res = await t.api(token, "GET", "/api/v1/outbox?to=alice@example.org");
  const body = (await res.json()) as { items: Record<string, unknown>[] };
  expect(body.items).toHaveLength(1);
  expect(body.items[0]).toMatchObject({
    to: "Alice@Example.org",
    from: "Les Nets d'Or <contact@netsdor.example>",
    reply_to: "equipe@netsdor.example",
    subject: "Invitation",
    text: "Bonjour Alice",
    headers: {
      "List-Unsubscribe": "<http://127.0.0.1:8787/u/abc>",
      "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    },
  });
});

test("GET /api/v1/outbox refuses bad parameters and anonymous callers", async () => {
  const token = await t.token();
  const bad = await t.api(token, "GET", "/api/v1/outbox?limit=abc");
  expect(bad.status).toBe(422);
  expect(((await bad.json()) as { errors: { field: string }[] }).errors[0]?.field).toBe("limit");
  expect((await t.request("/api/v1/outbox")).status).toBe(401);
});

test("the outbox API does not exist with MAIL_TRANSPORT=resend", async () => {
  const resend = await createTestApp({
    MAIL_TRANSPORT: "resend",
    MAIL_REPLY_TO: "equipe@netsdor.example",
    RESEND_API_KEY: "re_x",
    RESEND_BASE_URL: "http://127.0.0.1:9",
  });
  try {
    const res = await resend.api(await resend.token(), "GET", "/api/v1/outbox");
    expect(res.status).toBe(404);
  } finally {
    resend.close();
  }
});

test("the Mailbox page shows each message escaped", async () => {
  const cookie = await t.signIn();
  const res = await t.request("/admin/mailbox", { headers: { Cookie: cookie } });
  expect(res.status).toBe(200);
  const html = await res.text();
  expect(html).toContain("Bonjour Alice");
  expect(html).toContain("&lt;img src=x onerror=alert(1)&gt;");
  expect(html).not.toContain("<img src=x");
  expect(html).toContain("Stop all sending");
});

test("links in a kept mail are clickable in the Mailbox, and only http(s) ones", async () => {
  await t.deps.mail.sendBatch(
    [
      {
        to: singleRecipient("carol@example.org"),
        subject: "Links",
        text: "Confirm: http://127.0.0.1:8787/c/abc.def\njavascript:alert(1)\n<a href=x>",
        html: "<p>x</p>",
        unsubscribeUrl: "http://127.0.0.1:8787/u/ghi",
      },
    ],
    "links-key",
  );
  const cookie = await t.signIn();
  const html = await (
    await t.request("/admin/mailbox?to=carol@example.org", { headers: { Cookie: cookie } })
  ).text();
  expect(html).toContain(
    '<a href="http://127.0.0.1:8787/c/abc.def">http://127.0.0.1:8787/c/abc.def</a>',
  );
  expect(html).not.toContain('href="javascript');
  expect(html).toContain("&lt;a href=x&gt;");
});
