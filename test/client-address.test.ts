import { Hono } from "hono";
import { expect, test } from "vitest";
import { parseConfig } from "../src/config";
import { nodeClientAddress, workersClientAddress } from "../src/http/client-address";
import { parseTrustedProxies } from "../src/http/ip";

const probe = (reader: (c: never) => string | undefined, headers: Record<string, string>) => {
  const app = new Hono();
  app.get("/", (c) => c.text(reader(c as never) ?? "none"));
  return Promise.resolve(app.request("/", { headers })).then((r) => r.text());
};

test("Node: a remote socket is the client; its own X-Forwarded-For is ignored", async () => {
  const reader = nodeClientAddress(() => "203.0.113.5");
  expect(await probe(reader, { "X-Forwarded-For": "1.2.3.4" })).toBe("203.0.113.5");
});

test("Node: a loopback peer not named in TRUSTED_PROXIES cannot choose the address (finding 1)", async () => {
  // A local proxy that passes the client's header through unchanged: rotating it must not help.
  const reader = nodeClientAddress(() => "127.0.0.1");
  expect(await probe(reader, { "X-Forwarded-For": "198.51.100.7" })).toBe("127.0.0.1");
  expect(
    await probe(
      nodeClientAddress(() => "::1"),
      { "X-Forwarded-For": "1.2.3.4" },
    ),
  ).toBe("::1");
});

test("Node: a proxy named in TRUSTED_PROXIES names the client; hops left of the first untrusted one are ignored", async () => {
  const trusted = parseTrustedProxies("127.0.0.1, 10.0.0.0/8, ::1");
  const reader = nodeClientAddress(() => "127.0.0.1", trusted);
  expect(await probe(reader, { "X-Forwarded-For": "forged, 198.51.100.7" })).toBe("198.51.100.7");
  expect(await probe(reader, { "X-Forwarded-For": "forged, 198.51.100.7, 10.1.2.3" })).toBe(
    "198.51.100.7",
  );
  expect(await probe(reader, {})).toBe("127.0.0.1");
  expect(
    await probe(
      nodeClientAddress(() => "::ffff:127.0.0.1", trusted),
      {
        "X-Forwarded-For": "198.51.100.8",
      },
    ),
  ).toBe("198.51.100.8");
  expect(
    await probe(
      nodeClientAddress(() => "10.9.9.9", trusted),
      { "X-Forwarded-For": "2001:db8::7" },
    ),
  ).toBe("2001:db8::7");
  expect(
    await probe(
      nodeClientAddress(() => "192.0.2.1", trusted),
      { "X-Forwarded-For": "1.1.1.1" },
    ),
  ).toBe("192.0.2.1");
});

test("TRUSTED_PROXIES: empty by default, addresses and CIDRs, a bad entry refused at start", () => {
  expect(parseConfig({}, "node").trustedProxies).toEqual([]);
  expect(
    parseConfig({ TRUSTED_PROXIES: "127.0.0.1,fd00::/8" }, "node").trustedProxies,
  ).toHaveLength(2);
  expect(() => parseConfig({ TRUSTED_PROXIES: "10.0.0.0/33" }, "node")).toThrow(/TRUSTED_PROXIES/);
  expect(() => parseConfig({ TRUSTED_PROXIES: "proxy.local" }, "node")).toThrow(/TRUSTED_PROXIES/);
});

test("Node: without a socket (app.request in tests) X-Forwarded-For is read", async () => {
  const reader = nodeClientAddress(() => {
    throw new Error("no socket");
  });
  expect(await probe(reader, { "X-Forwarded-For": "198.51.100.9" })).toBe("198.51.100.9");
  expect(await probe(reader, {})).toBe("none");
});

test("Workers: CF-Connecting-IP, set by Cloudflare", async () => {
  expect(
    await probe(workersClientAddress, {
      "CF-Connecting-IP": "2001:db8::1",
      "X-Forwarded-For": "1.1.1.1",
    }),
  ).toBe("2001:db8::1");
});
