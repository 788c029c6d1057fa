// The Svix signature check on its own: it must accept exactly what the Standard Webhooks
// reference library (`standardwebhooks`, which signs Relance's outgoing webhooks) signs, since
// the check now computes the HMAC with node:crypto rather than through that library.
import { Webhook } from "standardwebhooks";
import { describe, expect, test } from "vitest";
import { InvalidWebhookSecret, verifyResendSignature } from "../src/webhooks/signature";

const SECRET = `whsec_${Buffer.from("relance test webhook signing key!").toString("base64")}`;
const OTHER = `whsec_${Buffer.from("the previous signing key, rotated").toString("base64")}`;
const NOW = new Date("2026-12-04T16:00:00.000Z");
const BODY = JSON.stringify({
  type: "email.delivered",
  data: { email_id: "re_1", to: ["é@x.org"] },
});

const signedBy = (secret: string, id = "msg_1", at = NOW, body = BODY) =>
  new Webhook(secret).sign(id, at, body);

const headersFor = (signature: string, id = "msg_1", at = NOW) => ({
  id,
  timestamp: String(Math.floor(at.getTime() / 1000)),
  signature,
});

describe("verifyResendSignature", () => {
  test("accepts the reference library's signature, and the id it covers", () => {
    expect(verifyResendSignature(SECRET, BODY, headersFor(signedBy(SECRET)), NOW)).toEqual({
      ok: true,
      id: "msg_1",
    });
  });

  test("accepts one matching signature among several (a key being rotated)", () => {
    const both = `${signedBy(OTHER)} ${signedBy(SECRET)}`;
    expect(verifyResendSignature(SECRET, BODY, headersFor(both), NOW).ok).toBe(true);
  });

  test("refuses another key, another body, another id, another version", () => {
    const refused = (body: string, signature: string, id = "msg_1") =>
      verifyResendSignature(SECRET, body, headersFor(signature, id), NOW);
    expect(refused(BODY, signedBy(OTHER)).ok).toBe(false);
    expect(refused(`${BODY} `, signedBy(SECRET)).ok).toBe(false);
    expect(refused(BODY, signedBy(SECRET), "msg_2").ok).toBe(false);
    expect(refused(BODY, signedBy(SECRET).replace(/^v1,/, "v2,")).ok).toBe(false);
  });

  test("refuses a timestamp outside 5 minutes of the given clock, even when signed", () => {
    const old = new Date(NOW.getTime() - 301_000);
    const result = verifyResendSignature(
      SECRET,
      BODY,
      headersFor(signedBy(SECRET, "msg_1", old), "msg_1", old),
      NOW,
    );
    expect(result).toEqual({ ok: false, reason: expect.stringContaining("5 minutes") });
  });

  test("a secret that is not whsec_ and base64 is refused as a configuration error", () => {
    for (const secret of ["whsec_", "whsec_not base64!", "whsec_abc"]) {
      expect(() => verifyResendSignature(secret, BODY, headersFor("v1,x"), NOW), secret).toThrow(
        InvalidWebhookSecret,
      );
    }
  });
});
