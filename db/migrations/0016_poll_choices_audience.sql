DROP INDEX `poll_votes_poll_voter_uq`;--> statement-breakpoint
CREATE UNIQUE INDEX `poll_votes_poll_voter_option_uq` ON `poll_votes` (`poll_id`,`voter`,`option_id`);--> statement-breakpoint
ALTER TABLE `polls` ADD `max_choices` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `polls` ADD `audience` text DEFAULT 'public' NOT NULL;--> statement-breakpoint
ALTER TABLE `polls` ADD `list_id` integer REFERENCES lists(id);