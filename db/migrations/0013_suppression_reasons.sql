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
INSERT INTO `suppression_reasons` (`address_hash`, `list_id`, `reason`, `at`, `source`) SELECT `address_hash`, NULL, `reason`, `created_at`, 'kept before every reason was' FROM `suppressions`;--> statement-breakpoint
ALTER TABLE `suppressions` DROP COLUMN `reason`;--> statement-breakpoint
DELETE FROM `login_failures`;
