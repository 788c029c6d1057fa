CREATE TABLE `sending_state` (
	`id` integer PRIMARY KEY NOT NULL,
	`paused` integer DEFAULT false NOT NULL,
	`reason` text,
	`since` text,
	`by` text
);
