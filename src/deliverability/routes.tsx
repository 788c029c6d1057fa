// Admin pages: deliverability overall and per send, and the inbound mail list.
import { Hono } from "hono";
import type { AppEnv } from "../http/env";
import { sendProgress } from "../sending/service";
import { inboundMail } from "../webhooks/service";
import { overallDeliverability, recentSendOutcomes, sendDeliverability } from "./service";
import { InboundPage, OverallPage, SendDeliverabilityPage } from "./views";

export const deliverabilityAdmin = new Hono<AppEnv>();

deliverabilityAdmin.get("/admin/deliverability", async (c) => {
  const [d, sends] = await Promise.all([
    overallDeliverability(c.var.deps),
    recentSendOutcomes(c.var.deps),
  ]);
  return c.html(
    <OverallPage
      email={c.var.admin.email}
      d={d}
      sends={sends}
      outbox={c.var.deps.config.mail.transport === "outbox"}
    />,
  );
});

deliverabilityAdmin.get("/admin/deliverability/sends/:id", async (c) => {
  const raw = c.req.param("id");
  const send = /^\d{1,15}$/.test(raw) ? await sendProgress(c.var.deps, Number(raw)) : undefined;
  if (!send) return c.notFound();
  const d = await sendDeliverability(c.var.deps, send);
  return c.html(<SendDeliverabilityPage email={c.var.admin.email} d={d} send={send} />);
});

deliverabilityAdmin.get("/admin/inbound", async (c) =>
  c.html(<InboundPage email={c.var.admin.email} mail={await inboundMail(c.var.deps)} />),
);
