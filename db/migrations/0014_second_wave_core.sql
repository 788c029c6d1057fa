CREATE TABLE `suppression_reasons` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`address_hash` text NOT NULL,
	`list_id` integer,
	`reason` text NOT NULL,
	`at` text NOT NULL,
	`source` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `suppression_reasons_hash_idx` ON `suppression_reasons` (`address_hash`,`list_id`);--> statement-breakpoint
PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_outbox_messages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`send_id` integer NOT NULL,
	`contact_id` integer,
	`status` text NOT NULL,
	`batch_id` integer,
	`provider_id` text,
	`error` text,
	`outcome` text,
	`outcome_at` text,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`send_id`) REFERENCES `sends`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
INSERT INTO `__new_outbox_messages`("id", "send_id", "contact_id", "status", "batch_id", "provider_id", "error", "outcome", "outcome_at", "updated_at") SELECT "id", "send_id", "contact_id", "status", "batch_id", "provider_id", "error", "outcome", "outcome_at", "updated_at" FROM `outbox_messages`;--> statement-breakpoint
DROP TABLE `outbox_messages`;--> statement-breakpoint
ALTER TABLE `__new_outbox_messages` RENAME TO `outbox_messages`;--> statement-breakpoint
PRAGMA foreign_keys=ON;--> statement-breakpoint
CREATE UNIQUE INDEX `outbox_messages_send_contact_idx` ON `outbox_messages` (`send_id`,`contact_id`);--> statement-breakpoint
CREATE INDEX `outbox_messages_send_status_idx` ON `outbox_messages` (`send_id`,`status`,`id`);--> statement-breakpoint
CREATE INDEX `outbox_messages_batch_idx` ON `outbox_messages` (`batch_id`);--> statement-breakpoint
CREATE INDEX `outbox_messages_contact_idx` ON `outbox_messages` (`contact_id`);--> statement-breakpoint
CREATE INDEX `outbox_messages_provider_idx` ON `outbox_messages` (`provider_id`);--> statement-breakpoint
CREATE INDEX `outbox_messages_outcome_idx` ON `outbox_messages` (`outcome_at`);--> statement-breakpoint
CREATE INDEX `outbox_messages_send_outcome_idx` ON `outbox_messages` (`send_id`,`outcome_at`);--> statement-breakpoint
ALTER TABLE `campaigns` ADD `send_at` text;--> statement-breakpoint
ALTER TABLE `campaigns` ADD `cancelled_at` text;--> statement-breakpoint
ALTER TABLE `sends` ADD `reminder_days_before` integer;--> statement-breakpoint
ALTER TABLE `sends` ADD `reminder_of` integer REFERENCES sends(id);--> statement-breakpoint
ALTER TABLE `sends` ADD `test_recipient` text;--> statement-breakpoint
ALTER TABLE `sends` ADD `retry_of` integer;--> statement-breakpoint
CREATE UNIQUE INDEX `sends_reminder_of_idx` ON `sends` (`reminder_of`);--> statement-breakpoint
CREATE UNIQUE INDEX `sends_campaign_once_idx` ON `sends` (`campaign_id`) WHERE kind = 'campaign' AND retry_of IS NULL;--> statement-breakpoint
INSERT INTO `suppression_reasons` (`address_hash`, `list_id`, `reason`, `at`, `source`) SELECT `address_hash`, NULL, `reason`, `created_at`, 'kept before every reason was' FROM `suppressions`;--> statement-breakpoint
ALTER TABLE `suppressions` DROP COLUMN `reason`;--> statement-breakpoint
DELETE FROM `login_failures`;