// What the status subscriptions forget of an erased contact: the components they chose.
import { eq } from "drizzle-orm";
import { subscriberComponents } from "../../db/schema";
import type { Db } from "../db";

export const forgetContact = (db: Db, contactId: number) =>
  db.delete(subscriberComponents).where(eq(subscriberComponents.contactId, contactId));
