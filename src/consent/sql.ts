// SQL pieces the consent rule's forms share, over `list_members m`.
import { sql } from "drizzle-orm";
import type { ConsentState } from "./states";

/** `m.status IN (…)`; false for no state at all. */
export const memberStatusIn = (states: readonly ConsentState[]) =>
  states.length === 0
    ? sql`0`
    : sql`m.status IN (${sql.join(
        states.map((s) => sql`${s}`),
        sql`, `,
      )})`;
