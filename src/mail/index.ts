// Picks the mail transport the configuration asks for.
import type { Config } from "../config";
import type { Db } from "../db";
import type { Clock } from "../deps";
import { outboxProvider } from "./outbox-transport";
import type { MailProvider } from "./provider";
import { resendProvider } from "./resend";

export function mailProviderFor(config: Config, db: Db, clock: Clock): MailProvider {
  const { mail } = config;
  if (mail.transport === "resend" && mail.resendApiKey) {
    return resendProvider({
      apiKey: mail.resendApiKey,
      baseUrl: mail.resendBaseUrl,
      from: mail.from,
      replyTo: mail.replyTo,
    });
  }
  return outboxProvider(db, clock, { from: mail.from, replyTo: mail.replyTo });
}
