// Two-step sign-in in a real browser: the QR code renders (the page's CSP allows it), the whole
// setup works by keyboard and form, at phone and desktop widths.
import { Secret, TOTP } from "otpauth";
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, expect, test } from "vitest";
import { launchBrowser, startTestServer, type TestServer } from "./browser";
import { ADMIN } from "./helpers";

const SHOTS = process.env.SCREENSHOT_DIR;

let browser: Browser;
let server: TestServer;
beforeAll(async () => {
  [browser, server] = await Promise.all([launchBrowser(), startTestServer()]);
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

for (const width of [390, 1280]) {
  test(`set up and sign in with a code at ${width} px`, async () => {
    const context = await browser.newContext({ viewport: { width, height: 900 } });
    const [name, value] = (await server.t.signIn()).split("=") as [string, string];
    await context.addCookies([{ name, value, url: server.url }]);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`${server.url}/admin/account`);
    await page.getByRole("link", { name: "Set up or turn off two-step sign-in" }).click();
    await page.getByRole("button", { name: "Set up two-step sign-in" }).click();
    const qr = page.getByRole("img", { name: "QR code of the two-step sign-in key" });
    expect(await qr.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
    if (SHOTS)
      await page.screenshot({ path: `${SHOTS}/two-step-enrol-${width}.png`, fullPage: true });
    const secret = (await page.locator("p code").first().textContent()) ?? "";
    const totp = new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30 });
    await page
      .getByLabel("Code")
      .fill(totp.generate({ timestamp: server.t.clock.now().getTime() }));
    await page.getByRole("button", { name: "Turn two-step sign-in on" }).click();
    await expect.poll(() => page.locator("li code").count()).toBe(10);
    if (SHOTS)
      await page.screenshot({ path: `${SHOTS}/two-step-codes-${width}.png`, fullPage: true });
    const recovery = (await page.locator("li code").first().textContent()) ?? "";
    // Signed out: the sign-in page asks for the code; a recovery code signs in (once).
    await context.clearCookies();
    await page.goto(`${server.url}/admin/login`);
    await expect.poll(() => page.getByLabel(/Code from your authenticator app/).count()).toBe(1);
    if (SHOTS) await page.screenshot({ path: `${SHOTS}/login-${width}.png`, fullPage: true });
    const withRecovery = { ...ADMIN, code: recovery };
    expect(
      (await server.t.form("/admin/login", { email: ADMIN.email, password: ADMIN.password }))
        .status,
    ).toBe(401);
    expect((await server.t.form("/admin/login", withRecovery)).status).toBe(303);
    expect(errors).toEqual([]);
    // Off again, so the next width starts from scratch.
    await server.t.client.execute("UPDATE admins SET totp_secret = NULL, totp_enabled_at = NULL");
    await context.close();
  }, 120_000);
}
