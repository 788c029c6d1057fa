// The production start on Node (issue 21, item 5): `npm run build` bundles the server for plain
// `node`, with no TypeScript loader, and the built server starts on an empty database (applying
// the bundled migrations), serves pages and public/ files, and stops cleanly on SIGTERM.
import { execFile, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { expect, test } from "vitest";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

const freePort = () =>
  new Promise<number>((resolve) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });

async function waitUntilUp(url: string, child: { exitCode: number | null }) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const res = await fetch(url).catch(() => undefined);
    if (res) return res;
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error("the server did not answer within 30 s");
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test("the built server starts under plain node, migrates, answers, and stops on SIGTERM", {
  timeout: 120_000,
}, async () => {
  await promisify(execFile)(process.execPath, ["scripts/build.mjs"], { cwd: ROOT });
  const server = join(ROOT, "dist", "server.mjs");
  // Plain JavaScript: nothing in the bundle needs tsx.
  expect(readFileSync(server, "utf8")).not.toMatch(/from "tsx|import\("tsx/);

  const dir = mkdtempSync(join(tmpdir(), "relance-prod-"));
  const port = await freePort();
  const child = spawn(process.execPath, [server], {
    // A directory that is not the project: the bundle finds public/ and node_modules itself.
    cwd: dir,
    env: {
      PATH: process.env.PATH ?? "",
      DATABASE_URL: `file:${join(dir, "relance.db")}`,
      PORT: String(port),
      SEED: "none",
      SECRET_KEY: "production-test-secret-key-of-32-chars-or-more",
      ADMIN_EMAIL: "admin@prod.example",
      ADMIN_PASSWORD: "a production password",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    output += chunk.toString("utf8");
  });
  try {
    const base = `http://127.0.0.1:${port}`;
    const home = await waitUntilUp(`${base}/`, child);
    expect(home.status).toBe(200);
    expect(output).toMatch(/applied \d+ migrations/);
    const login = await fetch(`${base}/admin/login`);
    expect(login.status).toBe(200);
    expect(await login.text()).toContain("<form");
    const asset = await fetch(`${base}/vendor/pico.min.css`);
    expect(asset.status).toBe(200);

    const exited = once(child, "exit");
    child.kill("SIGTERM");
    const [code] = await exited;
    expect({ code, output }).toMatchObject({ code: 0 });
  } finally {
    if (child.exitCode === null) child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  }
});
