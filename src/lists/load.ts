// Finds the list named by a route's :id (a positive integer), for the API and the admin.
import type { Deps } from "../deps";
import { idParam } from "../http/params";
import { findList, type List } from "./service";

export async function listFromParam(
  deps: Deps,
  raw: string | undefined,
): Promise<List | undefined> {
  const id = idParam(raw);
  return id === undefined ? undefined : findList(deps, id);
}
