// The admin home: where an admin lands after signing in.
import { Hono } from "hono";
import type { AppEnv } from "../http/env";
import { AdminLayout } from "../views/layout";

export const adminHome = new Hono<AppEnv>();

adminHome.get("/admin", (c) =>
  c.html(
    <AdminLayout title="Home" email={c.var.admin.email}>
      <h1>Welcome</h1>
      <p>Signed in as {c.var.admin.email}.</p>
    </AdminLayout>,
  ),
);
