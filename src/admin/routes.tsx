// The admin home: where an admin lands after signing in, the dashboard.
import { Hono } from "hono";
import type { AppEnv } from "../http/env";
import { dashboard } from "./dashboard";
import { DashboardPage } from "./views";

export const adminHome = new Hono<AppEnv>();

adminHome.get("/admin", async (c) =>
  c.html(
    <DashboardPage
      email={c.var.admin.email}
      data={await dashboard(c.var.deps)}
      outbox={c.var.deps.config.mail.transport === "outbox"}
    />,
  ),
);
