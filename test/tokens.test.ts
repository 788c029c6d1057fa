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

const PAYLOADS: TokenPayload[] = [
  { p: "unsubscribe", c: 1, l: 2 },
  { p: "preferences", c: 123_456_789 },
  { p: "consent", c: 42, l: 7, s: 99, e: 1_772_323_200_000 },
  { p: "subscribe", c: 2 ** 40, l: 1, s: 3, e: 1 },
  { p: "consent", c: 0, e: 5 },
];
const OTHER_SECRET = "another-secret-key-that-is-at-least-32-chars";

test("a token is its purpose's letter and numbers in base 36, and a 132-bit HMAC-SHA256 tag", async () => {
  const expected = [
    "u1-2",
    "p21i3v9",
    `c16-7-2r-${(1_772_323_200_000).toString(36)}`,
    `s${(2 ** 40).toString(36)}-1-3-1`,
    "c0---5",
  ];
  for (const secret of [SECRET, OTHER_SECRET]) {
    for (const [i, payload] of PAYLOADS.entries()) {
      const body = expected[i];
      const tag = createHmac("sha256", `relance-token-2:${secret}`)
        .update(body ?? "")
        .digest("base64url")
        .slice(0, 22);
      const token = await signToken(secret, payload);
      expect(token).toBe(`${body}.${tag}`);
      expect(await verifyToken(secret, token, payload.p, new Date(0))).toEqual({
        ok: true,
        payload,
      });
    }
  }
  // A consent link's token is about a third of the JSON form's length.
  const consent = await signToken(SECRET, {
    p: "consent",
    c: 3_800_000,
    l: 120,
    s: 4_000,
    e: Date.parse("2030-01-01"),
  });
  expect(consent.length).toBeLessThanOrEqual(48);
});

test("a token of the JSON form of early builds, never released, does not verify", async () => {
  for (const payload of PAYLOADS) {
    const body = Buffer.from(JSON.stringify(payload)).toString("base64url");
    const mac = createHmac("sha256", `relance-token:${SECRET}`).update(body).digest("base64url");
    expect(await verifyToken(SECRET, `${body}.${mac}`, payload.p, new Date(0))).toEqual({
      ok: false,
      reason: "bad_signature",
    });
  }
});

test("a short token changed anywhere, signed with the other form's key or for another purpose fails", async () => {
  const payload: TokenPayload = { p: "consent", c: 42, l: 7, s: 99, e: 1_772_323_200_000 };
  const token = await signToken(SECRET, payload);
  const [body = "", tag = ""] = token.split(".");
  const now = new Date(0);
  for (let i = 0; i < token.length; i++) {
    if (token[i] === ".") continue;
    const changed = `${token.slice(0, i)}${token[i] === "a" ? "b" : "a"}${token.slice(i + 1)}`;
    expect((await verifyToken(SECRET, changed, "consent", now)).ok).toBe(false);
  }
  const jsonKeyTag = createHmac("sha256", `relance-token:${SECRET}`)
    .update(body)
    .digest("base64url");
  for (const wrong of [jsonKeyTag, jsonKeyTag.slice(0, 22), `${tag}A`, tag.slice(0, 21)])
    expect(await verifyToken(SECRET, `${body}.${wrong}`, "consent", now)).toEqual({
      ok: false,
      reason: "bad_signature",
    });
  expect(await verifyToken(OTHER_SECRET, token, "consent", now)).toEqual({
    ok: false,
    reason: "bad_signature",
  });
  expect(await verifyToken(SECRET, token, "unsubscribe", now)).toEqual({
    ok: false,
    reason: "wrong_purpose",
  });
  expect(await verifyToken(SECRET, token, "consent", new Date(1_772_323_200_001))).toEqual({
    ok: false,
    reason: "expired",
  });
});

test("a correctly signed short body that is not numbers is malformed", async () => {
  for (const body of ["c", "c-1", "cZ", "c01", `c${"z".repeat(12)}`, "c1-2-3-4-5"]) {
    const tag = createHmac("sha256", `relance-token-2:${SECRET}`)
      .update(body)
      .digest("base64url")
      .slice(0, 22);
    const check = await verifyToken(SECRET, `${body}.${tag}`, "consent", new Date(0));
    expect(check.ok).toBe(false);
    expect(["malformed", "bad_signature"]).toContain(check.ok ? "" : check.reason);
  }
  await expect(signToken(SECRET, { p: "preferences", c: -1 })).rejects.toThrow(RangeError);
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

test("with a key ring, a token signed by any key of it verifies; by a key outside it, never", async () => {
  const OLD = "an-old-secret-key-that-is-at-least-32-chars";
  const OTHER = "a-key-this-instance-never-held-of-32-chars";
  const now = new Date("2026-01-01T00:00:00Z");
  const payload: TokenPayload = { p: "unsubscribe", c: 12, l: 3 };
  const old = await signToken(OLD, payload);
  expect(await verifyToken([SECRET, OLD], old, "unsubscribe", now)).toEqual({ ok: true, payload });
  expect(await verifyToken(SECRET, old, "unsubscribe", now)).toEqual({
    ok: false,
    reason: "bad_signature",
  });
  const foreign = await signToken(OTHER, payload);
  expect((await verifyToken([SECRET, OLD], foreign, "unsubscribe", now)).ok).toBe(false);
  // The purpose still binds under an old key.
  expect(await verifyToken([SECRET, OLD], old, "consent", now)).toEqual({
    ok: false,
    reason: "wrong_purpose",
  });
});
