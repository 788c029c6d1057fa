import { createHash, createHmac, randomBytes } from "node:crypto";
import { expect, test } from "vitest";
import { sha256Hex, toBase64Url } from "../src/crypto";
import { signToken, type TokenPayload, verifyToken } from "../src/tokens";

const SECRET = "test-secret-key-that-is-at-least-32-chars";

test("base64url matches Node's encoder for every length, and for a prefix", () => {
  for (let length = 0; length < 80; length++) {
    const bytes = randomBytes(length);
    expect(toBase64Url(bytes)).toBe(bytes.toString("base64url"));
    expect(toBase64Url(bytes, Math.floor(length / 2))).toBe(
      bytes.subarray(0, Math.floor(length / 2)).toString("base64url"),
    );
  }
});

test("a token is base64url(JSON) and its HMAC-SHA256 under the instance's token key", async () => {
  const payloads: TokenPayload[] = [
    { p: "unsubscribe", c: 1, l: 2 },
    { p: "preferences", c: 123_456_789 },
    { p: "consent", c: 42, l: 7, s: 99, e: 1_772_323_200_000 },
    { p: "subscribe", c: 2 ** 40, l: 1, s: 3, e: 1 },
  ];
  for (const secret of [SECRET, "another-secret-key-that-is-at-least-32-chars"]) {
    for (const payload of payloads) {
      const body = Buffer.from(JSON.stringify(payload)).toString("base64url");
      const mac = createHmac("sha256", `relance-token:${secret}`).update(body).digest("base64url");
      const token = await signToken(secret, payload);
      expect(token).toBe(`${body}.${mac}`);
      expect(await verifyToken(secret, token, payload.p, new Date(0))).toEqual({
        ok: true,
        payload,
      });
    }
  }
});

test("a long forged body is refused as a bad signature, and signing still works after it", async () => {
  const body = "A".repeat(400);
  expect(await verifyToken(SECRET, `${body}.abc`, "consent", new Date())).toEqual({
    ok: false,
    reason: "bad_signature",
  });
  const token = await signToken(SECRET, { p: "preferences", c: 5 });
  expect((await verifyToken(SECRET, token, "preferences", new Date())).ok).toBe(true);
});

test("sha256Hex is SHA-256 in hex", async () => {
  for (const text of ["", "abc", "relance:1,2,3", "é".repeat(100)]) {
    expect(await sha256Hex(text)).toBe(createHash("sha256").update(text).digest("hex"));
  }
});
