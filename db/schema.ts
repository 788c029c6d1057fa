// The map of Relance's data. Times are ISO 8601 strings (UTC), so they sort and read the same everywhere.
import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

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
 * Public incidents. `title`, `body` and `postmortem` are Markdown in the primary language
 * (French for the demo); the `*_en` columns hold optional English translations.
 */
export const incidents = sqliteTable("incidents", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  slug: text("slug").notNull().unique(),
  title: text("title").notNull(),
  titleEn: text("title_en"),
  /** investigating | identified | monitoring | resolved: the status of the latest update. */
  status: text("status").notNull(),
  /** none | minor | major | critical */
  impact: text("impact").notNull(),
  body: text("body").notNull(),
  bodyEn: text("body_en"),
  /** Affected services, as a JSON array of names. */
  services: text("services").notNull().default("[]"),
  postmortem: text("postmortem"),
  postmortemEn: text("postmortem_en"),
  createdAt: text("created_at").notNull(),
  updatedAt: text("updated_at").notNull(),
  resolvedAt: text("resolved_at"),
});

/** The timeline of an incident: append-only updates, each with the status it moved to. */
export const incidentUpdates = sqliteTable(
  "incident_updates",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    incidentId: integer("incident_id")
      .notNull()
      .references(() => incidents.id, { onDelete: "cascade" }),
    status: text("status").notNull(),
    body: text("body").notNull(),
    bodyEn: text("body_en"),
    createdAt: text("created_at").notNull(),
  },
  (t) => [index("incident_updates_incident_idx").on(t.incidentId, t.createdAt)],
);

export const polls = sqliteTable("polls", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  slug: text("slug").notNull().unique(),
  question: text("question").notNull(),
  questionEn: text("question_en"),
  /** `always`: results shown to everyone; `after_vote`: only once the visitor voted (or closed). */
  resultsVisibility: text("results_visibility").notNull().default("after_vote"),
  /** Optional automatic closing time. */
  closesAt: text("closes_at"),
  /** Set when an admin closes the poll by hand; cleared when reopened. */
  closedAt: text("closed_at"),
  incidentId: integer("incident_id").references(() => incidents.id, { onDelete: "set null" }),
  createdAt: text("created_at").notNull(),
});

export const pollOptions = sqliteTable(
  "poll_options",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    pollId: integer("poll_id")
      .notNull()
      .references(() => polls.id, { onDelete: "cascade" }),
    position: integer("position").notNull(),
    label: text("label").notNull(),
    labelEn: text("label_en"),
  },
  (t) => [index("poll_options_poll_idx").on(t.pollId, t.position)],
);

/**
 * One row per vote. The unique (poll, voter) key is what makes a double click, a retry or two
 * tabs count once; tallies are always counted from these rows. `voter` is the random id in the
 * signed cookie; `ip_hash` a salted hash, used only to rate-limit, never to deduplicate.
 */
export const pollVotes = sqliteTable(
  "poll_votes",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    pollId: integer("poll_id")
      .notNull()
      .references(() => polls.id, { onDelete: "cascade" }),
    optionId: integer("option_id")
      .notNull()
      .references(() => pollOptions.id, { onDelete: "cascade" }),
    voter: text("voter").notNull(),
    ipHash: text("ip_hash").notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [
    uniqueIndex("poll_votes_poll_voter_uq").on(t.pollId, t.voter),
    index("poll_votes_poll_option_idx").on(t.pollId, t.optionId),
    index("poll_votes_poll_created_idx").on(t.pollId, t.createdAt),
    index("poll_votes_ip_created_idx").on(t.ipHash, t.createdAt),
  ],
);
