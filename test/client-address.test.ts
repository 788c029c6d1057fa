import { Hono } from "hono";
import { expect, test } from "vitest";
import { nodeClientAddress, workersClientAddress } from "../src/http/client-address";

const probe = (reader: (c: never) => string | undefined, headers: Record<string, string>) => {
  const app = new Hono();
  app.get("/", (c) => c.text(reader(c as never) ?? "none"));
  return Promise.resolve(app.request("/", { headers })).then((r) => r.text());
};

test("Node: a remote socket is the client; its own X-Forwarded-For is ignored", async () => {
  const reader = nodeClientAddress(() => "203.0.113.5");
  expect(await probe(reader, { "X-Forwarded-For": "1.2.3.4" })).toBe("203.0.113.5");
});

test("Node: behind a proxy on the same host, the proxy's last hop names the client", async () => {
  const reader = nodeClientAddress(() => "127.0.0.1");
  expect(await probe(reader, { "X-Forwarded-For": "forged, 198.51.100.7" })).toBe("198.51.100.7");
  expect(await probe(reader, {})).toBe("127.0.0.1");
  expect(
    await probe(
      nodeClientAddress(() => "::ffff:127.0.0.1"),
      { "X-Forwarded-For": "198.51.100.8" },
    ),
  ).toBe("198.51.100.8");
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
