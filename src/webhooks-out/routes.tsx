// Outgoing webhook endpoints: the JSON API (POST/GET/DELETE /api/v1/webhook-endpoints) and the
// owners' admin page with its delivery log and "send a test event" button. Owners only (roles).
import { type Context, Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../http/env";
import { errorText } from "../http/form-errors";
import { idParam } from "../http/params";
import { parseJson, problem } from "../http/problem";
import { messages } from "../messages";
import { errorPage } from "../views/errors";
import { EVENT_PATTERNS } from "./events";
import {
  type Endpoint,
  listEndpoints,
  RefusedWebhookUrl,
  recentDeliveries,
  registerEndpoint,
  removeEndpoint,
  sendTestEvent,
} from "./service";
import { WebhooksPage, type WebhooksPageProps } from "./views";

const endpointInput = z.object({
  url: z.string({ error: "url is the address to post events to." }).trim().min(1).max(2000),
  events: z
    .array(
      z.enum(EVENT_PATTERNS as [string, ...string[]], {
        error: `one of ${EVENT_PATTERNS.join(", ")}`,
      }),
    )
    .min(1, "Choose at least one event.")
    .max(EVENT_PATTERNS.length),
});

const endpointJson = (e: Endpoint) => ({
  id: e.id,
  url: e.url,
  events: e.events,
  created_at: e.createdAt,
});

export const webhookEndpointRoutes = new Hono<AppEnv>();

webhookEndpointRoutes.post("/api/v1/webhook-endpoints", async (c) => {
  const body = await parseJson(c, endpointInput);
  if (!body.ok) return body.response;
  try {
    const endpoint = await registerEndpoint(c.var.deps, body.value, c.var.admin.email);
    return c.json({ ...endpointJson(endpoint), secret: endpoint.secret }, 201);
  } catch (error) {
    if (!(error instanceof RefusedWebhookUrl)) throw error;
    return problem(c, 422, `url: ${error.message}`, {
      errors: [{ field: "url", message: error.message }],
    });
  }
});

webhookEndpointRoutes.get("/api/v1/webhook-endpoints", async (c) =>
  c.json({ items: (await listEndpoints(c.var.deps)).map(endpointJson) }),
);

webhookEndpointRoutes.delete("/api/v1/webhook-endpoints/:id", async (c) => {
  const id = idParam(c.req.param("id"));
  if (id === undefined || !(await removeEndpoint(c.var.deps, id, c.var.admin.email))) {
    return problem(c, 404, `No webhook endpoint with id ${c.req.param("id")}.`);
  }
  return c.body(null, 204);
});

webhookEndpointRoutes.post("/api/v1/webhook-endpoints/:id/test", async (c) => {
  const id = idParam(c.req.param("id"));
  const delivery =
    id === undefined ? undefined : await sendTestEvent(c.var.deps, id, c.var.admin.email);
  if (delivery === undefined)
    return problem(c, 404, `No webhook endpoint with id ${c.req.param("id")}.`);
  return c.json({ delivery_id: delivery }, 202);
});

async function renderPage(
  c: Context<AppEnv>,
  extra: Partial<WebhooksPageProps> = {},
  status: 200 | 422 = 200,
) {
  const endpoints = await listEndpoints(c.var.deps);
  const deliveries = await recentDeliveries(
    c.var.deps,
    endpoints.map((e) => e.id),
  );
  return c.html(
    <WebhooksPage
      email={c.var.admin.email}
      endpoints={endpoints}
      deliveries={deliveries}
      {...extra}
    />,
    status,
  );
}

webhookEndpointRoutes.get("/admin/webhook-endpoints", (c) => renderPage(c));

webhookEndpointRoutes.post("/admin/webhook-endpoints", async (c) => {
  const form = await c.req.parseBody({ all: true });
  const url = typeof form.url === "string" ? form.url : "";
  const events = ([] as unknown[]).concat(form.events ?? []).filter((e) => typeof e === "string");
  const parsed = endpointInput.safeParse({ url, events });
  if (!parsed.success) {
    const field = parsed.error.issues[0]?.path[0] === "events" ? "events" : "url";
    const t = messages(c.var.adminLang).webhooks;
    const message = field === "events" ? t.chooseEvent : t.giveUrl;
    return renderPage(c, { error: { url, events, field, message } }, 422);
  }
  try {
    const endpoint = await registerEndpoint(c.var.deps, parsed.data, c.var.admin.email);
    return renderPage(c, { created: { id: endpoint.id, secret: endpoint.secret } });
  } catch (error) {
    if (!(error instanceof RefusedWebhookUrl)) throw error;
    const { code, values } = error;
    const message = errorText(c.var.adminLang, {
      field: "url",
      message: error.message,
      code,
      values,
    });
    return renderPage(c, { error: { url, events, field: "url", message } }, 422);
  }
});

webhookEndpointRoutes.post("/admin/webhook-endpoints/:id/test", async (c) => {
  const id = idParam(c.req.param("id"));
  const delivery =
    id === undefined ? undefined : await sendTestEvent(c.var.deps, id, c.var.admin.email);
  if (delivery === undefined) return errorPage(c, 404);
  return renderPage(c, {
    notice: messages(c.var.adminLang).webhooks.testQueued,
  });
});

webhookEndpointRoutes.post("/admin/webhook-endpoints/:id/delete", async (c) => {
  const id = idParam(c.req.param("id"));
  if (id === undefined || !(await removeEndpoint(c.var.deps, id, c.var.admin.email))) {
    return errorPage(c, 404);
  }
  return c.redirect("/admin/webhook-endpoints", 303);
});
