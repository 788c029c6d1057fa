CREATE TABLE `batch_payloads` (
	`batch_id` integer PRIMARY KEY NOT NULL,
	`messages` text NOT NULL,
	FOREIGN KEY (`batch_id`) REFERENCES `send_batches`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `outbox_messages_contact_idx` ON `outbox_messages` (`contact_id`);