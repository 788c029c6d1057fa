// Test harness: the real app on a real libSQL file in a temp folder, with a controllable clock.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { boot } from "../src/boot";
import { parseConfig } from "../src/config";
import type { Clock } from "../src/deps";
import { createNodeApp, nodeResolveHost, openNodeClient } from "../src/node";

export const ADMIN = { email: "admin@test.example", password: "correct horse battery" };
export const ORIGIN = "http://127.0.0.1:8787";

export class TestClock implements Clock {
  constructor(private current = new Date("2026-01-15T08:00:00.000Z")) {}
  now() {
    return new Date(this.current);
  }
  advance(ms: number) {
    this.current = new Date(this.current.getTime() + ms);
  }
  set(date: Date | string) {
    this.current = new Date(date);
  }
}

export type TestApp = Awaited<ReturnType<typeof createTestApp>>;

export async function createTestApp(env: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), "relance-test-"));
  const url = `file:${join(dir, "test.db")}`;
  const config = parseConfig(
    {
      DATABASE_URL: url,
      SEED: "none",
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      SECRET_KEY: "test-secret-key-that-is-at-least-32-chars",
      PUBLIC_URL: ORIGIN,
      ...env,
    },
    "node",
  );
  const client = openNodeClient(config);
  const clock = new TestClock();
  const { deps, report } = await boot(config, client, { clock, resolveHost: nodeResolveHost });
  const app = createNodeApp(deps);

  /** A request through app.request; form and JSON helpers add the Origin a browser would send. */
  const request = (path: string, init: RequestInit = {}) => app.request(`${ORIGIN}${path}`, init);

  const form = (
    path: string,
    fields: Record<string, string>,
    headers: Record<string, string> = {},
  ) =>
    request(path, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Origin: ORIGIN, ...headers },
      body: new URLSearchParams(fields).toString(),
    });

  /** Signs in through the login form and returns the session cookie header value. */
  const signIn = async (email = ADMIN.email, password = ADMIN.password) => {
    const res = await form("/admin/login", { email, password });
    const cookie = res.headers.get("set-cookie")?.split(";")[0];
    if (res.status !== 303 || !cookie) throw new Error(`sign-in failed with ${res.status}`);
    return cookie;
  };

  /** Issues an API token through POST /api/v1/tokens. */
  const token = async () => {
    const res = await request("/api/v1/tokens", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(ADMIN),
    });
    if (res.status !== 201) throw new Error(`token failed with ${res.status}`);
    return ((await res.json()) as { token: string }).token;
  };

  /** Calls the JSON API with a bearer token. */
  const api = (bearer: string, method: string, path: string, body?: unknown) =>
    request(path, {
      method,
      headers: {
        Authorization: `Bearer ${bearer}`,
        ...(body === undefined ? {} : { "Content-Type": "application/json" }),
      },
      body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
    });

  const close = () => {
    client.close();
    rmSync(dir, { recursive: true, force: true });
  };

  return { app, deps, clock, client, report, url, request, form, signIn, token, api, close };
}
