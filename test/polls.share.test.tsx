// The share block's QR code: an SVG drawn on the server (uqr, /polls/:slug/qr.svg) that encodes
// the poll's address, with an accessible name, and nothing in it left unescaped.
import { encode } from "uqr";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { QrCode, QUIET_ZONE, ShareBlock } from "../src/polls/share";
import { createTestApp, ORIGIN, type TestApp } from "./helpers";
import { newPoll, visitPoll } from "./poll-helpers";

let t: TestApp;
let bearer: string;

beforeAll(async () => {
  t = await createTestApp();
  bearer = await t.token();
});
afterAll(() => t.close());

/** The dark modules the SVG's path draws (runs `M x,y h n v1 h-n z`), as a matrix. */
function modulesOf(svg: string): boolean[][] {
  const size = Number(/viewBox="0 0 (\d+) \1"/.exec(svg)?.[1]);
  const grid = Array.from({ length: size }, () => Array<boolean>(size).fill(false));
  for (const [, x, y, n] of svg.matchAll(/M(\d+),(\d+)h(\d+)v1h-\d+z/g)) {
    for (let i = 0; i < Number(n); i++) (grid[Number(y)] as boolean[])[Number(x) + i] = true;
  }
  return grid;
}

describe("the QR code in the share block", () => {
  test("the poll page shows the QR code, an SVG from the server that encodes exactly the poll's address", async () => {
    const poll = await newPoll(t, bearer);
    const { html } = await visitPoll(t, poll.slug);
    const url = `${ORIGIN}/polls/${poll.slug}`;
    expect(html).toContain(
      `<img class="share-qr" src="/polls/${poll.slug}/qr.svg" alt="QR code : ${url}"`,
    );
    const res = await t.request(`/polls/${poll.slug}/qr.svg`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("image/svg+xml");
    expect(res.headers.get("cache-control")).toContain("max-age=86400");
    const svg = await res.text();
    expect(svg).toMatch(
      /^<\?xml[^>]*\?><svg xmlns="http:\/\/www.w3.org\/2000\/svg" class="share-qr"/,
    );
    expect(svg).toContain('role="img"');
    expect(svg).toContain(`<title>${url}</title>`);
    const expected = encode(url, { ecc: "M", border: QUIET_ZONE }).data;
    expect(modulesOf(svg)).toEqual(expected);
    expect(modulesOf(svg)).not.toEqual(encode(`${url}x`, { ecc: "M", border: QUIET_ZONE }).data);
    expect((await t.request("/polls/no-such-poll/qr.svg")).status).toBe(404);
  });

  test("an address with markup in it is escaped, in the link, the snippet and the QR's name", async () => {
    const html = String(
      await (
        <ShareBlock publicUrl={'https://x.example/"><script>'} slug="s" lang="en" />
      ).toString(),
    );
    expect(html).not.toContain("<script>");
    expect(html).toContain("&lt;script&gt;");
    const svg = String(<QrCode url={'x"><script>'} label={'x"><script>'} />);
    expect(svg).not.toContain("<script>");
    expect(svg).toContain("<title>x&quot;&gt;&lt;script&gt;</title>");
  });
});
