CREATE TABLE `provider_calls` (
	`id` integer PRIMARY KEY NOT NULL,
	`started_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `provider_calls_started_idx` ON `provider_calls` (`started_at`);