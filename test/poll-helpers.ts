// Poll test helpers: create a poll through the API, visit its page like a browser, vote.
import { expect } from "vitest";
import { MIN_FILL_MS } from "../src/polls/bot-check";
import type { TestApp } from "./helpers";

export type PollBody = {
  id: number;
  slug: string;
  options: { id: number; label: string }[];
  results_visibility: string;
  max_choices: number;
  audience: string;
};

let counter = 0;

/** Creates a poll through the API with a fresh slug. */
export async function newPoll(app: TestApp, bearer: string, extra: Record<string, unknown> = {}) {
  const res = await app.api(bearer, "POST", "/api/v1/polls", {
    slug: `p-${process.pid}-${++counter}`,
    question: "Que doit-on faire de lui ?",
    options: ["Le pardonner", "Le priver de café", "La pendaison"],
    ...extra,
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as PollBody;
}

/** Opens the poll page like a browser: its voter cookie and the form fields the page carries. */
export async function visitPoll(app: TestApp, slug: string, cookie?: string) {
  const res = await app.request(`/polls/${slug}`, cookie ? { headers: { Cookie: cookie } } : {});
  expect(res.status).toBe(200);
  const html = await res.text();
  const setCookie = res.headers.get("set-cookie");
  return { cookie: setCookie ? (setCookie.split(";")[0] ?? "") : (cookie ?? ""), html };
}

/** Votes through the form, as a browser that opened the page and took a few seconds to answer. */
export async function castVote(
  app: TestApp,
  slug: string,
  options: number | number[],
  cookie: string,
  headers: Record<string, string> = {},
) {
  const ids = Array.isArray(options) ? options : [options];
  const fields = new URLSearchParams([...formFields(await visitPoll(app, slug, cookie))]);
  for (const id of ids) fields.append("option", String(id));
  app.clock.advance(MIN_FILL_MS); // a person reads the question before answering
  return app.request(`/polls/${slug}/vote`, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      Origin: "http://127.0.0.1:8787",
      Cookie: cookie,
      ...headers,
    },
    body: fields.toString(),
  });
}

/** The hidden fields of the page's vote form (name → value). */
export function formFields(page: { html: string }): Map<string, string> {
  const fields = new Map<string, string>();
  for (const m of page.html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) {
    fields.set(m[1] ?? "", m[2] ?? "");
  }
  return fields;
}

/** GET of the results (JSON when `json`), with the visitor's cookie if any. */
export const readResults = (app: TestApp, slug: string, cookie?: string, json = true) =>
  app.request(`/polls/${slug}/results`, {
    headers: {
      ...(json ? { Accept: "application/json" } : {}),
      ...(cookie ? { Cookie: cookie } : {}),
    },
  });
