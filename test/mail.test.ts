import { afterAll, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { listOutbox, outboxProvider } from "../src/mail/outbox-transport";
import { headerSafe, type MailMessage, singleRecipient } from "../src/mail/provider";
import { resendProvider } from "../src/mail/resend";
import {
  prepareCampaign,
  prepareInvitation,
  prepareSubscribeConfirmation,
  renderCampaign,
  renderInvitation,
  renderSubscribeConfirmation,
  storedMail,
} from "../src/sending/templates";
import { XSS_ALL, XSS_PAYLOADS } from "./corpus/xss";
import { type FakeResend, startFakeResend } from "./fake-resend";
import { createTestApp, type TestApp } from "./helpers";

const message = (to: string, extra: Partial<MailMessage> = {}): MailMessage => ({
  to: singleRecipient(to),
  subject: "Les Nets d'Or 2001",
  text: "Bonjour",
  html: "<p>Bonjour</p>",
  unsubscribeUrl: "http://127.0.0.1:8787/u/TOKEN",
  ...extra,
});

describe("one recipient per message", () => {
  test.each([
    "a@example.org, b@example.org",
    "a@example.org;b@example.org",
    "Alice <a@example.org>",
    "a@example.org\r\nBcc: everyone@example.org",
    "list@",
    "",
    "a@b",
  ])("%j is not a single recipient", (value) => {
    expect(() => singleRecipient(value)).toThrow(/not a single recipient/);
  });

  test("the type has no cc, no bcc and no recipient list", () => {
    // @ts-expect-error a plain string is not a parsed single address
    const unparsed: MailMessage = { ...message("a@example.org"), to: "a@example.org" };
    // @ts-expect-error no cc can be expressed
    const cc: MailMessage = { ...message("a@example.org"), cc: "b@example.org" };
    // @ts-expect-error no bcc can be expressed
    const bcc: MailMessage = { ...message("a@example.org"), bcc: ["b@example.org"] };
    const recipients = [singleRecipient("a@example.org")];
    // @ts-expect-error no array of recipients
    const list: MailMessage = { ...message("a@example.org"), to: recipients };
    expect([unparsed, cc, bcc, list]).toHaveLength(4);
  });

  test("line breaks cannot add headers", () => {
    expect(headerSafe("Hello\r\nBcc: all@example.org")).toBe("Hello Bcc: all@example.org");
  });
});

describe("the Resend adapter, through the real SDK against a local fake", () => {
  let fake: FakeResend;
  const provider = () =>
    resendProvider({
      apiKey: fake.apiKey,
      baseUrl: fake.url,
      from: "Les Nets d'Or <contact@netsdor.example>",
      replyTo: "equipe@netsdor.example",
      timeoutMs: 1000,
    });

  beforeAll(async () => {
    fake = await startFakeResend();
  });
  afterAll(() => fake.stop());
  beforeEach(() => {
    fake.delivered.length = 0;
    fake.calls.length = 0;
  });

  test("every email has one recipient, the human Reply-To and the unsubscribe headers", async () => {
    const outcome = await provider().sendBatch(
      [message("a@example.org"), message("b@example.org", { subject: "Hi\r\nBcc: x@example.org" })],
      "key-1",
    );
    expect(outcome).toEqual({
      kind: "sent",
      results: [
        { ok: true, providerId: expect.any(String) },
        { ok: true, providerId: expect.any(String) },
      ],
    });
    expect(fake.delivered).toHaveLength(2);
    for (const email of fake.delivered) {
      expect(typeof email.to).toBe("string");
      expect(email.cc).toBeUndefined();
      expect(email.bcc).toBeUndefined();
      expect(email.reply_to).toEqual("equipe@netsdor.example");
      expect(email.headers).toEqual({
        "List-Unsubscribe": "<http://127.0.0.1:8787/u/TOKEN>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
      });
      expect(email.subject).not.toMatch(/[\r\n]/);
    }
    expect(fake.calls[0]?.idempotencyKey).toBe("key-1");
  });

  test("a retry with the same key delivers nothing twice", async () => {
    const batch = [message("a@example.org")];
    const first = await provider().sendBatch(batch, "key-2");
    const second = await provider().sendBatch(batch, "key-2");
    expect(second).toEqual(first);
    expect(fake.delivered).toHaveLength(1);
    expect(fake.calls.map((c) => c.idempotencyKey)).toEqual(["key-2", "key-2"]);
  });

  test("429 is a retry honouring retry-after; 5xx and timeouts are retries; 422 is a rejection", async () => {
    fake.failNext(1, 429, { retryAfter: "7" });
    expect(await provider().sendBatch([message("a@example.org")], "k429")).toMatchObject({
      kind: "retry",
      retryAfterMs: 7000,
    });
    // A 429 without retry-after still asks the account to wait: a second, by default.
    fake.failNext(1, 429);
    expect(await provider().sendBatch([message("a@example.org")], "k429b")).toMatchObject({
      kind: "retry",
      retryAfterMs: 1000,
    });
    fake.failNext(1, 503);
    expect(await provider().sendBatch([message("a@example.org")], "k503")).toMatchObject({
      kind: "retry",
    });
    fake.failNext(1, 0);
    expect(await provider().sendBatch([message("a@example.org")], "khang")).toMatchObject({
      kind: "retry",
    });
    fake.failNext(1, 422);
    expect(await provider().sendBatch([message("a@example.org")], "k422")).toMatchObject({
      kind: "rejected",
      reason: expect.stringContaining("422"),
    });
    expect(fake.delivered).toHaveLength(0);
  });

  test("an unreachable provider is a retry, never a throw", async () => {
    const down = resendProvider({
      apiKey: "re_test_key",
      baseUrl: "http://127.0.0.1:9",
      from: "a@example.org",
      replyTo: "b@example.org",
    });
    expect(await down.sendBatch([message("a@example.org")], "k")).toMatchObject({ kind: "retry" });
  });
});

describe("the outbox transport", () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
    return () => t.close();
  });

  test("stores each message once per key, with From, Reply-To and headers, newest first", async () => {
    const provider = outboxProvider(t.deps.db, t.clock, {
      from: "Relance <news@example.org>",
      replyTo: "humans@example.org",
    });
    const batch = [message("a@example.org"), message("b@example.org")];
    const first = await provider.sendBatch(batch, "k1");
    const again = await provider.sendBatch(batch, "k1");
    expect(again).toEqual(first);
    const all = await listOutbox(t.deps.db);
    expect(all.map((m) => m.to)).toEqual(["b@example.org", "a@example.org"]);
    expect(all[0]).toMatchObject({
      from: "Relance <news@example.org>",
      replyTo: "humans@example.org",
      headers: { "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" },
    });
    expect((await listOutbox(t.deps.db, { to: "a@example.org" })).map((m) => m.to)).toEqual([
      "a@example.org",
    ]);
  });
});

describe("mail prepared once per send", () => {
  const fixed = {
    listName: `Les Nets d'Or & <2001>`,
    purpose: `Recevoir "les nouvelles" ${XSS_ALL}`,
  };
  const people: (string | null)[] = [
    null,
    "",
    "Alice Martin",
    ...XSS_PAYLOADS,
    "\u{E000}0\u{E001}",
  ];
  const links = (i: number) => ({
    unsubscribeUrl: `https://relance.example/u/tok${i}.sig?a=1&b="2"`,
    preferencesUrl: `https://relance.example/p/<tok${i}>`,
  });

  test("gives the very strings a full render gives, whatever the name and links hold", () => {
    const deadline = "2026-03-01T00:00:00.000Z";
    const invitation = prepareInvitation({ ...fixed, subject: null, deadline });
    const confirmation = prepareSubscribeConfirmation(fixed);
    for (const campaignHtml of [null, `<h1>Bonjour</h1>${XSS_ALL}`]) {
      const campaign = prepareCampaign({
        listName: fixed.listName,
        subject: "La lettre",
        text: `Bonjour ${XSS_ALL}`,
        html: campaignHtml,
      });
      for (const lang of ["fr", "en"] as const) {
        people.forEach((contactName, i) => {
          const slots = { lang, ...links(i) };
          expect(campaign(slots)).toEqual(
            renderCampaign({
              ...slots,
              listName: fixed.listName,
              subject: "La lettre",
              text: `Bonjour ${XSS_ALL}`,
              html: campaignHtml,
            }),
          );
          const consentUrl = `https://relance.example/c/${contactName}`;
          expect(invitation({ ...slots, contactName, consentUrl })).toEqual(
            renderInvitation({
              ...fixed,
              ...slots,
              subject: null,
              deadline,
              contactName,
              consentUrl,
            }),
          );
          const confirmUrl = `https://relance.example/s/${i}'`;
          expect(confirmation({ ...slots, confirmUrl })).toEqual(
            renderSubscribeConfirmation({ ...fixed, ...slots, confirmUrl }),
          );
        });
        // Without a preferences link, the campaign footer has none.
        const bare = campaign({ lang, unsubscribeUrl: "https://relance.example/u/x" });
        expect(bare.html).not.toContain("/p/");
      }
    }
  });

  test("stored as its template key and values, then filled in again, a message is the same", () => {
    const invitation = prepareInvitation({ ...fixed, subject: null, deadline: "2026-03-01" });
    for (const lang of ["fr", "en"] as const) {
      people.forEach((contactName, i) => {
        const input = { lang, ...links(i), contactName, consentUrl: `https://x/c/${i}&"` };
        const composed = invitation.compose(input);
        // As the dispatcher stores them: JSON, the message apart from the templates.
        const message = JSON.parse(
          JSON.stringify({ id: i, to: "p@example.org", t: composed.key, v: composed.values }),
        );
        const templates = JSON.parse(JSON.stringify({ [composed.key]: composed.template }));
        expect(storedMail(message, templates)).toEqual({
          to: "p@example.org",
          ...invitation(input),
          unsubscribeUrl: input.unsubscribeUrl,
        });
        // Without its template, a message is not made up.
        expect(storedMail(message, {})).toBeUndefined();
      });
    }
  });

  test("a list name holding the placeholder marks loses them, never taken for a slot", () => {
    const odd = prepareSubscribeConfirmation({ ...fixed, listName: "\u{E000}0\u{E001}" });
    const slots = { lang: "fr" as const, confirmUrl: "https://x/s/1", ...links(1) };
    expect(odd(slots)).toEqual(
      renderSubscribeConfirmation({ ...fixed, listName: "\u{FFFD}0\u{FFFD}", ...slots }),
    );
  });
});
