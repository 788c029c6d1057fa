CREATE TABLE `campaigns` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`list_id` integer NOT NULL,
	`subject` text NOT NULL,
	`text` text NOT NULL,
	`html` text,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`list_id`) REFERENCES `lists`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE TABLE `outbox_messages` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`send_id` integer NOT NULL,
	`contact_id` integer NOT NULL,
	`status` text NOT NULL,
	`batch_id` integer,
	`payload` text,
	`provider_id` text,
	`error` text,
	`outcome` text,
	`outcome_at` text,
	`updated_at` text NOT NULL,
	FOREIGN KEY (`send_id`) REFERENCES `sends`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `outbox_messages_send_contact_idx` ON `outbox_messages` (`send_id`,`contact_id`);--> statement-breakpoint
CREATE INDEX `outbox_messages_send_status_idx` ON `outbox_messages` (`send_id`,`status`,`id`);--> statement-breakpoint
CREATE INDEX `outbox_messages_batch_idx` ON `outbox_messages` (`batch_id`);--> statement-breakpoint
CREATE INDEX `outbox_messages_provider_idx` ON `outbox_messages` (`provider_id`);--> statement-breakpoint
CREATE TABLE `send_batches` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`send_id` integer NOT NULL,
	`idempotency_key` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` text NOT NULL,
	`lease_until` text,
	`first_attempt_at` text,
	`last_error` text,
	`created_at` text NOT NULL,
	FOREIGN KEY (`send_id`) REFERENCES `sends`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE UNIQUE INDEX `send_batches_idempotency_key_unique` ON `send_batches` (`idempotency_key`);--> statement-breakpoint
CREATE INDEX `send_batches_due_idx` ON `send_batches` (`status`,`next_attempt_at`);--> statement-breakpoint
CREATE TABLE `sends` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`kind` text NOT NULL,
	`list_id` integer NOT NULL,
	`campaign_id` integer,
	`status` text NOT NULL,
	`subject` text NOT NULL,
	`deadline` text,
	`text_version` integer NOT NULL,
	`total` integer NOT NULL,
	`excluded` text NOT NULL,
	`created_by` text NOT NULL,
	`created_at` text NOT NULL,
	`finished_at` text,
	`expired_at` text,
	FOREIGN KEY (`list_id`) REFERENCES `lists`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`campaign_id`) REFERENCES `campaigns`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `sends_status_idx` ON `sends` (`status`,`id`);