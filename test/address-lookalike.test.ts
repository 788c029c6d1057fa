// Look-alike addresses are one address: the local part compares after NFKC (ligatures, fullwidth
// letters), the domain after IDNA, so suppression and duplicates cannot be dodged by either.
import { afterEach, beforeEach, describe, expect, test } from "vitest";
import { parseAddress } from "../src/contacts/address";
import { createTestApp, type TestApp } from "./helpers";

const keyOf = (input: string) => {
  const address = parseAddress(input);
  if ("error" in address) throw new Error(`${input}: ${address.error}`);
  return address.key;
};

describe("the address key", () => {
  test.each([
    ["\uFB01le@example.org", "file@example.org"], // the ﬁ ligature
    ["\uFF46\uFF49\uFF4C\uFF45@example.org", "file@example.org"], // fullwidth ｆｉｌｅ
    ["\uFF26ILE@Example.ORG", "file@example.org"], // fullwidth capital, mixed case
    ["file@b\u00FCcher.example", "file@xn--bcher-kva.example"], // IDNA
    ["file@\uFF45xample.org", "file@example.org"], // fullwidth in the domain too
  ])("%s compares as %s", (input, key) => {
    expect(keyOf(input)).toBe(key);
  });

  test("the address kept for mail is the one typed (only compared after NFKC)", () => {
    const address = parseAddress("\uFB01le@example.org");
    expect(address).toEqual({ email: "\uFB01le@example.org", key: "file@example.org" });
  });
});

describe("look-alikes on import", () => {
  let t: TestApp;
  let bearer: string;
  let listId: number;
  beforeEach(async () => {
    t = await createTestApp();
    bearer = await t.token();
    const res = await t.api(bearer, "POST", "/api/v1/lists", {
      slug: "nets",
      name: "Nets",
      purpose: "News.",
    });
    listId = ((await res.json()) as { id: number }).id;
  });
  afterEach(() => t.close());

  const importCsv = async (csv: string) => {
    const res = await t.request(`/api/v1/lists/${listId}/imports?source=test`, {
      method: "POST",
      headers: { Authorization: `Bearer ${bearer}`, "Content-Type": "text/csv" },
      body: csv,
    });
    expect(res.status).toBe(200);
    return (await res.json()) as {
      imported: number;
      duplicates: number;
      rejected: { line: number; reason: string }[];
    };
  };

  test("the ligature ﬁle@ of an erased file@ is rejected as suppressed", async () => {
    await importCsv("email\nfile@example.org\n");
    const id = Number((await t.client.execute("SELECT id FROM contacts")).rows[0]?.id);
    const erased = await t.api(bearer, "DELETE", `/api/v1/lists/${listId}/contacts/${id}`);
    expect(erased.status).toBeLessThan(300);
    const report = await importCsv("email\n\uFB01le@example.org\n");
    expect(report.rejected).toEqual([{ line: 2, reason: "suppressed" }]);
    expect(report.imported).toBe(0);
  });

  test("fullwidth ｆｉｌｅ@ is a duplicate of file@, in one file and across files", async () => {
    const first = await importCsv(
      "email\nfile@example.org\n\uFF46\uFF49\uFF4C\uFF45@example.org\n",
    );
    expect(first).toMatchObject({ imported: 1, duplicates: 1, rejected: [] });
    const again = await importCsv("email\n\uFF46\uFF49\uFF4C\uFF45@example.org\n");
    expect(again).toMatchObject({ imported: 0, duplicates: 1 });
  });
});
