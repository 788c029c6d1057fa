// The one shape of a public slug (incidents, polls, components), apart so any domain can import it.
import { z } from "zod";

export const SLUG_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export const slugField = z
  .string({ error: "Enter a slug." })
  .trim()
  .min(1, "Enter a slug.")
  .max(100, "At most 100 characters.")
  .regex(SLUG_PATTERN, "Use lowercase letters, digits and single hyphens, like `mail-outage`.");
