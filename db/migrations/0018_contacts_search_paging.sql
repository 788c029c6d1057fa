CREATE INDEX `contacts_name_nocase_idx` ON `contacts` ("name" COLLATE NOCASE);--> statement-breakpoint
CREATE INDEX `list_members_list_idx` ON `list_members` (`list_id`);