// Admin sign-in and sign-out pages, and the API token endpoint.
import { type Context, Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { z } from "zod";
import { hashClientAddressUnder } from "../http/client-address";
import type { AppEnv } from "../http/env";
import { errorText } from "../http/form-errors";
import { fieldErrors, parseJson, problem } from "../http/problem";
import { keyRing } from "../keys/ring";
import { SESSION_COOKIE } from "./middleware";
import {
  type Admin,
  endSession,
  issueToken,
  listTokens,
  revokeToken,
  signIn,
  startSession,
} from "./service";
import { LoginPage } from "./views";

const INVALID = "Wrong email or password.";
const lockedMessage = (seconds: number) =>
  `Too many failed attempts: this account is locked. Try again in ${Math.ceil(seconds / 60)} minutes.`;

/** Only paths inside /admin may be the place to go after signing in. */
const safeNext = (value: unknown) =>
  typeof value === "string" && /^\/admin(\/[^\s]*)?$/.test(value) && !value.includes("//")
    ? value
    : "/admin";

const credentials = z.object({
  email: z.string().trim().min(1, "Enter your email address.").max(320, "Too long."),
  password: z.string().min(1, "Enter your password.").max(1000, "Too long."),
  /** The code of two-step sign-in (or a recovery code), for admins who turned it on. */
  code: z.string().trim().max(40, "Too long.").optional(),
});

/**
 * The salted hash of the client's address, under each key (current first): failures are counted
 * per address typed and client, those counted before a rotation too.
 */
export const clientHash = (c: Context<AppEnv>): readonly string[] =>
  keyRing(c.var.deps).map((key) => hashClientAddressUnder(key, c.var.clientAddress).slice(0, 32));

/** Signs the browser in as `admin` (after a password check or a one-time link). */
export async function beginBrowserSession(c: Context<AppEnv>, admin: Admin) {
  // A fresh id on every sign-in: a session id planted before sign-in is never promoted.
  const old = getCookie(c, SESSION_COOKIE);
  if (old) await endSession(c.var.deps, old);
  const session = await startSession(c.var.deps, admin);
  setCookie(c, SESSION_COOKIE, session.id, {
    path: "/",
    httpOnly: true,
    sameSite: "Lax",
    secure: c.var.deps.config.publicUrl.startsWith("https:"),
    expires: session.expiresAt,
  });
}

export const authPages = new Hono<AppEnv>();

authPages.get("/admin/login", (c) => c.html(<LoginPage next={safeNext(c.req.query("next"))} />));

authPages.post("/admin/login", async (c) => {
  const form = await c.req.parseBody();
  const next = safeNext(form.next);
  const parsed = credentials.safeParse(form);
  const email = typeof form.email === "string" ? form.email : "";
  if (!parsed.success) {
    const first = fieldErrors(parsed.error)[0];
    const message = first ? errorText(c.var.adminLang, first) : INVALID;
    return c.html(<LoginPage email={email} error={message} next={next} />, 422);
  }
  const result = await signIn(c.var.deps, parsed.data.email, parsed.data.password, clientHash(c), {
    code: parsed.data.code,
  });
  if (!result.ok) {
    if (result.reason === "locked") {
      c.header("Retry-After", String(result.retryAfterSeconds));
      return c.html(
        <LoginPage
          email={email}
          error={errorText(c.var.adminLang, {
            field: "password",
            message: lockedMessage(result.retryAfterSeconds),
            code: "signInLocked",
            values: { minutes: Math.ceil(result.retryAfterSeconds / 60) },
          })}
          next={next}
        />,
        429,
      );
    }
    const wrong = { field: "password", message: INVALID, code: "wrongCredentials" };
    return c.html(
      <LoginPage email={email} error={errorText(c.var.adminLang, wrong)} next={next} />,
      401,
    );
  }
  await beginBrowserSession(c, result.admin);
  return c.redirect(next, 303);
});

authPages.post("/admin/logout", async (c) => {
  const id = getCookie(c, SESSION_COOKIE);
  if (id) await endSession(c.var.deps, id);
  deleteCookie(c, SESSION_COOKIE, { path: "/" });
  return c.redirect("/admin/login", 303);
});

export const tokenApi = new Hono<AppEnv>();

const tokenRequest = credentials.extend({
  name: z
    .string()
    .trim()
    .min(1, "a name, or no field")
    .max(100, "at most 100 characters")
    .optional(),
});

tokenApi.post("/api/v1/tokens", async (c) => {
  const body = await parseJson(c, tokenRequest);
  if (!body.ok) return body.response;
  const result = await signIn(c.var.deps, body.value.email, body.value.password, clientHash(c), {
    code: body.value.code,
  });
  if (!result.ok) {
    if (result.reason === "locked") {
      return problem(c, 429, lockedMessage(result.retryAfterSeconds), {
        headers: { "Retry-After": String(result.retryAfterSeconds) },
      });
    }
    return problem(c, 401, INVALID);
  }
  const { token, expiresAt } = await issueToken(c.var.deps, result.admin, body.value.name);
  return c.json({ token, expires_at: expiresAt.toISOString() }, 201);
});

tokenApi.get("/api/v1/tokens", async (c) =>
  c.json({ items: await listTokens(c.var.deps, c.var.admin) }),
);

tokenApi.delete("/api/v1/tokens/:id", async (c) => {
  const revoked = await revokeToken(c.var.deps, c.var.admin, c.req.param("id"));
  if (!revoked) return problem(c, 404, `You hold no live token with id ${c.req.param("id")}.`);
  return c.body(null, 204);
});
