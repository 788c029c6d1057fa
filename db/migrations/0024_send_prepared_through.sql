ALTER TABLE `sends` ADD `prepared_through` integer;--> statement-breakpoint
ALTER TABLE `sends` ADD `prepared_at` text;--> statement-breakpoint
ALTER TABLE `sends` ADD `prepared_count` integer;