// Workers entry: the same app over libSQL-over-HTTP (Turso). Static files are served as assets.
import { createClient } from "@libsql/client/web";
import type { ExecutionContext, Hono } from "hono";
import { createApp } from "./app";
import { boot } from "./boot";
import { ConfigError, parseConfig } from "./config";
import { workersClientAddress } from "./http/client-address";

type Bindings = Record<string, unknown>;

let ready: Promise<Hono> | undefined;

/** Boots once per isolate (migrations are idempotent); a failed boot is retried on the next request. */
function appFor(env: Bindings): Promise<Hono> {
  ready ??= (async () => {
    const strings = Object.fromEntries(
      Object.entries(env).filter(
        (entry): entry is [string, string] => typeof entry[1] === "string",
      ),
    );
    const config = parseConfig(strings, "workers");
    requireRemoteDatabase(config.databaseUrl, strings.DATABASE_URL);
    const client = createClient({ url: config.databaseUrl, authToken: config.databaseAuthToken });
    const { deps } = await boot(config, client);
    return createApp(deps, { clientAddress: workersClientAddress }) as unknown as Hono;
  })().catch((error: unknown) => {
    ready = undefined;
    throw error;
  });
  return ready;
}

/** A Worker has no disk: its database is Turso, reached over HTTP (libsql:, https: or http:). */
function requireRemoteDatabase(url: string, given: string | undefined) {
  if (/^(libsql|https?):\/\//.test(url)) return;
  throw new ConfigError(
    given?.trim()
      ? `Invalid DATABASE_URL (got ${JSON.stringify(given.trim())}): expected a libsql://… or https://… URL (Turso); a Worker cannot open a file.`
      : "Missing DATABASE_URL: required on Workers (the libsql://… URL of the Turso database, with DATABASE_AUTH_TOKEN as a secret).",
  );
}

export default {
  async fetch(request: Request, env: Bindings, ctx: ExecutionContext): Promise<Response> {
    let app: Hono;
    try {
      app = await appFor(env);
    } catch (error) {
      const message =
        error instanceof ConfigError
          ? error.message
          : "Relance could not start; see the Worker logs.";
      console.error("relance: boot failed:", error);
      return new Response(`Relance cannot start: ${message}\n`, {
        status: 503,
        headers: { "Content-Type": "text/plain; charset=utf-8" },
      });
    }
    return app.fetch(request, env, ctx);
  },
};
