ALTER TABLE `sends` ADD `send_at` text;--> statement-breakpoint
ALTER TABLE `sends` ADD `approved_by` text;--> statement-breakpoint
ALTER TABLE `sends` ADD `approved_at` text;--> statement-breakpoint
ALTER TABLE `sends` ADD `stopped_by` text;--> statement-breakpoint
ALTER TABLE `sends` ADD `stopped_at` text;--> statement-breakpoint
ALTER TABLE `sends` ADD `stop_reason` text;--> statement-breakpoint
ALTER TABLE `sends` ADD `canary_last_message_id` integer;--> statement-breakpoint
ALTER TABLE `sends` ADD `canary_hold_until` text;--> statement-breakpoint
ALTER TABLE `sends` ADD `canary_judged_at` text;