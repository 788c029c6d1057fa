// Node entry (`npm start`): config, embedded database, migrations, seed, then listen.

import type { ServerType } from "@hono/node-server";
import { serve } from "@hono/node-server";
import { configuredAdminLine } from "./auth/configured-admin";
import { boot } from "./boot";
import { ConfigError, parseConfig } from "./config";
import {
  createNodeApp,
  forgetStagedImports,
  limitPageCache,
  nodeResolveHost,
  openNodeClient,
  startHourlyJobs,
  startWebhookDeliveries,
} from "./node";
import { demoSecondAdminLine } from "./seed";
import { createDispatcher } from "./sending/dispatcher";
import { windowRateLimiter } from "./sending/rate";

/** How long shutdown waits for work in flight: within the 10 s a SIGTERM usually allows. */
const SHUTDOWN_GRACE_MS = 8_000;

/** Stops accepting connections; lets requests in flight finish for `graceMs`, then cuts them. */
function closeServer(server: ServerType, graceMs: number) {
  return new Promise<void>((resolve) => {
    const cut = setTimeout(() => {
      if ("closeAllConnections" in server) server.closeAllConnections();
    }, graceMs);
    server.close(() => {
      clearTimeout(cut);
      resolve();
    });
  });
}

async function main() {
  const config = parseConfig(process.env, "node");
  const client = openNodeClient(config);
  const { deps, report } = await boot(config, client, { resolveHost: nodeResolveHost });
  await limitPageCache(client);
  await forgetStagedImports(deps.db);
  const limiter = windowRateLimiter(config.sending.ratePerSecond);
  const dispatcher = createDispatcher(deps, { limiter, claimAhead: true });
  deps.dispatcher = dispatcher;
  // Work left after an answer (a lost-link mail) is kept here so a stop waits for it.
  const afterAnswers = new Set<Promise<void>>();
  deps.afterAnswer = (work) => {
    const running = work()
      .catch((error) => console.error(`[relance] work after an answer failed: ${error}`))
      .finally(() => afterAnswers.delete(running));
    afterAnswers.add(running);
  };
  void dispatcher.run();
  const jobs = startHourlyJobs(deps);
  const webhooks = startWebhookDeliveries(deps);
  const app = createNodeApp(deps);
  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => {
    const lines = [
      `Relance is running at ${config.publicUrl}`,
      `  database: ${config.databaseUrl}${report.migrations.length ? ` (applied ${report.migrations.length} migrations)` : ""}`,
      `  mail: ${config.mail.transport === "outbox" ? "kept in the outbox, never sent" : "sent through Resend"}`,
      report.seeded.length ? `  demo data: ${report.seeded.join(", ")}` : "",
      `  admin sign-in: ${config.publicUrl}/admin/login`,
      `    ${configuredAdminLine(config, report.admin)}`,
      demoSecondAdminLine(config) && `    ${demoSecondAdminLine(config)}`,
    ];
    console.log(lines.filter(Boolean).join("\n"));
  });
  server.on("error", (error: NodeJS.ErrnoException) => {
    console.error(
      error.code === "EADDRINUSE"
        ? `relance: ${config.host}:${config.port} is already in use; set PORT to another port.`
        : `relance: cannot listen on ${config.host}:${config.port}: ${error.message}`,
    );
    process.exit(1);
  });
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    // Whatever hangs (a provider call, a slow request), the process ends within the grace period;
    // a batch whose call was cut off is called again under its key after the restart.
    setTimeout(() => process.exit(1), SHUTDOWN_GRACE_MS).unref();
    clearInterval(jobs);
    clearInterval(webhooks);
    // No new request, no new batch; the request and the step in flight finish.
    await Promise.all([closeServer(server, SHUTDOWN_GRACE_MS / 2), dispatcher.stop()]);
    await Promise.allSettled([...afterAnswers]);
    await forgetStagedImports(deps.db);
    client.close();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(`relance: ${error.message}`);
  } else {
    console.error("relance: could not start:", error instanceof Error ? error.message : error);
  }
  process.exit(1);
});
