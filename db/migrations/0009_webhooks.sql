CREATE TABLE `webhook_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`svix_id` text NOT NULL,
	`type` text NOT NULL,
	`kind` text NOT NULL,
	`provider_id` text,
	`message_id` integer,
	`send_id` integer,
	`contact_id` integer,
	`effect` text NOT NULL,
	`payload` text NOT NULL,
	`received_at` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `webhook_events_svix_id_unique` ON `webhook_events` (`svix_id`);--> statement-breakpoint
CREATE INDEX `webhook_events_received_idx` ON `webhook_events` (`received_at`);--> statement-breakpoint
CREATE INDEX `webhook_events_kind_idx` ON `webhook_events` (`kind`,`id`);--> statement-breakpoint
CREATE INDEX `webhook_events_contact_idx` ON `webhook_events` (`contact_id`,`kind`,`received_at`);--> statement-breakpoint
CREATE INDEX `outbox_messages_outcome_idx` ON `outbox_messages` (`outcome_at`);--> statement-breakpoint
CREATE INDEX `outbox_messages_send_outcome_idx` ON `outbox_messages` (`send_id`,`outcome_at`);--> statement-breakpoint
CREATE INDEX `suppressions_created_idx` ON `suppressions` (`created_at`);