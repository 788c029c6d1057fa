// The public status forms: POST /status/subscribe (every update, optional `components`) and
// POST /incidents/:slug/follow. Both answer "check your inbox" whatever the address.
import type { Context } from "hono";
import { Hono } from "hono";
import { hashClientAddress } from "../http/client-address";
import type { AppEnv } from "../http/env";
import { findIncidentBySlug } from "../incidents/queries";
import { userAgentFamily } from "../participant/proof";
import { errorPage } from "../views/errors";
import { botRefusal, followFormScope, formGuard, STATUS_FORM_SCOPE } from "./bot-fields";
import { followIncident, parseStatusForm, subscribeToStatus } from "./service";
import { CheckInboxPage, FollowIncidentForm, FormErrorPage, StatusSubscribeForm } from "./views";

type C = Context<AppEnv>;

export const subscriptionPages = new Hono<AppEnv>();

const proofOf = (c: C) => ({
  ipHash: hashClientAddress(c.var.deps, c.var.clientAddress),
  uaFamily: userAgentFamily(c.req.header("User-Agent")),
});

const noStore = (c: C) => c.header("Cache-Control", "private, no-store");

const typedEmail = (form: Record<string, unknown>) =>
  typeof form.email === "string" ? form.email : "";

subscriptionPages.post("/status/subscribe", async (c) => {
  noStore(c);
  const form = await c.req.parseBody({ all: true });
  const parsed = parseStatusForm(form);
  // A program's form records nothing, even when its fields are valid.
  const refused = botRefusal(c.var.deps, form, STATUS_FORM_SCOPE);
  if (!parsed.ok || refused) {
    const view = (
      <StatusSubscribeForm
        lang={c.var.lang}
        guard={formGuard(c.var.deps, STATUS_FORM_SCOPE)}
        error={parsed.ok ? undefined : parsed.error}
        email={typedEmail(form)}
        refused={refused}
      />
    );
    return c.html(
      <FormErrorPage lang={c.var.lang} path={c.req.path} form={view} kind="subscribe" />,
      422,
    );
  }
  await subscribeToStatus(c.var.deps, { ...parsed.value, lang: c.var.lang }, proofOf(c));
  return c.html(<CheckInboxPage lang={c.var.lang} path={c.req.path} back="/" />);
});

subscriptionPages.post("/incidents/:slug/follow", async (c) => {
  noStore(c);
  const incident = await findIncidentBySlug(c.var.deps.db, c.req.param("slug"));
  if (!incident) return errorPage(c, 404);
  const form = await c.req.parseBody({ all: true });
  const parsed = parseStatusForm({ email: form.email });
  const back = `/incidents/${incident.slug}`;
  const scope = followFormScope(incident.slug);
  const refused = botRefusal(c.var.deps, form, scope);
  if (!parsed.ok || refused) {
    const view = (
      <FollowIncidentForm
        lang={c.var.lang}
        slug={incident.slug}
        guard={formGuard(c.var.deps, scope)}
        error={parsed.ok ? undefined : parsed.error}
        email={typedEmail(form)}
        refused={refused}
      />
    );
    return c.html(
      <FormErrorPage lang={c.var.lang} path={c.req.path} form={view} kind="follow" />,
      422,
    );
  }
  await followIncident(c.var.deps, incident, { ...parsed.value, lang: c.var.lang }, proofOf(c));
  return c.html(<CheckInboxPage lang={c.var.lang} path={c.req.path} back={back} />);
});
