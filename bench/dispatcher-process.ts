// The Node dispatcher alone, on the bench's database, driven over IPC by bench/send.bench.ts: it
// runs from a bundle (bench/bundle.ts) under plain `node`, as `npm run start:prod` runs the
// server, so that its CPU and memory are the dispatcher's and not the TypeScript loader's.
import { boot } from "../src/boot";
import { parseConfig } from "../src/config";
import { openNodeClient } from "../src/node";
import { createDispatcher } from "../src/sending/dispatcher";
import { windowRateLimiter } from "../src/sending/rate";

const config = parseConfig(JSON.parse(process.env.RELANCE_BENCH_ENV ?? "{}"), "node");
const client = openNodeClient(config);
const { deps } = await boot(config, client);
const start = process.cpuUsage();
const limiter = windowRateLimiter(config.sending.ratePerSecond);
const dispatcher = createDispatcher(deps, { limiter, claimAhead: true });
void dispatcher.run();
const send = (message: unknown) => process.send?.(message);
process.on("message", async (m) => {
  // maxRSS: the process's peak resident set so far, in KB.
  if (m === "cpu") send({ ...process.cpuUsage(start), maxRssKb: process.resourceUsage().maxRSS });
  if (m === "stop") {
    await dispatcher.stop();
    client.close();
    process.exit(0);
  }
});
send("started");
