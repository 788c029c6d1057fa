// Node entry (`npm start`): config, embedded database, migrations, seed, then listen.
import { serve } from "@hono/node-server";
import type { ConfiguredAdminOutcome } from "./auth/configured-admin";
import { boot } from "./boot";
import { type Config, ConfigError, parseConfig } from "./config";
import { createNodeApp, openNodeClient, startHourlyJobs } from "./node";
import { startDispatcher } from "./sending/dispatcher";
import { windowRateLimiter } from "./sending/rate";

/** What start did with the admin the environment names, truthfully. */
function configuredAdminLine(config: Config, outcome: ConfiguredAdminOutcome) {
  const { email, password, isDemo } = config.admin;
  if (outcome === "not-an-admin") {
    return `ADMIN_EMAIL ${email} is not an admin here (it only creates the first one): ask an owner for an invitation, or run \`npm run admin -- reset-password EMAIL\`.`;
  }
  if (isDemo && outcome !== "password-updated") {
    return `email ${email}  password ${password}  (demo values, unless changed in the app; set ADMIN_EMAIL and ADMIN_PASSWORD for real use)`;
  }
  return {
    created: `email ${email}, an owner, with the password in ADMIN_PASSWORD`,
    unchanged: `email ${email}: password as set by ADMIN_PASSWORD, unless changed since in the app (\`npm run admin -- reset-password ${email}\` if lost)`,
    "password-updated": `email ${email}: password replaced by the new ADMIN_PASSWORD at this start; their sessions and tokens were ended`,
  }[outcome];
}

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
