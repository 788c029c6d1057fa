PRAGMA foreign_keys=OFF;--> statement-breakpoint
CREATE TABLE `__new_import_rows` (
	`import_id` integer NOT NULL,
	`email_key` text NOT NULL,
	`line` integer NOT NULL,
	`email` text NOT NULL,
	`email_hash` text NOT NULL,
	`name` text,
	`attributes` text NOT NULL,
	`contact_id` integer,
	`outcome` text,
	PRIMARY KEY(`import_id`, `email_key`)
);
--> statement-breakpoint
INSERT INTO `__new_import_rows`("import_id", "email_key", "line", "email", "email_hash", "name", "attributes", "contact_id", "outcome") SELECT "import_id", "email_key", "line", "email", "email_hash", "name", "attributes", "contact_id", "outcome" FROM `import_rows`;--> statement-breakpoint
DROP TABLE `import_rows`;--> statement-breakpoint
ALTER TABLE `__new_import_rows` RENAME TO `import_rows`;--> statement-breakpoint
PRAGMA foreign_keys=ON;