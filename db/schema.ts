// The map of Relance's data. Times are ISO 8601 strings (UTC), so they sort and read the same everywhere.
import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

const now = sql`(strftime('%Y-%m-%dT%H:%M:%fZ', 'now'))`;

/** Instance-wide values that must survive restarts (the generated SECRET_KEY on Node). */
export const settings = sqliteTable("settings", {
  key: text("key").primaryKey(),
  value: text("value").notNull(),
});

export const admins = sqliteTable("admins", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  email: text("email").notNull().unique(),
  passwordHash: text("password_hash").notNull(),
  createdAt: text("created_at").notNull().default(now),
});

/** Browser sessions of admins; only a SHA-256 of the cookie value is stored. */
export const adminSessions = sqliteTable(
  "admin_sessions",
  {
    idHash: text("id_hash").primaryKey(),
    adminId: integer("admin_id")
      .notNull()
      .references(() => admins.id, { onDelete: "cascade" }),
    createdAt: text("created_at").notNull(),
    expiresAt: text("expires_at").notNull(),
    revokedAt: text("revoked_at"),
  },
  (t) => [index("admin_sessions_admin_idx").on(t.adminId)],
);

/** Bearer tokens for the JSON API; only a SHA-256 of the token is stored. */
export const apiTokens = sqliteTable(
  "api_tokens",
  {
    tokenHash: text("token_hash").primaryKey(),
    adminId: integer("admin_id")
      .notNull()
      .references(() => admins.id, { onDelete: "cascade" }),
    createdAt: text("created_at").notNull(),
    expiresAt: text("expires_at").notNull(),
    revokedAt: text("revoked_at"),
  },
  (t) => [index("api_tokens_admin_idx").on(t.adminId)],
);

/**
 * Failed sign-ins, keyed by the normalised address typed (known or not), so that the
 * lockout behaves identically for unknown addresses and reveals nothing.
 */
export const loginFailures = sqliteTable(
  "login_failures",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    email: text("email").notNull(),
    at: text("at").notNull(),
  },
  (t) => [index("login_failures_email_at_idx").on(t.email, t.at)],
);

/**
 * Mail kept by the `outbox` transport (the default on Node): what would have been sent, shown in
 * the admin's Mailbox and `GET /api/v1/outbox`, never leaving the machine. Unique per
 * (idempotency key, position), like the provider: a retried batch does not store twice.
 */
export const mailOutbox = sqliteTable(
  "mail_outbox",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    providerId: text("provider_id").notNull().unique(),
    idempotencyKey: text("idempotency_key").notNull(),
    position: integer("position").notNull(),
    to: text("to_address").notNull(),
    from: text("from_address").notNull(),
    replyTo: text("reply_to").notNull(),
    subject: text("subject").notNull(),
    text: text("text").notNull(),
    html: text("html").notNull(),
    headers: text("headers", { mode: "json" }).$type<Record<string, string>>().notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [index("mail_outbox_to_idx").on(t.to, t.id)],
);

/**
 * The kill switch: one row. While `paused` is 1 no provider call starts; the dispatcher reads it
 * before every call. Set by the admin button, the API, or the breaker (`by` = "breaker").
 */
export const sendingState = sqliteTable("sending_state", {
  id: integer("id").primaryKey(),
  paused: integer("paused", { mode: "boolean" }).notNull().default(false),
  reason: text("reason"),
  since: text("since"),
  by: text("by"),
});
