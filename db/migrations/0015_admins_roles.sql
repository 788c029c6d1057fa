CREATE TABLE `admin_password_links` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`admin_id` integer NOT NULL,
	`purpose` text NOT NULL,
	`created_at` text NOT NULL,
	`expires_at` text NOT NULL,
	`used_at` text,
	FOREIGN KEY (`admin_id`) REFERENCES `admins`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `admin_password_links_admin_idx` ON `admin_password_links` (`admin_id`);--> statement-breakpoint
DROP INDEX `login_failures_email_at_idx`;--> statement-breakpoint
ALTER TABLE `login_failures` ADD `client_hash` text DEFAULT '' NOT NULL;--> statement-breakpoint
CREATE INDEX `login_failures_email_client_idx` ON `login_failures` (`email`,`client_hash`,`id`);--> statement-breakpoint
ALTER TABLE `admins` ADD `role` text DEFAULT 'owner' NOT NULL;--> statement-breakpoint
ALTER TABLE `admins` ADD `removed_at` text;--> statement-breakpoint
ALTER TABLE `api_tokens` ADD `name` text;--> statement-breakpoint
ALTER TABLE `api_tokens` ADD `last_used_at` text;