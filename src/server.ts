// Node entry (`npm start`): config, embedded database, migrations, seed, then listen.
import { serve } from "@hono/node-server";
import { configuredAdminLine } from "./auth/configured-admin";
import { boot } from "./boot";
import { ConfigError, parseConfig } from "./config";
import { createNodeApp, openNodeClient, startHourlyJobs } from "./node";
import { startDispatcher } from "./sending/dispatcher";
import { windowRateLimiter } from "./sending/rate";

async function main() {
  const config = parseConfig(process.env, "node");
  const client = openNodeClient(config);
  const { deps, report } = await boot(config, client);
  const dispatcher = startDispatcher(deps, windowRateLimiter(config.sending.ratePerSecond));
  deps.dispatcher = dispatcher;
  const jobs = startHourlyJobs(deps);
  const app = createNodeApp(deps);
  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => {
    const lines = [
      `Relance is running at ${config.publicUrl}`,
      `  database: ${config.databaseUrl}${report.migrations.length ? ` (applied ${report.migrations.length} migrations)` : ""}`,
      `  mail: ${config.mail.transport === "outbox" ? "kept in the outbox, never sent" : "sent through Resend"}`,
      report.seeded.length ? `  demo data: ${report.seeded.join(", ")}` : "",
      `  admin sign-in: ${config.publicUrl}/admin/login`,
      `    ${configuredAdminLine(config, report.admin)}`,
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
  const stop = async () => {
    server.close();
    clearInterval(jobs);
    await dispatcher.stop();
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
