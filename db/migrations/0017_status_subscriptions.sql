CREATE TABLE `status_lists` (
	`list_id` integer PRIMARY KEY NOT NULL,
	`kind` text NOT NULL,
	`incident_id` integer,
	`ended_at` text,
	FOREIGN KEY (`list_id`) REFERENCES `lists`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`incident_id`) REFERENCES `incidents`(`id`) ON UPDATE no action ON DELETE set null
);
--> statement-breakpoint
CREATE UNIQUE INDEX `status_lists_incident_idx` ON `status_lists` (`incident_id`);--> statement-breakpoint
CREATE TABLE `subscriber_components` (
	`list_id` integer NOT NULL,
	`contact_id` integer NOT NULL,
	`component_slug` text NOT NULL,
	PRIMARY KEY(`list_id`, `contact_id`, `component_slug`),
	FOREIGN KEY (`list_id`) REFERENCES `lists`(`id`) ON UPDATE no action ON DELETE no action,
	FOREIGN KEY (`contact_id`) REFERENCES `contacts`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
ALTER TABLE `incidents` ADD `from_send_id` integer;--> statement-breakpoint
ALTER TABLE `sends` ADD `incident_id` integer;--> statement-breakpoint
ALTER TABLE `sends` ADD `incident_update_id` integer;--> statement-breakpoint
ALTER TABLE `sends` ADD `recipients_of` integer;--> statement-breakpoint
CREATE UNIQUE INDEX `sends_recipients_of_idx` ON `sends` (`recipients_of`);