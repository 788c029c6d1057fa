// Password hashing stays off the event loop and keeps old hashes valid (issue 17, defect 2).

import { performance } from "node:perf_hooks";
import { scryptAsync } from "@noble/hashes/scrypt.js";
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { createPasswords } from "../src/auth/password";
import { toBase64Url } from "../src/crypto";
import { webRandomBytes } from "../src/deps";
import { ADMIN, createTestApp, type TestApp } from "./helpers";

let t: TestApp;
beforeEach(async () => {
  t = await createTestApp();
});
afterEach(() => t.close());

describe("password hashing", () => {
  test("a public page answers while 30 sign-ins are being checked", async () => {
    let signInsDone = false;
    const signIns = Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        t.form("/admin/login", ADMIN, { "X-Forwarded-For": `198.51.100.${i + 1}` }),
      ),
    ).then((answers) => {
      signInsDone = true;
      return answers;
    });
    // Let every sign-in reach its hash before the page is asked for.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const page = await t.request("/status");
    expect(page.status).toBe(200);
    expect(signInsDone).toBe(false);
    expect((await signIns).every((res) => res.status === 303)).toBe(true);
  });

  test("the event loop stays mostly idle while 30 sign-ins are checked", async () => {
    const start = performance.eventLoopUtilization();
    await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        t.form("/admin/login", ADMIN, { "X-Forwarded-For": `198.51.100.${i + 1}` }),
      ),
    );
    // The share of the time the loop was busy (not waiting): hashing in JS keeps it near 1.
    const busy = performance.eventLoopUtilization(start).utilization;
    expect(busy).toBeLessThan(0.5);
  });

  test("a hash made by the previous (pure JS) code still verifies", async () => {
    const salt = webRandomBytes(16);
    const key = await scryptAsync("ancien mot de passe", salt, {
      N: 2 ** 14,
      r: 8,
      p: 5,
      dkLen: 32,
    });
    const stored = ["scrypt", 2 ** 14, 8, 5, toBase64Url(salt), toBase64Url(key)].join("$");
    const passwords = createPasswords(webRandomBytes);
    expect(await passwords.verify("ancien mot de passe", stored)).toBe(true);
    expect(await passwords.verify("autre", stored)).toBe(false);
    expect((await passwords.hash("x")).startsWith("scrypt$16384$8$5$")).toBe(true);
  });

  test("an unknown address is checked against a dummy and answers false", async () => {
    const passwords = createPasswords(webRandomBytes);
    expect(await passwords.verify("not a password", undefined)).toBe(false);
  });
});
