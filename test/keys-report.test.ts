// `npm run admin -- rotate-report`: what still depends on the key before SECRET_KEY, and whether
// SECRET_KEY_PREVIOUS can be dropped (issue 17, Deliver 5).
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterEach, describe, expect, test } from "vitest";
import { rotationReport } from "../src/keys/report";
import { keyIdOf } from "../src/keys/ring";
import { ADMIN, createTestApp, ORIGIN, type TestApp } from "./helpers";
import { invitedParticipants, linksInMail } from "./participant-helpers";

const ROOT = join(import.meta.dirname, "..");
const OLD_KEY = "the-old-secret-key-used-for-two-years-0001";
const NEW_KEY = "the-new-secret-key-given-after-a-leak-00002";

let dir: string;
const apps: TestApp[] = [];
afterEach(() => {
  for (const app of apps.splice(0)) app.close();
  rmSync(dir, { recursive: true, force: true });
});

async function start(url: string, env: Record<string, string>) {
  const app = await createTestApp({ DATABASE_URL: url, ...env });
  apps.push(app);
  return app;
}

/** A database used with OLD_KEY (four invitations mailed, Dave erased), then started with NEW_KEY. */
async function rotated() {
  dir = mkdtempSync(join(tmpdir(), "relance-keys-report-"));
  const url = `file:${join(dir, "report.db")}`;
  const first = await start(url, { SECRET_KEY: OLD_KEY });
  const bearer = await first.token();
  const { listId } = await invitedParticipants(first, bearer);
  const dave = await linksInMail(first, "dave@example.org");
  expect((await first.form(`${dave.preferences}/erase`, {})).status).toBe(200);
  apps.splice(apps.indexOf(first), 1);
  first.close();
  const second = await start(url, { SECRET_KEY: NEW_KEY, SECRET_KEY_PREVIOUS: OLD_KEY });
  return { url, listId, t: second };
}

describe("rotate-report", () => {
  test("after a rotation: the erased address, the mail sent and the verdict, from the command line", async () => {
    const { url } = await rotated();
    const env = {
      ...process.env,
      DATABASE_URL: url,
      SECRET_KEY: NEW_KEY,
      SECRET_KEY_PREVIOUS: OLD_KEY,
      PUBLIC_URL: ORIGIN,
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
    };
    const { stdout } = await promisify(execFile)(
      "npm",
      ["run", "--silent", "admin", "--", "rotate-report"],
      { cwd: ROOT, env, timeout: 60_000 },
    );
    expect(stdout).toContain(`Current SECRET_KEY: key id ${keyIdOf(NEW_KEY)}, in use since`);
    expect(stdout).toContain(`Previous key ${keyIdOf(OLD_KEY)} (SECRET_KEY_PREVIOUS).`);
    expect(stdout).toContain(
      `1 suppressed address(es) still hashed under key ${keyIdOf(OLD_KEY)};`,
    );
    expect(stdout).toContain("4 message(s) sent before the current key");
    expect(stdout).toContain("Keep SECRET_KEY_PREVIOUS");
    expect(stdout).not.toContain(OLD_KEY);
    expect(stdout).not.toContain(NEW_KEY);
  });

  test("an erased address seen again is re-keyed, and no longer holds the old key", async () => {
    const { t, listId } = await rotated();
    expect((await rotationReport(t.deps)).suppressions).toEqual([
      { keyId: keyIdOf(OLD_KEY), addresses: 1, configured: true },
    ]);
    const reimport = await t.request(`/api/v1/lists/${listId}/imports?source=test`, {
      method: "POST",
      headers: { Authorization: `Bearer ${await t.token()}`, "Content-Type": "text/csv" },
      body: "email\ndave@example.org\n",
    });
    expect(await reimport.json()).toMatchObject({ rejected: [{ line: 2, reason: "suppressed" }] });
    const report = await rotationReport(t.deps);
    expect(report.suppressions).toEqual([]);
    // The four messages mailed under the old key still need it for their links.
    expect(report.mailBefore.messages).toBe(4);
    expect(report.canDrop).toBe(false);
  });

  test("without a rotation there is nothing to drop", async () => {
    dir = mkdtempSync(join(tmpdir(), "relance-keys-report-"));
    const t = await start(`file:${join(dir, "plain.db")}`, {});
    await invitedParticipants(t, await t.token());
    const report = await rotationReport(t.deps);
    expect(report).toMatchObject({
      previous: [],
      suppressions: [],
      since: undefined,
      canDrop: true,
    });
    expect(report.mailBefore.messages).toBe(0);
  });
});
