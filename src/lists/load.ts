// Finds the list named by a route's :id (a positive integer), for the API and the admin.
import type { Deps } from "../deps";
import { findList, type List } from "./service";

export async function listFromParam(
  deps: Deps,
  raw: string | undefined,
): Promise<List | undefined> {
  if (!raw || !/^\d{1,15}$/.test(raw)) return undefined;
  return findList(deps, Number(raw));
}
