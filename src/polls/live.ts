// Who is watching a poll live (server-sent events, Node only), and when to tell them: at most
// once per interval per poll, however many votes arrive. The first change after a quiet interval
// is told at once; changes during the interval are told together at its end.

export type LiveTallies = {
  /** False on Workers: an isolate cannot keep a stream open for others' votes. */
  readonly enabled: boolean;
  /** A vote, a close or a reopen changed this poll's tally or state. */
  changed(slug: string): void;
  /** Calls `listener` after changes to this poll (throttled); returns the unsubscribe. */
  subscribe(slug: string, listener: () => void): () => void;
};

type Watch = { listeners: Set<() => void>; timer?: ReturnType<typeof setTimeout>; dirty: boolean };

/** The Node hub: one object per process, made at boot, reached as `deps.polls.live`. */
export function createLiveTallies(options: { intervalMs: number }): LiveTallies {
  const watches = new Map<string, Watch>();

  const tell = (watch: Watch) => {
    watch.dirty = false;
    for (const listener of watch.listeners) listener();
    watch.timer = setTimeout(() => {
      watch.timer = undefined;
      if (watch.dirty && watch.listeners.size) tell(watch);
    }, options.intervalMs);
  };

  return {
    enabled: true,
    changed(slug) {
      const watch = watches.get(slug);
      if (!watch) return;
      if (watch.timer) watch.dirty = true;
      else tell(watch);
    },
    subscribe(slug, listener) {
      let watch = watches.get(slug);
      if (!watch) {
        watch = { listeners: new Set(), dirty: false };
        watches.set(slug, watch);
      }
      const w = watch;
      w.listeners.add(listener);
      return () => {
        w.listeners.delete(listener);
        if (w.listeners.size === 0 && watches.get(slug) === w) {
          if (w.timer) clearTimeout(w.timer);
          watches.delete(slug);
        }
      };
    },
  };
}

/** Workers: nobody watches; pages poll the results with their ETag instead. */
export const noLiveTallies: LiveTallies = {
  enabled: false,
  changed() {},
  subscribe: () => () => {},
};
