// The map of Relance's data. Times are ISO 8601 strings (UTC), so they sort and read the same everywhere.
import { sql } from "drizzle-orm";
import {
  type AnySQLiteColumn,
  index,
  integer,
  primaryKey,
  sqliteTable,
  text,
  uniqueIndex,
} from "drizzle-orm/sqlite-core";
import { CONSENT_STATES } from "../src/consent/states";
import { LANGS } from "../src/i18n";

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
  /** owner | sender | editor | viewer (src/auth/roles.ts); the admin that existed before roles is the owner. */
  role: text("role", { enum: ["owner", "sender", "editor", "viewer"] })
    .notNull()
    .default("owner"),
  /** Set when an owner removes the admin: the row stays for the audit trail, nothing works for it. */
  removedAt: text("removed_at"),
  /**
   * The TOTP secret (RFC 6238), sealed with a key derived from SECRET_KEY (src/keys/sealed.ts),
   * never in clear; set when the admin starts turning two-step sign-in on.
   */
  totpSecret: text("totp_secret"),
  /** When two-step sign-in was confirmed with a first code; null while off. */
  totpEnabledAt: text("totp_enabled_at"),
  /** The last 30-second step a code was accepted for: a code is never accepted twice. */
  totpLastStep: integer("totp_last_step"),
});

/** One-time recovery codes of an admin's two-step sign-in: only a SHA-256 of each is kept. */
export const adminRecoveryCodes = sqliteTable(
  "admin_recovery_codes",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    adminId: integer("admin_id")
      .notNull()
      .references(() => admins.id),
    codeHash: text("code_hash").notNull(),
    usedAt: text("used_at"),
  },
  (t) => [uniqueIndex("admin_recovery_codes_admin_code_uq").on(t.adminId, t.codeHash)],
);

/**
 * One-time links that set an admin's password: an invitation (owner) or a reset (the server
 * command). Only a SHA-256 of the link's token is stored; a link works once, before expires_at.
 */
export const adminPasswordLinks = sqliteTable(
  "admin_password_links",
  {
    tokenHash: text("token_hash").primaryKey(),
    adminId: integer("admin_id")
      .notNull()
      .references(() => admins.id, { onDelete: "cascade" }),
    purpose: text("purpose", { enum: ["invite", "reset"] }).notNull(),
    createdAt: text("created_at").notNull(),
    expiresAt: text("expires_at").notNull(),
    usedAt: text("used_at"),
  },
  (t) => [index("admin_password_links_admin_idx").on(t.adminId)],
);

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
    /** What the admin called it ("CI", "laptop"); shown in the token list. */
    name: text("name"),
    /** Updated at most once a minute, so a busy script does not write on every call. */
    lastUsedAt: text("last_used_at"),
  },
  (t) => [index("api_tokens_admin_idx").on(t.adminId)],
);

/**
 * Sign-in attempts that failed or are being checked, keyed by a salted hash of the normalised
 * address typed (known or not, so the lockout reveals nothing and no typed address is kept;
 * `email` holds that hash) and the salted hash of the client address (so someone elsewhere cannot
 * lock the owner out). A row is written before the password is checked and deleted when it was
 * right: parallel attempts each see the ones before them.
 */
export const loginFailures = sqliteTable(
  "login_failures",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    email: text("email").notNull(),
    at: text("at").notNull(),
    clientHash: text("client_hash").notNull().default(""),
  },
  (t) => [index("login_failures_email_client_idx").on(t.email, t.clientHash, t.id)],
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
  /**
   * No provider call starts before this time: the provider answered 429 with `retry-after`, which
   * speaks for the whole account, so every dispatcher (every consumer, every isolate) waits.
   */
  providerHoldUntil: text("provider_hold_until"),
});
// ---- Lists, contacts and the consent ledger -------------------------------------------------

/** A mailing list. `purpose` is what subscribers consent to; each change is a new version. */
export const lists = sqliteTable("lists", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  slug: text("slug").notNull().unique(),
  name: text("name").notNull(),
  purpose: text("purpose").notNull(),
  purposeVersion: integer("purpose_version").notNull().default(1),
  createdAt: text("created_at").notNull(),
  updatedAt: text("updated_at").notNull(),
  archivedAt: text("archived_at"),
  /** When this year's re-registrations close (participants may edit until then); null: open. */
  registrationsCloseAt: text("registrations_close_at"),
});

/** Every purpose text a list ever had: what a consent event's `text_version` refers to. */
export const listPurposes = sqliteTable(
  "list_purposes",
  {
    listId: integer("list_id")
      .notNull()
      .references(() => lists.id),
    version: integer("version").notNull(),
    text: text("text").notNull(),
    createdAt: text("created_at").notNull(),
    createdBy: text("created_by").notNull(),
  },
  (t) => [primaryKey({ columns: [t.listId, t.version] })],
);

/**
 * A person, known by one address. `emailKey` (lower-cased, ASCII domain) makes addresses
 * compare case-insensitively; `emailHash` is its HMAC, what suppression is keyed by. Erasure
 * nulls every personal column and keeps the row, so the ledger still points somewhere.
 */
export const contacts = sqliteTable(
  "contacts",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    email: text("email"),
    emailKey: text("email_key").unique(),
    emailHash: text("email_hash"),
    name: text("name"),
    attributes: text("attributes", { mode: "json" }).$type<Record<string, string>>(),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
    erasedAt: text("erased_at"),
  },
  (t) => [
    // A search by the start of a name (`name LIKE 'text%'`, which ignores ASCII case as NOCASE does).
    index("contacts_name_nocase_idx").on(sql`${t.name} COLLATE NOCASE`),
  ],
);

/**
 * A contact on a list with its current consent state, kept equal to what consent_events say
 * (both are written in the same batch). The id only grows, so it is the stable paging key.
 */
export const listMembers = sqliteTable(
  "list_members",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    listId: integer("list_id")
      .notNull()
      .references(() => lists.id),
    contactId: integer("contact_id")
      .notNull()
      .references(() => contacts.id),
    status: text("status", { enum: CONSENT_STATES }).notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("list_members_list_contact_idx").on(t.listId, t.contactId),
    index("list_members_list_status_idx").on(t.listId, t.status),
    // A list's members in id order (its rowids), for keyset paging without sorting the list.
    index("list_members_list_idx").on(t.listId),
    // The contacts table sorted by last change, of the list or of one state (ties by rowid).
    index("list_members_list_updated_idx").on(t.listId, t.updatedAt),
    index("list_members_list_status_updated_idx").on(t.listId, t.status, t.updatedAt),
    index("list_members_contact_idx").on(t.contactId),
  ],
);

/** The append-only consent ledger: never updated, never deleted. */
export const consentEvents = sqliteTable(
  "consent_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    listId: integer("list_id")
      .notNull()
      .references(() => lists.id),
    contactId: integer("contact_id")
      .notNull()
      .references(() => contacts.id),
    event: text("event").notNull(),
    at: text("at").notNull(),
    source: text("source").notNull(),
    textVersion: integer("text_version").notNull(),
    ipHash: text("ip_hash"),
    actor: text("actor").notNull(),
    /** The browser family that answered (proof of a participant's own click), when known. */
    uaFamily: text("ua_family"),
  },
  (t) => [index("consent_events_member_idx").on(t.listId, t.contactId, t.id)],
);

/**
 * Addresses that must never be invited, mailed or re-imported on any list, kept only as salted
 * hashes: the row eligibility checks. It exists while at least one reason for every list does
 * (`suppression_reasons`, which holds every reason, list-scoped ones too).
 */
export const suppressions = sqliteTable(
  "suppressions",
  {
    addressHash: text("address_hash").primaryKey(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [index("suppressions_created_idx").on(t.createdAt)],
);

/**
 * Every reason an address hash was suppressed for, with when and by what: `list_id` null means
 * every list (and then the hash is in `suppressions` too), else that list only (an expiry).
 * Appended, never updated; lifting removes the liftable reasons.
 */
export const suppressionReasons = sqliteTable(
  "suppression_reasons",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    addressHash: text("address_hash").notNull(),
    listId: integer("list_id"),
    reason: text("reason").notNull(),
    at: text("at").notNull(),
    source: text("source").notNull(),
    /**
     * Which SECRET_KEY the hash was made under (the start of its fingerprint, see src/keys/);
     * null for rows written since the last start, which are under the current key. Tells what a
     * rotation has not re-keyed yet (`npm run admin -- rotate-report`).
     */
    keyId: text("key_id"),
  },
  (t) => [
    index("suppression_reasons_hash_idx").on(t.addressHash, t.listId),
    index("suppression_reasons_key_idx").on(t.keyId),
  ],
);

/**
 * Rows of an import in progress: a file is staged here first and applied in one batch, so a
 * file found malformed halfway changes nothing. Emptied when the import ends.
 */
export const importRows = sqliteTable(
  "import_rows",
  {
    importId: integer("import_id").notNull(),
    emailKey: text("email_key").notNull(),
    line: integer("line").notNull(),
    email: text("email").notNull(),
    emailHash: text("email_hash").notNull(),
    name: text("name"),
    attributes: text("attributes").notNull(),
    contactId: integer("contact_id"),
    outcome: text("outcome"),
  },
  (t) => [primaryKey({ columns: [t.importId, t.emailKey] })],
);

/** Who did what to how many: imports, bulk actions, exports, edits. */
export const auditLog = sqliteTable(
  "audit_log",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    at: text("at").notNull(),
    actor: text("actor").notNull(),
    action: text("action").notNull(),
    listId: integer("list_id"),
    summary: text("summary").notNull(),
    details: text("details", { mode: "json" }).$type<Record<string, unknown>>(),
  },
  (t) => [index("audit_log_at_idx").on(t.at)],
);

/** A campaign: what an admin writes for the confirmed members of one list. */
export const campaigns = sqliteTable("campaigns", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  listId: integer("list_id")
    .notNull()
    .references(() => lists.id),
  subject: text("subject").notNull(),
  text: text("text").notNull(),
  html: text("html"),
  /** The language of this main version; contacts of another language without their version get it. */
  lang: text("lang", { enum: LANGS }).notNull().default("fr"),
  /** When a scheduled campaign is due; the periodic job starts it then. Null: a draft. */
  sendAt: text("send_at"),
  /** Set when a scheduled campaign is called off before it went. */
  cancelledAt: text("cancelled_at"),
  createdBy: text("created_by").notNull(),
  createdAt: text("created_at").notNull(),
  updatedAt: text("updated_at").notNull(),
});

/** A campaign's version in another language than its main one: at most one per language. */
export const campaignVersions = sqliteTable(
  "campaign_versions",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    campaignId: integer("campaign_id")
      .notNull()
      .references(() => campaigns.id),
    lang: text("lang", { enum: LANGS }).notNull(),
    subject: text("subject").notNull(),
    text: text("text").notNull(),
    html: text("html"),
  },
  (t) => [uniqueIndex("campaign_versions_campaign_lang_uq").on(t.campaignId, t.lang)],
);

/** The life of a send (BRIEF "Sends and campaigns"); only `queued` and `sending` are dispatched. */
export const SEND_STATUSES = [
  "preparing",
  "scheduled",
  "awaiting_approval",
  "canary_hold",
  "queued",
  "sending",
  "paused",
  "done",
  "cancelled",
  "rejected",
] as const;

/**
 * One sending of a re-consent invitation, a campaign or a poll invitation to one list, with its
 * audit: who started it, when, how many it reached and how many were excluded, and why.
 */
/**
 * What a maintenance notice tells: it was scheduled, it began, it was changed, it was called off
 * before it began, or it was ended early.
 */
export const MAINTENANCE_STAGES = [
  "scheduled",
  "in_progress",
  "updated",
  "cancelled",
  "completed",
] as const;
export type MaintenanceStage = (typeof MAINTENANCE_STAGES)[number];

export const sends = sqliteTable(
  "sends",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    kind: text("kind", {
      enum: [
        "reconsent",
        "campaign",
        "subscribe",
        "reminder",
        "test",
        "incident",
        "poll",
        "preferences_link",
      ],
    }).notNull(),
    listId: integer("list_id")
      .notNull()
      .references(() => lists.id),
    campaignId: integer("campaign_id").references(() => campaigns.id),
    status: text("status", { enum: SEND_STATUSES }).notNull(),
    subject: text("subject").notNull(),
    /** Re-consent only: when unanswered invitations expire. */
    deadline: text("deadline"),
    textVersion: integer("text_version").notNull(),
    total: integer("total").notNull(),
    excluded: text("excluded", { mode: "json" }).$type<Record<string, number>>().notNull(),
    createdBy: text("created_by").notNull(),
    createdAt: text("created_at").notNull(),
    finishedAt: text("finished_at"),
    /** Re-consent only: when the deadline job expired the unanswered invitations. */
    expiredAt: text("expired_at"),
    /** Re-consent only: the one reminder goes this many days before the deadline (none if null). */
    reminderDaysBefore: integer("reminder_days_before"),
    /** Reminder only: the re-consent send it reminds of; unique, so a reminder goes once. */
    reminderOf: integer("reminder_of").references((): AnySQLiteColumn => sends.id),
    /**
     * Test sends only: the one address (not a contact) the test goes to; forgotten once the send
     * is finished.
     */
    testRecipient: text("test_recipient"),
    /** Test sends only: the language of the campaign's version the test shows. */
    testLang: text("test_lang", { enum: LANGS }),
    /** A resend to the failed recipients of this earlier send. */
    retryOf: integer("retry_of"),
    /** Incident notices only: the incident the notice is about. */
    incidentId: integer("incident_id"),
    /** Incident notices only: the update it tells (null: the incident was just declared). */
    incidentUpdateId: integer("incident_update_id"),
    /** Maintenance notices only (kind `incident`, no incident): the maintenance they tell of. */
    maintenanceId: integer("maintenance_id"),
    /** Maintenance notices only: the moment told (see MAINTENANCE_STAGES). */
    maintenanceStage: text("maintenance_stage", { enum: MAINTENANCE_STAGES }),
    /**
     * Incident notices only: the earlier send whose recipients alone this notice reaches (an
     * incident declared from a send); unique, so those recipients are told once.
     */
    recipientsOf: integer("recipients_of"),
    /** A scheduled send: when its recipients are enqueued and it starts. */
    sendAt: text("send_at"),
    /** The second admin who approved a send that reached APPROVAL_THRESHOLD, and when. */
    approvedBy: text("approved_by"),
    approvedAt: text("approved_at"),
    /** Who rejected, cancelled or paused the send, when, and why (`canary` for a failed canary). */
    stoppedBy: text("stopped_by"),
    stoppedAt: text("stopped_at"),
    stopReason: text("stop_reason"),
    /** Canary sends: the canary is every outbox row of the send up to this id (chosen at random). */
    canaryLastMessageId: integer("canary_last_message_id"),
    /** When the canary's hold ends (set once the canary's messages have all been called). */
    canaryHoldUntil: text("canary_hold_until"),
    /** When the canary was judged at the end of its hold, whatever the verdict. */
    canaryJudgedAt: text("canary_judged_at"),
    /** Poll invitations only: the invite-only poll whose voting links the messages carry. */
    pollId: integer("poll_id").references((): AnySQLiteColumn => polls.id),
    /**
     * While `preparing`: the list member id up to which recipients are enqueued (chunks go in
     * member id order), and when the last chunk was written (a preparation idle too long resumes).
     */
    preparedThrough: integer("prepared_through"),
    preparedAt: text("prepared_at"),
    /** While `preparing`: how many outbox rows are written so far (counting them would be slow). */
    preparedCount: integer("prepared_count"),
    /**
     * While an approved send is `preparing` its invitations (a re-consent or reminder that waited
     * for approval, its rows already written): the outbox row id up to which they are recorded.
     * Once a re-consent send is `cancelled`: the outbox row id up to which the invitations that
     * never left have been withdrawn (sending/uninvite.ts); null when that is finished.
     */
    invitedThrough: integer("invited_through"),
  },
  (t) => [
    index("sends_status_idx").on(t.status, t.id),
    uniqueIndex("sends_reminder_of_idx").on(t.reminderOf),
    uniqueIndex("sends_recipients_of_idx").on(t.recipientsOf),
    // A campaign is sent once: two concurrent sends of it cannot both be recorded.
    uniqueIndex("sends_campaign_once_idx")
      .on(t.campaignId)
      .where(sql`kind = 'campaign' AND retry_of IS NULL`),
    // A poll is invited once: two concurrent invitations of it cannot both be recorded.
    uniqueIndex("sends_poll_once_idx").on(t.pollId).where(sql`kind = 'poll'`),
  ],
);

/**
 * The outbox: one row per message, unique per (send, contact), so a send can never mail a contact
 * twice. A row stays small: what it says once rendered is stored with its batch
 * (`batch_payloads`), written once when the row joins the batch and never changed while the batch
 * may be retried, so a retried batch is byte-identical under the same Idempotency-Key.
 */
export const outboxMessages = sqliteTable(
  "outbox_messages",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    sendId: integer("send_id")
      .notNull()
      .references(() => sends.id),
    /** Null only for a test send's one message, whose recipient is not a contact. */
    contactId: integer("contact_id").references(() => contacts.id),
    status: text("status", {
      enum: ["queued", "claimed", "sent", "failed", "suppressed"],
    }).notNull(),
    batchId: integer("batch_id"),
    providerId: text("provider_id"),
    error: text("error"),
    /** What the provider's webhooks said afterwards (feeds the breaker). */
    outcome: text("outcome", { enum: ["delivered", "bounced", "complained"] }),
    outcomeAt: text("outcome_at"),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [
    uniqueIndex("outbox_messages_send_contact_idx").on(t.sendId, t.contactId),
    index("outbox_messages_send_status_idx").on(t.sendId, t.status, t.id),
    index("outbox_messages_batch_idx").on(t.batchId),
    // Erasure and the participant's export look a contact's messages up.
    index("outbox_messages_contact_idx").on(t.contactId),
    index("outbox_messages_provider_idx").on(t.providerId),
    index("outbox_messages_outcome_idx").on(t.outcomeAt),
    // The breaker reads a send's latest 500 outcomes after every webhook.
    index("outbox_messages_send_outcome_idx").on(t.sendId, t.outcomeAt),
  ],
);

/**
 * A provider call: up to SEND_BATCH_SIZE outbox rows, fixed once claimed, with the
 * Idempotency-Key derived from those row ids. A retry reuses the key and the payload.
 */
export const sendBatches = sqliteTable(
  "send_batches",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    sendId: integer("send_id")
      .notNull()
      .references(() => sends.id),
    idempotencyKey: text("idempotency_key").notNull().unique(),
    status: text("status", { enum: ["pending", "sent", "failed"] }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    nextAttemptAt: text("next_attempt_at").notNull(),
    /** While a dispatcher is calling the provider for this batch; others leave it alone. */
    leaseUntil: text("lease_until"),
    firstAttemptAt: text("first_attempt_at"),
    lastError: text("last_error"),
    createdAt: text("created_at").notNull(),
  },
  (t) => [index("send_batches_due_idx").on(t.status, t.nextAttemptAt)],
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
  /** Declared from this send (its page's "Declare an incident"): the send the facts came from. */
  fromSendId: integer("from_send_id"),
});

/**
 * The system lists of the status page: the page's own list (`incident_id` null: everyone who
 * asked for every update) and one list per followed incident. Their members are contacts like
 * any other, so export, erasure and suppression work on them unchanged.
 */
export const statusLists = sqliteTable(
  "status_lists",
  {
    listId: integer("list_id")
      .primaryKey()
      .references(() => lists.id),
    /** `page`: the one list of every update; `follow`: the followers of one incident. */
    kind: text("kind", { enum: ["page", "follow"] }).notNull(),
    incidentId: integer("incident_id").references(() => incidents.id, { onDelete: "set null" }),
    /** A follow list: when it ended, 7 days after its incident was resolved. */
    endedAt: text("ended_at"),
  },
  (t) => [uniqueIndex("status_lists_incident_idx").on(t.incidentId)],
);

/**
 * The components a page subscriber chose (none: every update). The notice of an incident that
 * names components reaches only those who chose one of them, or none.
 */
export const subscriberComponents = sqliteTable(
  "subscriber_components",
  {
    listId: integer("list_id")
      .notNull()
      .references(() => lists.id),
    contactId: integer("contact_id")
      .notNull()
      .references(() => contacts.id),
    componentSlug: text("component_slug").notNull(),
  },
  (t) => [primaryKey({ columns: [t.listId, t.contactId, t.componentSlug] })],
);

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

/** Optional headings the status page groups components under, in `position` order. */
export const componentGroups = sqliteTable("component_groups", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  name: text("name").notNull().unique(),
  position: integer("position").notNull().default(0),
});

export const COMPONENT_STATUSES = [
  "operational",
  "degraded",
  "partial_outage",
  "major_outage",
  "maintenance",
] as const;

/** A named service shown on the status page, with its current status and when that began. */
export const components = sqliteTable("components", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  slug: text("slug").notNull().unique(),
  name: text("name").notNull(),
  description: text("description"),
  groupId: integer("group_id").references(() => componentGroups.id, { onDelete: "set null" }),
  position: integer("position").notNull().default(0),
  status: text("status", { enum: COMPONENT_STATUSES }).notNull().default("operational"),
  statusSince: text("status_since").notNull(),
  createdAt: text("created_at").notNull(),
  updatedAt: text("updated_at").notNull(),
});

/** Every status a component entered, and when: the 90-day history strip is read from it. */
export const componentStatusChanges = sqliteTable(
  "component_status_changes",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    componentId: integer("component_id")
      .notNull()
      .references(() => components.id, { onDelete: "cascade" }),
    status: text("status", { enum: COMPONENT_STATUSES }).notNull(),
    at: text("at").notNull(),
  },
  (t) => [index("component_status_changes_component_idx").on(t.componentId, t.at)],
);

/** The components an incident affects, and the status it holds each in while it is open. */
export const incidentComponents = sqliteTable(
  "incident_components",
  {
    incidentId: integer("incident_id")
      .notNull()
      .references(() => incidents.id, { onDelete: "cascade" }),
    componentId: integer("component_id")
      .notNull()
      .references(() => components.id, { onDelete: "cascade" }),
    status: text("status", { enum: COMPONENT_STATUSES }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.incidentId, t.componentId] }),
    index("incident_components_component_idx").on(t.componentId),
  ],
);

/** Scheduled maintenance: moves scheduled → in_progress → completed by the clock (src/status/maintenance.ts). */
export const maintenances = sqliteTable(
  "maintenances",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    title: text("title").notNull(),
    body: text("body").notNull(),
    startsAt: text("starts_at").notNull(),
    endsAt: text("ends_at").notNull(),
    /** `cancelled`: called off before it began (one called off while in progress is `completed`). */
    status: text("status", { enum: ["scheduled", "in_progress", "completed", "cancelled"] })
      .notNull()
      .default("scheduled"),
    /** Whether subscribers are told (the subscriptions part reads it); off is allowed. */
    notify: integer("notify", { mode: "boolean" }).notNull().default(true),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [index("maintenances_status_idx").on(t.status, t.startsAt)],
);

export const maintenanceComponents = sqliteTable(
  "maintenance_components",
  {
    maintenanceId: integer("maintenance_id")
      .notNull()
      .references(() => maintenances.id, { onDelete: "cascade" }),
    componentId: integer("component_id")
      .notNull()
      .references(() => components.id, { onDelete: "cascade" }),
  },
  (t) => [
    primaryKey({ columns: [t.maintenanceId, t.componentId] }),
    index("maintenance_components_component_idx").on(t.componentId),
  ],
);

export const polls = sqliteTable("polls", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  slug: text("slug").notNull().unique(),
  question: text("question").notNull(),
  questionEn: text("question_en"),
  /**
   * Who sees the results: `always` everyone; `after_vote` a visitor once they voted (everyone once
   * closed); `after_close` nobody until the poll is closed.
   */
  resultsVisibility: text("results_visibility", { enum: ["always", "after_vote", "after_close"] })
    .notNull()
    .default("after_vote"),
  /** How many answers one voter may choose (1: a single choice, radio buttons). */
  maxChoices: integer("max_choices").notNull().default(1),
  /** `public`: anyone may vote; `list`: only the people invited from `list_id`. */
  audience: text("audience", { enum: ["public", "list"] })
    .notNull()
    .default("public"),
  listId: integer("list_id").references(() => lists.id, { onDelete: "set null" }),
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
 * One row per chosen answer of a ballot (one row for a single-choice poll). A ballot is written
 * in one statement that checks the voter has none yet, and the unique (poll, voter, option) key
 * backs it: a double click, a retry or two tabs count once; tallies are always counted from these
 * rows. `voter` is the random id in the signed cookie; `ip_hash` a salted hash, used only to
 * rate-limit, never to deduplicate.
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
    uniqueIndex("poll_votes_poll_voter_option_uq").on(t.pollId, t.voter, t.optionId),
    index("poll_votes_poll_option_idx").on(t.pollId, t.optionId),
    index("poll_votes_poll_created_idx").on(t.pollId, t.createdAt),
    index("poll_votes_ip_created_idx").on(t.ipHash, t.createdAt),
  ],
);

/**
 * Abuse limits that must hold across processes and Worker isolates: hits per (key, window). The
 * key holds a salted hash of the client's address, never the address (or, for `lost-link:` keys,
 * a keyed hash of the email address asked about: at most one preferences link a day).
 */
export const rateLimitHits = sqliteTable(
  "rate_limit_hits",
  {
    key: text("key").notNull(),
    windowStart: integer("window_start").notNull(),
    hits: integer("hits").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.key, t.windowStart] }),
    index("rate_limit_hits_window_idx").on(t.windowStart),
  ],
);

// ---- Participants ---------------------------------------------------------------------------

/**
 * A participant's entry for this year's contest on one list, filled in after confirming:
 * one per (list, contact), edited in place until the list's registrations close. Deleted when
 * the contact is erased.
 */
export const registrations = sqliteTable(
  "registrations",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    listId: integer("list_id")
      .notNull()
      .references(() => lists.id),
    contactId: integer("contact_id")
      .notNull()
      .references(() => contacts.id),
    data: text("data", { mode: "json" }).$type<Record<string, string>>().notNull(),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [uniqueIndex("registrations_list_contact_idx").on(t.listId, t.contactId)],
);

// ---- Provider webhooks ----------------------------------------------------------------------

export const WEBHOOK_EVENT_KINDS = [
  "delivered",
  "bounced",
  "bounced_transient",
  "complained",
  "failed",
  "suppressed",
  "received",
  "other",
] as const;

/**
 * Every signed webhook the provider sent: the raw body as received, what it meant here (`kind`),
 * the message it refers to when known, and what Relance did (`effect`). These rows are also the
 * message events the deliverability pages read. Unique per svix-id, so a replay changes nothing;
 * pruned after EVENT_RETENTION_DAYS (consent events and suppressions are kept).
 */
export const webhookEvents = sqliteTable(
  "webhook_events",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    svixId: text("svix_id").notNull().unique(),
    type: text("type").notNull(),
    kind: text("kind", { enum: WEBHOOK_EVENT_KINDS }).notNull(),
    /** The provider's email id (`data.email_id`), when the event has one. */
    providerId: text("provider_id"),
    /** The outbox message with that provider id; null when none is known (the event is kept). */
    messageId: integer("message_id"),
    sendId: integer("send_id"),
    contactId: integer("contact_id"),
    effect: text("effect").notNull(),
    payload: text("payload").notNull(),
    receivedAt: text("received_at").notNull(),
  },
  (t) => [
    index("webhook_events_received_idx").on(t.receivedAt),
    index("webhook_events_kind_idx").on(t.kind, t.id),
    index("webhook_events_contact_idx").on(t.contactId, t.kind, t.receivedAt),
  ],
);

/**
 * When each provider call started (ms since the epoch, database time), for the rate limit shared
 * by every dispatcher on Workers: one atomic INSERT … SELECT … WHERE admits a call only while the
 * current window holds fewer than the allowed calls. Rows older than a minute are pruned.
 */
export const providerCalls = sqliteTable(
  "provider_calls",
  {
    id: integer("id").primaryKey(),
    startedAt: integer("started_at").notNull(),
  },
  (t) => [index("provider_calls_started_idx").on(t.startedAt)],
);

/**
 * A mail rendered once for a send, with marks where each message has its own values: each part
 * is split at the marks, odd items naming the slot (an index into `slots`) whose value goes there.
 */
export type MailTemplate = {
  slots: string[];
  subject: string[];
  text: string[];
  html: string[];
};

/** One message of a batch as stored: its outbox row, the template it fills in and its own values. */
export type StoredMessage = { id: number; to: string; t: string; v: string[] };

/**
 * The messages of a batch, in one row written when the batch is claimed and never rewritten
 * while the batch may be retried: a retry sends exactly these messages under the same
 * Idempotency-Key. Each message is its template's key and its own values (name, links), the
 * templates (one per language and wording, rendered once per send) being stored beside them, so
 * a batch stores about a fifth of what its rendered mail weighs; filling a template in gives the
 * very strings a full render gives. Storing them per batch rather than per outbox row keeps the
 * outbox rows small, so claiming a batch and recording its outcome rewrite small rows only. Kept
 * with the send (the participant's export lists the messages sent to them); erasing a contact
 * removes their message once its batch is finished.
 */
export const batchPayloads = sqliteTable("batch_payloads", {
  batchId: integer("batch_id")
    .primaryKey()
    .references(() => sendBatches.id),
  messages: text("messages", { mode: "json" }).$type<StoredMessage[]>().notNull(),
  /** The templates the messages fill in, by key (never null since Relance stores only these). */
  templates: text("templates", { mode: "json" }).$type<Record<string, MailTemplate>>(),
});

/**
 * Outgoing webhooks (src/webhooks-out/): URLs an owner registered to receive incident,
 * maintenance and component events, signed with the Standard Webhooks scheme under `secret`.
 */
export const webhookEndpoints = sqliteTable("webhook_endpoints", {
  id: integer("id").primaryKey({ autoIncrement: true }),
  url: text("url").notNull(),
  /** Event types or patterns (`incident.*`, `*`), as a JSON array. */
  events: text("events", { mode: "json" }).$type<string[]>().notNull(),
  /** `whsec_…`: kept to sign each delivery; shown to the owner once, at registration. */
  secret: text("secret").notNull(),
  createdBy: text("created_by").notNull(),
  createdAt: text("created_at").notNull(),
});

/**
 * The durable queue and log of deliveries: one row per (endpoint, event), retried with
 * exponential backoff until delivered or out of attempts; deleted with its endpoint.
 */
export const webhookDeliveries = sqliteTable(
  "webhook_deliveries",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    endpointId: integer("endpoint_id")
      .notNull()
      .references(() => webhookEndpoints.id, { onDelete: "cascade" }),
    /** The `webhook-id` header: the same on every attempt, so the receiver can deduplicate. */
    messageId: text("message_id").notNull(),
    eventType: text("event_type").notNull(),
    /** The JSON body exactly as signed and sent: `{type, timestamp, data}`. */
    payload: text("payload").notNull(),
    /** pending | delivered | failed */
    status: text("status", { enum: ["pending", "delivered", "failed"] }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    /** When the next attempt may start (also a lease: a claimed row is pushed ahead). */
    nextAttemptAt: text("next_attempt_at").notNull(),
    lastStatus: integer("last_status"),
    lastError: text("last_error"),
    createdAt: text("created_at").notNull(),
    deliveredAt: text("delivered_at"),
  },
  (t) => [
    index("webhook_deliveries_due_idx").on(t.status, t.nextAttemptAt),
    index("webhook_deliveries_endpoint_idx").on(t.endpointId, t.id),
  ],
);
