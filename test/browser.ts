// Browser-test harness: Chromium shipped inside @sparticuz/chromium, driven by playwright-core,
// against the real Node app listening on a free loopback port.
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import chromium from "@sparticuz/chromium";
import { type Browser, chromium as playwright } from "playwright-core";
import { createTestApp, type TestApp } from "./helpers";

/**
 * `--single-process` makes closing one context kill the browser; `--disable-web-security` makes
 * Chromium drop the Origin header on same-origin POSTs, which the CSRF check then refuses.
 */
const DROPPED_ARGS = new Set(["--single-process", "--disable-web-security"]);

export async function launchBrowser(): Promise<Browser> {
  return playwright.launch({
    executablePath: await chromium.executablePath(),
    args: chromium.args.filter((arg) => !DROPPED_ARGS.has(arg)),
    headless: true,
  });
}

export type TestServer = { url: string; t: TestApp; stop(): Promise<void> };

/** Serves createTestApp's app over HTTP on 127.0.0.1 and a free port. */
export async function startTestServer(env: Record<string, string> = {}): Promise<TestServer> {
  const t = await createTestApp(env);
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const s = serve({ fetch: t.app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    t,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          t.close();
          resolve();
        });
      }),
  };
}
