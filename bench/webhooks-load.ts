// The webhooks bench's load generator, in a process of its own (bench/webhooks.bench.ts starts it
// bundled, under plain `node`): it signs every event beforehand, then posts them over real HTTP
// with a fixed number in flight, as Svix does during a campaign, so that neither the signing nor
// the client's HTTP work is charged to the server it measures. Driven over IPC.
import { createHmac } from "node:crypto";
import { Agent, request } from "node:http";

export type LoadJob = {
  /** http://127.0.0.1:PORT/webhooks/resend */
  url: string;
  /** whsec_… */
  secret: string;
  inFlight: number;
  /** Each event: its svix-id and its JSON body. */
  events: { id: string; body: string }[];
};

export type LoadResult = { ms: number; statuses: Record<string, number>; firstFailure?: string };

type Signed = { body: string; headers: Record<string, string> };

export function sign(secret: string, id: string, body: string): Signed {
  const timestamp = String(Math.floor(Date.now() / 1000));
  const key = Buffer.from(secret.slice("whsec_".length), "base64");
  const mac = createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64");
  return {
    body,
    headers: {
      "content-type": "application/json",
      "content-length": String(Buffer.byteLength(body)),
      "svix-id": id,
      "svix-timestamp": timestamp,
      "svix-signature": `v1,${mac}`,
    },
  };
}

/** One POST; resolves with the status and, for a refusal, the body. */
export function post(url: URL, agent: Agent, signed: Signed) {
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = request(url, { method: "POST", agent, headers: signed.headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        text += chunk;
      });
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on("error", reject);
    req.end(signed.body);
  });
}

export async function deliver(job: LoadJob): Promise<LoadResult> {
  const url = new URL(job.url);
  const agent = new Agent({ keepAlive: true, maxSockets: job.inFlight });
  const signed = job.events.map((e) => sign(job.secret, e.id, e.body));
  const statuses: Record<string, number> = {};
  let firstFailure: string | undefined;
  let next = 0;
  const worker = async () => {
    while (next < signed.length) {
      const { status, text } = await post(url, agent, signed[next++] as Signed);
      statuses[status] = (statuses[status] ?? 0) + 1;
      if (status !== 200) firstFailure ??= `${status} ${text}`;
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: job.inFlight }, worker));
  const ms = performance.now() - t0;
  agent.destroy();
  return { ms, statuses, firstFailure };
}

process.on("message", (job: LoadJob) => {
  deliver(job).then(
    (result) => process.send?.(result),
    (error: unknown) => process.send?.({ error: String(error) }),
  );
});
process.send?.("ready");
process.on("disconnect", () => process.exit(0));
