// A short per-process memory for what every visitor of a poll asks for at once: the poll with its
// answers, and the page shown to a new visitor. A spike then costs one database read and one
// render per second, not one per request. Votes stay exact regardless: the INSERT itself checks
// that the poll is open. This process forgets an entry as soon as it changes it (vote, close,
// reopen, create); other processes (Workers isolates) see the change within TTL_MS.
import type { Deps } from "../deps";

const TTL_MS = 1000;

type Entry = { value: unknown; expiresAt: number };

type Store = {
  entries: Map<string, Entry>;
  /** Loads under way (Node only), shared by everyone who asks meanwhile. */
  loading: Map<string, Promise<unknown>>;
  /** Loads whose key was forgotten while they ran: they do not store their (older) value. */
  stale: WeakSet<Promise<unknown>>;
};

/**
 * One memory per database handle: on Workers each request gets its own deps object (its own
 * dispatcher waker) around the isolate's one handle, and the memory must outlive the request.
 */
const stores = new WeakMap<object, Store>();

function storeOf(deps: Deps): Store {
  let store = stores.get(deps.db);
  if (!store) {
    store = { entries: new Map(), loading: new Map(), stale: new WeakSet() };
    stores.set(deps.db, store);
  }
  return store;
}

/** The value under `key` if it is still fresh, without loading anything. */
export function peek<T>(deps: Deps, key: string): T | undefined {
  const hit = storeOf(deps).entries.get(key);
  return hit && hit.expiresAt > deps.clock.now().getTime() ? (hit.value as T) : undefined;
}

/**
 * The value under `key`, loaded at most once per TTL_MS (by the app's clock). `until` (an ISO
 * instant, such as a closing time) shortens the entry's life so it never outlives a change due
 * at that moment. On Node, the requests that find the entry expired at the same moment wait for
 * one load instead of each doing its own (on Workers, a request must not wait on another's I/O).
 */
export function remember<T>(
  deps: Deps,
  key: string,
  load: () => Promise<{ value: T; until?: string | null }>,
): Promise<T> {
  const store = storeOf(deps);
  const now = deps.clock.now().getTime();
  const hit = store.entries.get(key);
  if (hit && hit.expiresAt > now) return Promise.resolve(hit.value as T);
  const shared = deps.config.runtime === "node";
  const pending = shared ? store.loading.get(key) : undefined;
  if (pending) return pending as Promise<T>;
  const loaded: Promise<T> = load().then(({ value, until }) => {
    if (!store.stale.has(loaded)) {
      const limit = until ? Date.parse(until) : Number.POSITIVE_INFINITY;
      store.entries.set(key, { value, expiresAt: Math.min(now + TTL_MS, limit) });
      if (store.entries.size > 1000) {
        store.entries.delete(store.entries.keys().next().value as string);
      }
    }
    return value;
  });
  if (!shared) return loaded;
  const settled = () => {
    if (store.loading.get(key) === loaded) store.loading.delete(key);
  };
  loaded.then(settled, settled);
  store.loading.set(key, loaded);
  return loaded;
}

/** Keys are `kind:slug…`; forgets one poll's entries of the given kinds (all kinds by default). */
export function forgetPoll(deps: Deps, slug: string, kinds?: string[]): void {
  const store = storeOf(deps);
  const matches = (key: string) => {
    const [kind, keySlug] = key.split(":");
    return keySlug === slug && (!kinds || kinds.includes(kind ?? ""));
  };
  for (const key of store.entries.keys()) if (matches(key)) store.entries.delete(key);
  for (const [key, loading] of store.loading) {
    if (matches(key)) {
      store.stale.add(loading);
      store.loading.delete(key);
    }
  }
}
