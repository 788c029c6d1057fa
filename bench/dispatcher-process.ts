// The Node dispatcher alone, on the bench's database, driven over IPC by bench/send.bench.ts: it
// runs from a bundle (bench/bundle.ts) under plain `node`, as `npm run start:prod` runs the
// server, so that its CPU and memory are the dispatcher's and not the TypeScript loader's.
import { PerformanceObserver } from "node:perf_hooks";
import { getHeapSpaceStatistics, getHeapStatistics } from "node:v8";
import { boot } from "../src/boot";
import { parseConfig } from "../src/config";
import { limitPageCache, openNodeClient } from "../src/node";
import { createDispatcher } from "../src/sending/dispatcher";
import { windowRateLimiter } from "../src/sending/rate";

const config = parseConfig(JSON.parse(process.env.RELANCE_BENCH_ENV ?? "{}"), "node");
const client = openNodeClient(config);
const { deps } = await boot(config, client);
await limitPageCache(client); // as the server does (src/server.ts)
const start = process.cpuUsage();
const limiter = windowRateLimiter(config.sending.ratePerSecond);
const dispatcher = createDispatcher(deps, { limiter, claimAhead: true });
void dispatcher.run();
const send = (message: unknown) => process.send?.(message);
/** Time spent collecting garbage, in ms, and how many collections: young (scavenges) and full. */
const gc = { youngMs: 0, young: 0, fullMs: 0, full: 0 };
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    const kind = (entry as { detail?: { kind?: number } }).detail?.kind;
    // NODE_PERFORMANCE_GC_MINOR is 1; major, incremental and weak-callback passes count as full.
    if (kind === 1) {
      gc.young++;
      gc.youngMs += entry.duration;
    } else {
      gc.full++;
      gc.fullMs += entry.duration;
    }
  }
}).observe({ entryTypes: ["gc"] });
/** Where the process's memory is now, in bytes: what V8 and Node account for, beside the RSS. */
const memory = () => {
  const heap = getHeapStatistics();
  return {
    ...process.memoryUsage(),
    heapLimit: heap.heap_size_limit,
    mallocedMemory: heap.malloced_memory,
    peakMallocedMemory: heap.peak_malloced_memory,
  };
};
process.on("message", async (m) => {
  // maxRSS: the process's peak resident set so far, in KB.
  if (m === "cpu")
    send({ ...process.cpuUsage(start), maxRssKb: process.resourceUsage().maxRSS, gc });
  if (m === "memory") send(memory());
  if (m === "spaces")
    send(
      getHeapSpaceStatistics()
        .map(
          (s) =>
            `${s.space_name} ${(s.space_used_size / 1048576).toFixed(1)}/${(s.space_size / 1048576).toFixed(1)}`,
        )
        .join("; "),
    );
  if (m === "stop") {
    await dispatcher.stop();
    client.close();
    process.exit(0);
  }
});
send("started");
