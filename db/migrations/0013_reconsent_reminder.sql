ALTER TABLE `sends` ADD `reminder_days_before` integer;--> statement-breakpoint
ALTER TABLE `sends` ADD `reminder_of` integer REFERENCES sends(id);--> statement-breakpoint
CREATE UNIQUE INDEX `sends_reminder_of_idx` ON `sends` (`reminder_of`);