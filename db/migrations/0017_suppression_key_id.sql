ALTER TABLE `suppression_reasons` ADD `key_id` text;--> statement-breakpoint
CREATE INDEX `suppression_reasons_key_idx` ON `suppression_reasons` (`key_id`);