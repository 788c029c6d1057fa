ALTER TABLE `sends` ADD `maintenance_id` integer;--> statement-breakpoint
ALTER TABLE `sends` ADD `maintenance_stage` text;