CREATE TABLE `audit_log` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`at` text NOT NULL,
	`actor` text NOT NULL,
	`action` text NOT NULL,
	`list_id` integer,
	`summary` text NOT NULL,
	`details` text
);
--> statement-breakpoint
CREATE INDEX `audit_log_at_idx` ON `audit_log` (`at`);--> statement-breakpoint
CREATE TABLE `consent_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`list_id` integer NOT NULL,
	`contact_id` integer NOT NULL,
	`event` text NOT NULL,
	`at` text NOT NULL,
	`source` text NOT NULL,
	`text_version` integer NOT NULL,
	`ip_hash` text,
	`actor` text NOT NULL,
	FOREIGN KEY (`list_id`) REFERENCES `lists`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `consent_events_member_idx` ON `consent_events` (`list_id`,`contact_id`,`id`);--> statement-breakpoint
CREATE TABLE `contacts` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`email` text,
	`email_key` text,
	`email_hash` text,
	`name` text,
	`attributes` text,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`erased_at` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `contacts_email_key_unique` ON `contacts` (`email_key`);--> statement-breakpoint
CREATE TABLE `import_rows` (
	`import_id` text NOT NULL,
	`email_key` text NOT NULL,
	`line` integer NOT NULL,
	`email` text NOT NULL,
	`email_hash` text NOT NULL,
	`name` text,
	`attributes` text NOT NULL,
	`contact_id` integer,
	`outcome` text,
	PRIMARY KEY(`import_id`, `email_key`)
);
--> statement-breakpoint
CREATE TABLE `list_members` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`list_id` integer NOT NULL,
	`contact_id` integer NOT NULL,
	`status` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`list_id`) REFERENCES `lists`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `list_members_list_contact_idx` ON `list_members` (`list_id`,`contact_id`);--> statement-breakpoint
CREATE INDEX `list_members_list_status_idx` ON `list_members` (`list_id`,`status`);--> statement-breakpoint
CREATE INDEX `list_members_contact_idx` ON `list_members` (`contact_id`);--> statement-breakpoint
CREATE TABLE `list_purposes` (
	`list_id` integer NOT NULL,
	`version` integer NOT NULL,
	`text` text NOT NULL,
	`created_at` text NOT NULL,
	`created_by` text NOT NULL,
	PRIMARY KEY(`list_id`, `version`),
	FOREIGN KEY (`list_id`) REFERENCES `lists`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `lists` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`slug` text NOT NULL,
	`name` text NOT NULL,
	`purpose` text NOT NULL,
	`purpose_version` integer DEFAULT 1 NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`archived_at` text
);
--> statement-breakpoint
CREATE UNIQUE INDEX `lists_slug_unique` ON `lists` (`slug`);--> statement-breakpoint
CREATE TABLE `suppressions` (
	`address_hash` text PRIMARY KEY NOT NULL,
	`reason` text NOT NULL,
	`created_at` text NOT NULL
);
