ALTER TABLE `sending_state` ADD `provider_hold_until` text;--> statement-breakpoint
ALTER TABLE `outbox_messages` DROP COLUMN `payload`;