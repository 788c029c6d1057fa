// createApp(deps): the one Hono app, identical on Node and Workers (no runtime specifics here).
import { type Context, Hono, type MiddlewareHandler } from "hono";
import { bodyLimit } from "hono/body-limit";
import { getCookie } from "hono/cookie";
import { csrf } from "hono/csrf";
import { HTTPException } from "hono/http-exception";
import { adminHome } from "./admin/routes";
import { adminsApi } from "./admins/api";
import { invitePages } from "./admins/invite";
import { adminsPages } from "./admins/pages";
import { auditAdmin } from "./audit/routes";
import { requireAdminSession, requireApiToken } from "./auth/middleware";
import { enforceRoles } from "./auth/roles";
import { authPages, tokenApi } from "./auth/routes";
import { totpPages } from "./auth/totp-pages";
import { evidenceRoutes } from "./consent/evidence-routes";
import { contactsAdmin } from "./contacts/admin";
import { contactsApi } from "./contacts/api";
import { deliverabilityAdmin } from "./deliverability/routes";
import type { Deps } from "./deps";
import { homeRoutes } from "./home/routes";
import type { ClientAddressReader } from "./http/client-address";
import type { AppEnv } from "./http/env";
import { describeError } from "./http/error-log";
import { answersProblems, problem } from "./http/problem";
import { LIMITS, limitPerClient } from "./http/rate-limit";
import { securityHeaders } from "./http/security-headers";
import { isDatabaseUnavailable } from "./http/unavailable";
import { LANG_COOKIE, pickLang } from "./i18n";
import { incidentAdmin } from "./incidents/admin";
import { declareRoutes } from "./incidents/declare-routes";
import { incidentApi, incidentPages } from "./incidents/routes";
import { listsAdmin } from "./lists/admin";
import { listsApi } from "./lists/api";
import { mailboxRoutes } from "./mailbox/routes";
import { registrationsAdmin } from "./participant/admin";
import { registrationsApi } from "./participant/api";
import { lostLinkPages } from "./participant/lost-link-routes";
import { participantPages } from "./participant/routes";
import { pollAdmin } from "./polls/admin";
import { pollApi, pollPageFromMemory, pollPages } from "./polls/routes";
import { sendingApi } from "./sending/api";
import { sendingPages } from "./sending/routes";
import { statusAdmin } from "./status/admin";
import { statusApi } from "./status/api";
import { statusPageFromMemory } from "./status/page-routes";
import { statusPages } from "./status/routes";
import { subscriptionAdmin } from "./subscriptions/admin";
import { subscriptionPages } from "./subscriptions/routes";
import { suppressionAdmin, suppressionsApi } from "./suppressions/routes";
import { errorPage } from "./views/errors";
import { providePageContext, siteOf } from "./views/org";
import { webhookRoutes } from "./webhooks/routes";
import { webhookEndpointRoutes } from "./webhooks-out/routes";

const MB = 1024 * 1024;
/** Routes that take large uploads set their own, larger limit. */
const LARGE_BODY_PATHS = /\/imports(\/|$)/;

/** Paths that are not browser forms of this site, so not subject to the Origin check. */
const CSRF_EXEMPT = /^\/(api\/|webhooks\/|u\/)/;

export type AppOptions = {
  /** Serves public/ where the runtime does not do it itself (Node; Workers serves assets). */
  staticFiles?: MiddlewareHandler;
  /** How this runtime knows the client's address (socket on Node, CF-Connecting-IP on Workers). */
  clientAddress?: ClientAddressReader;
  /** Deps for one request (Workers: waking the dispatcher is a Queue send kept alive by this request). */
  requestDeps?: (deps: Deps, c: Context) => Deps;
};

export function createApp(deps: Deps, options: AppOptions = {}) {
  const app = new Hono<AppEnv>();
  app.use(securityHeaders(deps.config.embedFrameAncestors));
  // Provider webhooks arrive at the sending rate and need nothing of what follows (session, Origin
  // check, language, page context): their route answers here, with its own body limit.
  app.post("/webhooks/resend", provideDeps(deps, options));
  app.route("/", webhookRoutes);
  if (options.staticFiles) app.use(options.staticFiles);
  const publicOrigin = new URL(deps.config.publicUrl).origin;

  app.use(provideDeps(deps, options));
  app.use(async (c, next) => {
    const cookie = getCookie(c, LANG_COOKIE);
    c.set("lang", pickLang(cookie, c.req.header("Accept-Language")));
    c.set("adminLang", pickLang(cookie, c.req.header("Accept-Language"), "en"));
    const url = new URL(c.req.url);
    providePageContext(c, {
      ...siteOf(c.var.deps),
      adminLang: c.var.adminLang,
      path: url.pathname + url.search,
    });
    await next();
  });

  useGuards(app, publicOrigin);

  for (const routes of ROUTES) app.route("/", routes);

  app.notFound((c) =>
    answersProblems(c.req.path)
      ? problem(c, 404, `No resource at ${c.req.method} ${c.req.path}.`)
      : errorPage(c, 404),
  );

  app.onError(answerError);

  // A spike (everyone opens the status page or a poll at once) is answered from memory before the
  // router, whose matching would cost more than the answer (bench/RESULTS.md); these responses
  // carry the security headers already. `app.request` goes through here too.
  const fromMemory = [statusPageFromMemory(deps), pollPageFromMemory(deps)];
  const route = app.fetch;
  app.fetch = (request, ...rest) => {
    for (const answer of fromMemory) {
      const response = answer(request);
      if (response) return response;
    }
    return route(request, ...rest);
  };
  return app;
}

export type App = ReturnType<typeof createApp>;

/** What every route reads from the context: its deps and the client's address. */
function provideDeps(deps: Deps, options: AppOptions): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    c.set("deps", options.requestDeps ? options.requestDeps(deps, c) : deps);
    c.set("clientAddress", options.clientAddress?.(c) ?? "unknown");
    await next();
  };
}

/** Every answer's guards, in order: body size, Origin, abuse limits, sign-in, then roles. */
function useGuards(app: Hono<AppEnv>, publicOrigin: string) {
  const limitBody = bodyLimit({
    maxSize: MB,
    onError: (c) =>
      answersProblems(c.req.path)
        ? problem(c, 413, "The request body is larger than 1 MB.")
        : c.text("The request body is larger than 1 MB.", 413),
  });
  app.use(async (c, next) => {
    // GET and HEAD carry no body; asking for one makes the Node adapter build a full Request.
    if (c.req.method === "GET" || c.req.method === "HEAD") return next();
    if (LARGE_BODY_PATHS.test(c.req.path)) return next();
    return limitBody(c, next);
  });

  const originCheck = csrf({
    origin: (origin, c) => origin === publicOrigin || origin === new URL(c.req.url).origin,
  });
  app.use(async (c, next) => (CSRF_EXEMPT.test(c.req.path) ? next() : originCheck(c, next)));

  // Abuse limits per client address, before any work is done (issue: sign-in, tokens, subscribe, webhooks).
  app.post("/admin/login", limitPerClient(LIMITS.signIn));
  app.post("/api/v1/tokens", limitPerClient(LIMITS.signIn));
  app.post("/lists/:slug/subscribe", limitPerClient(LIMITS.subscribe));
  app.post("/status/subscribe", limitPerClient(LIMITS.subscribe));
  app.post("/incidents/:slug/follow", limitPerClient(LIMITS.subscribe));
  app.post("/lists/:slug/lost-link", limitPerClient(LIMITS.subscribe));
  app.post("/lost-link", limitPerClient(LIMITS.subscribe));
  // Webhooks count only requests whose signature fails (webhooks/routes.ts).

  app.use("/admin/*", async (c, next) =>
    c.req.path === "/admin/login" ? next() : requireAdminSession(c, next),
  );
  app.use("/admin", requireAdminSession);
  app.use("/api/v1/*", async (c, next) =>
    c.req.path === "/api/v1/tokens" && c.req.method === "POST" ? next() : requireApiToken(c, next),
  );
  // Roles, once for every admin page and API route (src/auth/roles.tsx holds the table).
  app.use("/admin", enforceRoles);
  app.use("/admin/*", enforceRoles);
  app.use("/api/v1/*", enforceRoles);
}

/** What a thrown error becomes: the client's format (problem+json or a page), never internals. */
function answerError(error: Error, c: Context<AppEnv>) {
  if (error instanceof HTTPException && error.status < 500) {
    // hono/csrf and friends throw these: answer in the client's format, without internals.
    const message =
      error.status === 403
        ? "This form was submitted from another site, so it was refused. Reload the page and try again."
        : error.message || "The request was refused.";
    return answersProblems(c.req.path)
      ? problem(c, error.status as 400, message)
      : c.text(message, error.status);
  }
  if (isDatabaseUnavailable(error)) {
    console.error(
      `[relance] ${c.req.method} ${c.req.path}: database unavailable: ${describeError(error)}`,
    );
    c.header("Retry-After", "5");
    return answersProblems(c.req.path)
      ? problem(
          c,
          503,
          "The database is unavailable for a moment; nothing was changed. Retry shortly.",
        )
      : errorPage(c, 503);
  }
  console.error(`[relance] ${c.req.method} ${c.req.path} failed: ${describeError(error)}`);
  return answersProblems(c.req.path)
    ? problem(c, 500, "An unexpected error occurred; nothing was changed.")
    : errorPage(c, 500);
}

/** Every part's routes, mounted in this order (the first match wins). */
const ROUTES = [
  homeRoutes,
  authPages,
  tokenApi,
  adminsApi,
  invitePages,
  adminsPages,
  totpPages,
  adminHome,
  mailboxRoutes,
  listsApi,
  contactsApi,
  listsAdmin,
  contactsAdmin,
  auditAdmin,
  evidenceRoutes,
  sendingApi,
  sendingPages,
  incidentPages,
  subscriptionPages,
  incidentApi,
  incidentAdmin,
  statusApi,
  statusAdmin,
  statusPages,
  declareRoutes,
  subscriptionAdmin,
  pollPages,
  pollApi,
  pollAdmin,
  participantPages,
  lostLinkPages,
  registrationsApi,
  registrationsAdmin,
  suppressionAdmin,
  suppressionsApi,
  deliverabilityAdmin,
  webhookEndpointRoutes,
];
