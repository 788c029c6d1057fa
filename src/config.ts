// Turns the environment into a typed config, once, and fails with one line naming the variable.
import { z } from "zod";
import { type IpRange, parseTrustedProxies } from "./http/ip";

export type Runtime = "node" | "workers";

const DEMO_ADMIN_EMAIL = "admin@relance.example";
const DEMO_ADMIN_PASSWORD = "nets-d-or-2000";

const port = z.coerce
  .number({ error: "a port number between 1 and 65535" })
  .int("a port number between 1 and 65535")
  .min(1, "a port number between 1 and 65535")
  .max(65535, "a port number between 1 and 65535");

const rate = (what: string) => z.coerce.number({ error: what }).min(0, what).max(1, what);

const databaseUrl = z
  .string()
  .trim()
  .refine(
    (v) => /^(file:|libsql:\/\/|https?:\/\/|:memory:$)/.test(v),
    "a file:… path, a libsql://… or https://… URL (Turso)",
  );

const httpUrl = z
  .string()
  .trim()
  .refine((v) => {
    try {
      const url = new URL(v);
      return url.protocol === "http:" || url.protocol === "https:";
    } catch {
      return false;
    }
  }, "an absolute http:// or https:// URL")
  .transform((v) => v.replace(/\/+$/, ""));

const email = z.email("an email address");

/** True when Intl knows the zone (the runtime's own list, so Node and Workers agree). */
function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat("en", { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const schema = z
  .object({
    PORT: port.default(8787),
    HOST: z.string().trim().min(1, "a host name or address").default("127.0.0.1"),
    DATABASE_URL: databaseUrl.default("file:db/relance.db"),
    DATABASE_AUTH_TOKEN: z.string().optional(),
    PUBLIC_URL: httpUrl.optional(),
    SECRET_KEY: z.string().min(32, "at least 32 characters of random text").optional(),
    SECRET_KEY_PREVIOUS: z
      .string()
      .transform((v) =>
        v
          .split(",")
          .map((key) => key.trim())
          .filter((key) => key !== ""),
      )
      .pipe(z.array(z.string().min(32, "keys of at least 32 characters, comma-separated")))
      .optional(),
    MAIL_TRANSPORT: z
      .enum(["outbox", "resend"], { error: "`outbox` or `resend`" })
      .default("outbox"),
    RESEND_API_KEY: z.string().optional(),
    RESEND_BASE_URL: httpUrl.optional(),
    RESEND_WEBHOOK_SECRET: z
      .string()
      .regex(/^whsec_/, "a Resend webhook signing secret starting with whsec_")
      .optional(),
    MAIL_FROM: z
      .string()
      .trim()
      .min(3, "a sender such as Relance <news@example.org>")
      .default("Les Nets d'Or <contact@netsdor.example>"),
    MAIL_REPLY_TO: email.default("equipe@netsdor.example"),
    /** The organisation people know: shown on public pages, in mail and feeds (demo value). */
    ORG_NAME: z
      .string()
      .trim()
      .min(1, "the organisation's name, such as Les Nets d'Or")
      .max(100, "at most 100 characters")
      .default("Les Nets d'Or"),
    SEND_RATE_PER_SECOND: z.coerce
      .number({ error: "a positive number of provider calls per second" })
      .positive("a positive number of provider calls per second")
      .max(1000, "at most 1000 calls per second")
      .default(2),
    SEND_BATCH_SIZE: z.coerce
      .number({ error: "a whole number of messages per batch, 1 to 100" })
      .int("a whole number of messages per batch, 1 to 100")
      .min(1, "a whole number of messages per batch, 1 to 100")
      .max(100, "a whole number of messages per batch, 1 to 100 (Resend's batch limit)")
      .default(100),
    ADMIN_EMAIL: email.optional(),
    ADMIN_PASSWORD: z.string().min(8, "at least 8 characters").optional(),
    SEED: z.enum(["demo", "none"], { error: "`demo` or `none`" }).optional(),
    BREAKER_BOUNCE_RATE: rate("a rate between 0 and 1, such as 0.05").default(0.05),
    BREAKER_COMPLAINT_RATE: rate("a rate between 0 and 1, such as 0.003").default(0.003),
    VOTE_LIMIT_PER_IP_PER_MINUTE: z.coerce
      .number({ error: "a whole number of votes per minute" })
      .int("a whole number of votes per minute")
      .min(1, "at least 1 vote per minute")
      .default(120),
    // Optional proof-of-work on the public vote and subscribe forms: the leading zero bits the
    // browser must find (0: off; 16 takes a phone about a tenth of a second).
    POW_BITS: z.coerce
      .number({ error: "a whole number of bits, 0 (off) to 24" })
      .int("a whole number of bits, 0 (off) to 24")
      .min(0, "a whole number of bits, 0 (off) to 24")
      .max(24, "at most 24 bits: more would take a phone several seconds")
      .default(0),
    // The least time from a public form's display to its sending: faster, a program filled it
    // (the vote and subscribe forms). Tests that drive a browser set 0.
    FORM_MIN_FILL_MS: z.coerce
      .number({ error: "a whole number of milliseconds" })
      .int("a whole number of milliseconds")
      .min(0, "0 or more milliseconds")
      .max(60_000, "at most 60000 ms: people answer short forms faster")
      .default(2000),
    EVENT_RETENTION_DAYS: z.coerce
      .number({ error: "a whole number of days" })
      .int("a whole number of days")
      // Three transient bounces within 30 days count as a permanent one: counted from the kept
      // events, so keeping fewer days would quietly shorten that window.
      .min(30, "at least 30 days (the transient-bounce window)")
      .default(90),
    RECONSENT_MIN_DAYS: z.coerce
      .number({ error: "a whole number of days, 0 or more" })
      .int("a whole number of days, 0 or more")
      .min(0, "a whole number of days, 0 or more")
      .default(7),
    TRUSTED_PROXIES: z
      .string()
      .transform((v, ctx) => {
        try {
          return parseTrustedProxies(v);
        } catch (error) {
          ctx.addIssue({
            code: "custom",
            message: `comma-separated IP addresses or CIDR ranges of your reverse proxies (${(error as Error).message})`,
          });
          return z.NEVER;
        }
      })
      .optional(),
    EMBED_FRAME_ANCESTORS: z
      .string()
      .trim()
      .regex(
        /^(\*|'self'|https?:\/\/[A-Za-z0-9.*-]+(:\d+)?)( +(\*|'self'|https?:\/\/[A-Za-z0-9.*-]+(:\d+)?))*$/,
        "`*`, or space-separated origins such as https://example.org (CSP frame-ancestors sources)",
      )
      .default("*"),
    WEBHOOK_ALLOW_PRIVATE: z
      .enum(["0", "1"], { error: "`0` or `1` (only tests with a local receiver set it)" })
      .default("0"),
    APPROVAL_THRESHOLD: z
      .union([
        z.literal("off"),
        z.coerce
          .number({ error: "a whole number of recipients, 1 or more, or `off`" })
          .int("a whole number of recipients, 1 or more, or `off`")
          .min(1, "a whole number of recipients, 1 or more, or `off`"),
      ])
      .default(1000),
    CANARY_MIN_RECIPIENTS: z.coerce
      .number({ error: "a whole number of recipients, 1 or more" })
      .int("a whole number of recipients, 1 or more")
      .min(1, "a whole number of recipients, 1 or more")
      .default(1000),
    CANARY_PERCENT: z.coerce
      .number({ error: "a percentage between 0 and 100 (0 disables canary sends)" })
      .min(0, "a percentage between 0 and 100 (0 disables canary sends)")
      .max(100, "a percentage between 0 and 100 (0 disables canary sends)")
      .default(1),
    CANARY_HOLD_MINUTES: z.coerce
      .number({ error: "a whole number of minutes, 0 or more" })
      .int("a whole number of minutes, 0 or more")
      .min(0, "a whole number of minutes, 0 or more")
      .default(30),
    ORG_TIMEZONE: z
      .string()
      .trim()
      .refine(isTimeZone, "an IANA time zone such as Europe/Paris")
      .default("Europe/Paris"),
  })
  .superRefine((env, ctx) => {
    if (env.MAIL_TRANSPORT === "resend" && !env.RESEND_API_KEY) {
      ctx.addIssue({
        code: "custom",
        path: ["RESEND_API_KEY"],
        message: "required when MAIL_TRANSPORT=resend",
      });
    }
    if ((env.ADMIN_EMAIL === undefined) !== (env.ADMIN_PASSWORD === undefined)) {
      ctx.addIssue({
        code: "custom",
        path: [env.ADMIN_EMAIL ? "ADMIN_PASSWORD" : "ADMIN_EMAIL"],
        message: "set together with the other one (ADMIN_EMAIL and ADMIN_PASSWORD)",
      });
    }
  });

export type Config = {
  runtime: Runtime;
  port: number;
  host: string;
  databaseUrl: string;
  databaseAuthToken: string | undefined;
  publicUrl: string;
  /** The organisation's name, shown to the public instead of the software's. */
  orgName: string;
  /** Undefined on Node until boot reads (or creates) the one stored in the database. */
  secretKey: string | undefined;
  /**
   * Keys used before a rotation (SECRET_KEY_PREVIOUS), newest first as given: what they signed
   * still verifies and what they hashed still matches; nothing new is signed with them.
   */
  secretKeyPrevious: string[];
  mail: {
    transport: "outbox" | "resend";
    resendApiKey: string | undefined;
    resendBaseUrl: string | undefined;
    resendWebhookSecret: string | undefined;
    from: string;
    replyTo: string;
  };
  sending: { ratePerSecond: number; batchSize: number };
  admin: { email: string; password: string; isDemo: boolean };
  seed: "demo" | "none";
  breaker: { bounceRate: number; complaintRate: number };
  voteLimitPerIpPerMinute: number;
  /** Proof-of-work on the public vote and subscribe forms: zero bits asked for (0: off). */
  powBits: number;
  /** The least time from a public form's display to its sending (FORM_MIN_FILL_MS). */
  formMinFillMs: number;
  eventRetentionDays: number;
  /** A re-consent deadline is at least this many days ahead: the unanswered are erased then. */
  reconsentMinDays: number;
  /** Node: reverse proxies whose X-Forwarded-For names the client (none by default). */
  trustedProxies: IpRange[];
  /** CSP `frame-ancestors` sources for the `/embed/…` pages (every other page: `'none'`). */
  embedFrameAncestors: string;
  /** Tests only: lets outgoing webhooks reach loopback and private addresses (a local receiver). */
  webhookAllowPrivate: boolean;
  /** A send of at least this many recipients waits for a second admin; null: never. */
  approvalThreshold: number | null;
  /** Sends of at least `minRecipients` go first to `percent` % of them, then hold. */
  canary: { minRecipients: number; percent: number; holdMinutes: number };
  /** The zone of every time shown to people (pages, mail, feeds); machine outputs stay in UTC. */
  orgTimezone: string;
};

/** A configuration the app cannot start with; `message` is the one line to print. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

type Env = Record<string, string | undefined>;

/**
 * The demo credentials are printed and published: they are fine for the local demo, never where
 * mail leaves the machine, on Workers, or behind https (a real deployment).
 */
function refuseDemoAdminInProduction(
  e: { ADMIN_EMAIL?: string; ADMIN_PASSWORD?: string; MAIL_TRANSPORT: string },
  runtime: Runtime,
  publicUrl: string,
) {
  const reason =
    e.MAIL_TRANSPORT === "resend"
      ? "with MAIL_TRANSPORT=resend"
      : runtime === "workers"
        ? "on Workers"
        : publicUrl.startsWith("https:")
          ? "with an https PUBLIC_URL"
          : undefined;
  if (!reason) return;
  if (e.ADMIN_EMAIL === undefined) {
    throw new ConfigError(
      `Missing ADMIN_EMAIL and ADMIN_PASSWORD: the demo admin's published credentials are refused ${reason}; set both (the first admin, an owner).`,
    );
  }
  if (e.ADMIN_PASSWORD === DEMO_ADMIN_PASSWORD) {
    throw new ConfigError(
      `Invalid ADMIN_PASSWORD: the published demo password is refused ${reason}; choose another (ADMIN_EMAIL keeps its value).`,
    );
  }
}

export function parseConfig(rawEnv: Env, runtime: Runtime): Config {
  // An empty variable means "not set": `PORT= npm start` should use the default.
  const env = Object.fromEntries(
    Object.entries(rawEnv).filter(([, v]) => typeof v === "string" && v.trim() !== ""),
  );
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue?.path[0] ?? "environment");
    const got = env[name];
    const shown =
      got === undefined ||
      name.includes("SECRET") ||
      name.includes("PASSWORD") ||
      name.includes("KEY") ||
      name.includes("TOKEN")
        ? ""
        : ` (got ${JSON.stringify(got)})`;
    throw new ConfigError(
      `Invalid ${name}${shown}: expected ${issue?.message ?? "a valid value"}.`,
    );
  }
  const e = parsed.data;
  // Replies must reach people: with real mail, the human mailbox is never left to a demo default.
  if (e.MAIL_TRANSPORT === "resend" && env.MAIL_REPLY_TO === undefined) {
    throw new ConfigError(
      "Missing MAIL_REPLY_TO: required when MAIL_TRANSPORT=resend (the human mailbox replies go to).",
    );
  }
  if (runtime === "workers" && !e.SECRET_KEY) {
    throw new ConfigError(
      "Missing SECRET_KEY: required on Workers (set it with `wrangler secret put SECRET_KEY`, 32+ random characters).",
    );
  }
  if (runtime === "workers" && !e.PUBLIC_URL) {
    throw new ConfigError(
      "Missing PUBLIC_URL: required on Workers (the https://… address of the site, used in mail links and for Secure cookies).",
    );
  }
  const publicUrl = e.PUBLIC_URL ?? `http://${e.HOST}:${e.PORT}`;
  refuseDemoAdminInProduction(e, runtime, publicUrl);
  return {
    runtime,
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    databaseAuthToken: e.DATABASE_AUTH_TOKEN,
    publicUrl,
    orgName: e.ORG_NAME,
    secretKey: e.SECRET_KEY,
    secretKeyPrevious: e.SECRET_KEY_PREVIOUS ?? [],
    mail: {
      transport: e.MAIL_TRANSPORT,
      resendApiKey: e.RESEND_API_KEY,
      resendBaseUrl: e.RESEND_BASE_URL,
      resendWebhookSecret: e.RESEND_WEBHOOK_SECRET,
      from: e.MAIL_FROM,
      replyTo: e.MAIL_REPLY_TO,
    },
    sending: { ratePerSecond: e.SEND_RATE_PER_SECOND, batchSize: e.SEND_BATCH_SIZE },
    admin: {
      email: e.ADMIN_EMAIL ?? DEMO_ADMIN_EMAIL,
      password: e.ADMIN_PASSWORD ?? DEMO_ADMIN_PASSWORD,
      isDemo: e.ADMIN_EMAIL === undefined,
    },
    seed: e.SEED ?? (runtime === "node" ? "demo" : "none"),
    breaker: { bounceRate: e.BREAKER_BOUNCE_RATE, complaintRate: e.BREAKER_COMPLAINT_RATE },
    voteLimitPerIpPerMinute: e.VOTE_LIMIT_PER_IP_PER_MINUTE,
    powBits: e.POW_BITS,
    formMinFillMs: e.FORM_MIN_FILL_MS,
    eventRetentionDays: e.EVENT_RETENTION_DAYS,
    reconsentMinDays: e.RECONSENT_MIN_DAYS,
    trustedProxies: e.TRUSTED_PROXIES ?? [],
    embedFrameAncestors: e.EMBED_FRAME_ANCESTORS,
    webhookAllowPrivate: e.WEBHOOK_ALLOW_PRIVATE === "1",
    approvalThreshold: e.APPROVAL_THRESHOLD === "off" ? null : e.APPROVAL_THRESHOLD,
    canary: {
      minRecipients: e.CANARY_MIN_RECIPIENTS,
      percent: e.CANARY_PERCENT,
      holdMinutes: e.CANARY_HOLD_MINUTES,
    },
    orgTimezone: e.ORG_TIMEZONE,
  };
}
