// A short per-process memory for what every visitor of a poll asks for at once: the poll with its
// answers, and the page shown to a new visitor. A spike then costs one database read and one
// render per second, not one per request. Votes stay exact regardless: the INSERT itself checks
// that the poll is open. This process forgets an entry as soon as it changes it (vote, close,
// reopen, create); other processes (Workers isolates) see the change within TTL_MS.
import type { Deps } from "../deps";

const TTL_MS = 1000;

type Entry = { value: unknown; expiresAt: number };

/**
 * One memory per database handle: on Workers each request gets its own deps object (its own
 * dispatcher waker) around the isolate's one handle, and the memory must outlive the request.
 */
const stores = new WeakMap<object, Map<string, Entry>>();

function storeOf(deps: Deps): Map<string, Entry> {
  let store = stores.get(deps.db);
  if (!store) {
    store = new Map();
    stores.set(deps.db, store);
  }
  return store;
}

/** The value under `key` if it is still fresh, without loading anything. */
export function peek<T>(deps: Deps, key: string): T | undefined {
  const hit = storeOf(deps).get(key);
  return hit && hit.expiresAt > deps.clock.now().getTime() ? (hit.value as T) : undefined;
}

/**
 * The value under `key`, loaded at most once per TTL_MS (by the app's clock). `until` (an ISO
 * instant, such as a closing time) shortens the entry's life so it never outlives a change due
 * at that moment.
 */
export async function remember<T>(
  deps: Deps,
  key: string,
  load: () => Promise<{ value: T; until?: string | null }>,
): Promise<T> {
  const store = storeOf(deps);
  const now = deps.clock.now().getTime();
  const hit = store.get(key);
  if (hit && hit.expiresAt > now) return hit.value as T;
  const { value, until } = await load();
  const limit = until ? Date.parse(until) : Number.POSITIVE_INFINITY;
  store.set(key, { value, expiresAt: Math.min(now + TTL_MS, limit) });
  if (store.size > 1000) store.delete(store.keys().next().value as string);
  return value;
}

/** Keys are `kind:slug…`; forgets one poll's entries of the given kinds (all kinds by default). */
export function forgetPoll(deps: Deps, slug: string, kinds?: string[]): void {
  const store = storeOf(deps);
  for (const key of store.keys()) {
    const [kind, keySlug] = key.split(":");
    if (keySlug === slug && (!kinds || kinds.includes(kind ?? ""))) store.delete(key);
  }
}
