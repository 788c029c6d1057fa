// What the admins pages and API accept (zod at the edge), and the status of each domain refusal.
import { z } from "zod";
import type { AdminError } from "./service";

export const ROLE_NAMES = ["owner", "sender", "editor", "viewer"] as const;

export const roleField = z.enum(ROLE_NAMES, { error: "one of owner, sender, editor, viewer" });

export const invitation = z.object({
  email: z.email("an email address such as ana@example.org").max(320, "too long"),
  role: roleField,
});

export const roleChange = z.object({ role: roleField });

export const newPassword = z
  .string({ error: "Choose a password." })
  .min(8, "At least 8 characters.")
  .max(1000, "At most 1000 characters.");

export const passwordChange = z.object({
  current_password: z.string().min(1, "Enter your current password.").max(1000),
  new_password: newPassword,
});

/** The HTTP status of each refusal of the admins service (same on pages and API). */
export const ADMIN_ERROR_STATUS = {
  exists: 409,
  not_found: 404,
  last_owner: 409,
} as const satisfies Record<AdminError["kind"], number>;
