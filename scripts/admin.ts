// `npm run admin -- reset-password EMAIL`: the recovery when an admin is locked out or has lost
// their password. Prints a one-time link (72 hours, single use) that sets a new password; using
// it ends every session and token that admin held. Runs with the server's environment.
import { AdminError, passwordResetLink } from "../src/admins/service";
import { boot } from "../src/boot";
import { ConfigError, parseConfig } from "../src/config";
import { openNodeClient } from "../src/node";

const USAGE = "Usage: npm run admin -- reset-password EMAIL";

async function main(args: string[]): Promise<number> {
  const [command, email, ...rest] = args;
  if (command !== "reset-password" || !email || rest.length > 0) {
    console.error(
      `relance admin: ${command ? `unknown command ${JSON.stringify(command)}` : "no command"}.\n${USAGE}`,
    );
    return 1;
  }
  const config = { ...parseConfig(process.env, "node"), seed: "none" as const };
  const client = openNodeClient(config);
  try {
    const { deps } = await boot(config, client);
    const url = await passwordResetLink(deps, email);
    console.log(
      `One-time link to set the password of ${email.trim().toLowerCase()} (valid 72 hours, works once; it ends their sessions and tokens):\n${url}`,
    );
    return 0;
  } catch (error) {
    if (error instanceof AdminError) {
      console.error(`relance admin: ${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    client.close();
  }
}

try {
  process.exitCode = await main(process.argv.slice(2));
} catch (error) {
  console.error(
    `relance admin: ${error instanceof ConfigError ? error.message : error instanceof Error ? error.message : String(error)}`,
  );
  process.exitCode = 1;
}
