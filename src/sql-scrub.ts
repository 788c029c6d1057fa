// SQL pieces for removing one person's address and name from free text written by others (a
// provider's bounce message, a batch's error), for statements run just before their erasure.
import { type SQL, sql } from "drizzle-orm";

/** The address and name of a contact about to be erased, as a one-row table. */
export const personOf = (contactId: number) =>
  sql`(SELECT email, coalesce(name, email) AS name FROM contacts
       WHERE id = ${contactId} AND email IS NOT NULL)`;

const replacedIn = (text: SQL, what: SQL) =>
  sql`replace(replace(replace(${text}, ${what}, '[erased]'), lower(${what}), '[erased]'),
    upper(${what}), '[erased]')`;

/**
 * `text` without the erased address and name: replaced as written, in lower or upper case, else
 * (written some other way) all of it. For a statement that joins `personOf(id) AS erased`.
 */
export const scrubbed = (text: SQL) => {
  const replaced = replacedIn(replacedIn(text, sql`erased.email`), sql`erased.name`);
  return sql`CASE WHEN instr(lower(${replaced}), lower(erased.email)) > 0
      OR instr(lower(${replaced}), lower(erased.name)) > 0
    THEN 'the provider''s words named an erased person' ELSE ${replaced} END`;
};

/** Whether `text` names the erased address (in any case). */
export const mentionsErased = (text: SQL) => sql`instr(lower(${text}), lower(erased.email)) > 0`;
