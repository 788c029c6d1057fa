// `npm run admin -- COMMAND`, run with the server's environment:
// - `reset-password EMAIL`: the recovery when an admin is locked out or has lost their password.
//   Prints a one-time link (72 hours, single use) that sets a new password; using it ends every
//   session and token that admin held.
// - `reset-two-step EMAIL`: turns two-step sign-in off for an admin who lost their phone and
//   their recovery codes.
// - `rotate-report`: what still depends on the keys before SECRET_KEY (SECRET_KEY_PREVIOUS), and
//   whether they can be dropped (README, "Rotating SECRET_KEY").
import { AdminError, passwordResetLink } from "../src/admins/service";
import { resetTotpOf, TotpError } from "../src/auth/totp";
import { boot } from "../src/boot";
import { ConfigError, parseConfig } from "../src/config";
import type { Deps } from "../src/deps";
import { formatRotationReport, rotationReport } from "../src/keys/report";
import { openNodeClient } from "../src/node";

const USAGE = "Usage: npm run admin -- reset-password EMAIL | reset-two-step EMAIL | rotate-report";

/** Each command: its arguments are checked before anything is opened. */
const COMMANDS: Record<string, { arity: number; run(deps: Deps, args: string[]): Promise<void> }> =
  {
    "reset-password": {
      arity: 1,
      async run(deps, [email = ""]) {
        const url = await passwordResetLink(deps, email);
        console.log(
          `One-time link to set the password of ${email.trim().toLowerCase()} (valid 72 hours, works once; it ends their sessions and tokens):\n${url}`,
        );
      },
    },
    "reset-two-step": {
      arity: 1,
      async run(deps, [email = ""]) {
        await resetTotpOf(deps, email);
        console.log(
          `Two-step sign-in of ${email.trim().toLowerCase()} is off; their password alone signs in.`,
        );
      },
    },
    "rotate-report": {
      arity: 0,
      async run(deps) {
        console.log(formatRotationReport(await rotationReport(deps)));
      },
    },
  };

async function main(args: string[]): Promise<number> {
  const [name, ...rest] = args;
  const command = name === undefined ? undefined : COMMANDS[name];
  if (!command || rest.length !== command.arity || rest.some((arg) => arg === "")) {
    console.error(
      `relance admin: ${name ? (command ? `wrong arguments for ${name}` : `unknown command ${JSON.stringify(name)}`) : "no command"}.\n${USAGE}`,
    );
    return 1;
  }
  const config = { ...parseConfig(process.env, "node"), seed: "none" as const };
  const client = openNodeClient(config);
  try {
    const { deps } = await boot(config, client);
    await command.run(deps, rest);
    return 0;
  } catch (error) {
    if (error instanceof AdminError || error instanceof TotpError) {
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
