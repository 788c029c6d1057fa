// A short per-process memory of the status home and incident pages, as bytes: when everyone opens
// them at once, a spike costs one render a second per page and language, and each request is
// answered before the router (see `statusPagesFromMemory`). Every write that changes what these
// pages show forgets them all in this process; other processes (Workers isolates) see it within
// TTL_MS, well within the pages' own Cache-Control. On Node each page is also kept gzipped, for
// the browsers (and CDNs) that accept it: a fifth of the bytes to send (Workers leaves compression
// to Cloudflare's edge, and would compress a gzip body again).
import type { Clock } from "../deps";

const TTL_MS = 1000;
/** Pages kept at most (each incident in each language); the oldest goes first. */
const KEPT = 500;

/** A page as bytes, and gzipped (its own ETag: another representation) where kept so. */
export type RememberedPage = {
  body: Uint8Array<ArrayBuffer>;
  etag: string;
  gzip?: { body: Uint8Array<ArrayBuffer>; etag: string };
};

export type PageMemory = {
  /** The page under `key` if it is still fresh (or its next render is under way), rendering nothing. */
  peek(key: string): RememberedPage | undefined;
  /** The page under `key`, rendered at most once per TTL_MS; null (not kept) when there is none. */
  remember(key: string, render: () => Promise<string | null>): Promise<RememberedPage | null>;
  /** Something shown changed: render everything anew. */
  forget(): void;
};

const encoder = new TextEncoder();

/** The strong ETag hono/etag would give these bytes (SHA-1, hex), so both paths agree. */
async function etagOf(body: Uint8Array<ArrayBuffer>) {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-1", body));
  return `"${Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("")}"`;
}

async function gzipOf(body: Uint8Array<ArrayBuffer>, etag: string) {
  const stream = new Blob([body]).stream().pipeThrough(new CompressionStream("gzip"));
  const gzipped = new Uint8Array(await new Response(stream).arrayBuffer());
  return { body: gzipped, etag: `${etag.slice(0, -1)}-gzip"` };
}

/**
 * With `shareLoads` (Node), the requests that find a page expired at the same moment wait for one
 * render; on Workers a request must not wait on another's I/O.
 */
export function createPageMemory(
  clock: Clock,
  options: { shareLoads: boolean; gzip?: boolean },
): PageMemory {
  const entries = new Map<string, { page: RememberedPage; expiresAt: number }>();
  const loading = new Map<string, Promise<RememberedPage | null>>();
  /** Bumped by forget: a render begun before it does not keep its (older) page. */
  let generation = 0;
  return {
    peek(key) {
      const hit = entries.get(key);
      if (!hit) return undefined;
      // While its next render is under way (Node), the page it replaces is still the answer: the
      // requests of a spike do not queue behind the render. A write (forget) empties both maps.
      return hit.expiresAt > clock.now().getTime() || loading.has(key) ? hit.page : undefined;
    },
    remember(key, render) {
      const now = clock.now().getTime();
      const hit = entries.get(key);
      if (hit && hit.expiresAt > now) return Promise.resolve(hit.page);
      const pending = options.shareLoads ? loading.get(key) : undefined;
      if (pending) return pending;
      const started = generation;
      const loaded = (async () => {
        const html = await render();
        if (html === null) return null;
        const body = encoder.encode(html);
        const etag = await etagOf(body);
        const page: RememberedPage = { body, etag };
        if (options.gzip) page.gzip = await gzipOf(body, etag);
        if (started === generation) {
          entries.delete(key);
          entries.set(key, { page, expiresAt: now + TTL_MS });
          if (entries.size > KEPT) entries.delete(entries.keys().next().value as string);
        }
        return page;
      })().finally(() => {
        if (loading.get(key) === loaded) loading.delete(key);
      });
      if (options.shareLoads) loading.set(key, loaded);
      return loaded;
    },
    forget() {
      generation++;
      entries.clear();
      loading.clear();
    },
  };
}
