ALTER TABLE `sends` ADD `poll_id` integer REFERENCES polls(id);--> statement-breakpoint
CREATE UNIQUE INDEX `sends_poll_once_idx` ON `sends` (`poll_id`) WHERE kind = 'poll';