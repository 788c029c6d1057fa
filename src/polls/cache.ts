// A short per-process memory for what every visitor of a poll asks for at once: the poll with its
// answers, and the page shown to a new visitor. A spike then costs one database read and one
// render per second, not one per request. Votes stay exact regardless: the INSERT itself checks
// that the poll is open. This process forgets an entry as soon as it changes it (vote, close,
// reopen, create); other processes (Workers isolates) see the change within TTL_MS.
import type { Clock } from "../deps";

const TTL_MS = 1000;

type Entry = { value: unknown; expiresAt: number };

export type PollCache = {
  /** The value under `key` if it is still fresh, without loading anything. */
  peek<T>(key: string): T | undefined;
  /**
   * The value under `key`, loaded at most once per TTL_MS (by the app's clock). `until` (an ISO
   * instant, such as a closing time) shortens the entry's life so it never outlives a change
   * due at that moment.
   */
  remember<T>(key: string, load: () => Promise<{ value: T; until?: string | null }>): Promise<T>;
  /** Keys are `kind:slug…`; forgets one poll's entries of the given kinds (all by default). */
  forgetPoll(slug: string, kinds?: string[]): void;
};

/**
 * One memory per process (Node) or isolate (Workers), made at boot and reached as
 * `deps.polls.cache`. With `shareLoads` (Node), the requests that find an entry expired at the
 * same moment wait for one load instead of each doing its own; on Workers a request must not
 * wait on another's I/O.
 */
export function createPollCache(clock: Clock, options: { shareLoads: boolean }): PollCache {
  const entries = new Map<string, Entry>();
  /** Loads under way (Node only), shared by everyone who asks meanwhile. */
  const loading = new Map<string, Promise<unknown>>();
  /** Loads whose key was forgotten while they ran: they do not store their (older) value. */
  const stale = new WeakSet<Promise<unknown>>();

  const store = (key: string, value: unknown, now: number, until?: string | null) => {
    const limit = until ? Date.parse(until) : Number.POSITIVE_INFINITY;
    entries.set(key, { value, expiresAt: Math.min(now + TTL_MS, limit) });
    if (entries.size > 1000) entries.delete(entries.keys().next().value as string);
  };

  return {
    peek<T>(key: string) {
      const hit = entries.get(key);
      return hit && hit.expiresAt > clock.now().getTime() ? (hit.value as T) : undefined;
    },
    remember<T>(key: string, load: () => Promise<{ value: T; until?: string | null }>) {
      const now = clock.now().getTime();
      const hit = entries.get(key);
      if (hit && hit.expiresAt > now) return Promise.resolve(hit.value as T);
      const pending = options.shareLoads ? loading.get(key) : undefined;
      if (pending) return pending as Promise<T>;
      const loaded: Promise<T> = load().then(({ value, until }) => {
        if (!stale.has(loaded)) store(key, value, now, until);
        return value;
      });
      if (!options.shareLoads) return loaded;
      const settled = () => {
        if (loading.get(key) === loaded) loading.delete(key);
      };
      loaded.then(settled, settled);
      loading.set(key, loaded);
      return loaded;
    },
    forgetPoll(slug, kinds) {
      const matches = (key: string) => {
        const [kind, keySlug] = key.split(":");
        return keySlug === slug && (!kinds || kinds.includes(kind ?? ""));
      };
      for (const key of entries.keys()) if (matches(key)) entries.delete(key);
      for (const [key, load] of loading) {
        if (matches(key)) {
          stale.add(load);
          loading.delete(key);
        }
      }
    },
  };
}
