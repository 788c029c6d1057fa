// The small crypto helpers, against Node's own encoders.
import fc from "fast-check";
import { expect, test } from "vitest";
import { toBase64Url } from "../src/crypto";

test("toBase64Url matches Buffer's base64url for any bytes (every length modulo 3)", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 70 }), (bytes) => {
      expect(toBase64Url(bytes)).toBe(Buffer.from(bytes).toString("base64url"));
    }),
    { numRuns: 500 },
  );
});
