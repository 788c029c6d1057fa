// The outbox transport's mail, for admins: the Mailbox page and GET /api/v1/outbox.
import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../http/env";
import { fieldErrors, problem } from "../http/problem";
import { listOutbox } from "../mail/outbox-transport";
import { MailboxPage } from "./views";

const PAGE = 50;

const outboxQuery = z.object({
  to: z.string().trim().max(320, "at most 320 characters").optional(),
  limit: z.coerce
    .number()
    .int("a whole number")
    .min(1, "at least 1")
    .max(500, "at most 500")
    .default(100),
});

export const mailboxRoutes = new Hono<AppEnv>();

mailboxRoutes.get("/api/v1/outbox", async (c) => {
  if (c.var.deps.config.mail.transport !== "outbox") {
    return problem(
      c,
      404,
      "The outbox exists only with MAIL_TRANSPORT=outbox; mail goes through Resend.",
    );
  }
  const query = outboxQuery.safeParse(c.req.query());
  if (!query.success) {
    const errors = fieldErrors(query.error);
    return problem(c, 422, errors.map((e) => `${e.field}: ${e.message}`).join("; "), { errors });
  }
  const rows = await listOutbox(c.var.deps.db, {
    to: query.data.to || undefined,
    limit: query.data.limit,
  });
  return c.json({
    items: rows.map((m) => ({
      to: m.to,
      from: m.from,
      reply_to: m.replyTo,
      subject: m.subject,
      text: m.text,
      html: m.html,
      headers: m.headers,
      created_at: m.createdAt,
    })),
  });
});

mailboxRoutes.get("/admin/mailbox", async (c) => {
  const to = (c.req.query("to") ?? "").trim().slice(0, 320);
  const before = Number(c.req.query("before"));
  const rows = await listOutbox(c.var.deps.db, {
    to: to || undefined,
    before: Number.isInteger(before) && before > 0 ? before : undefined,
    limit: PAGE + 1,
  });
  const page = rows.slice(0, PAGE);
  return c.html(
    <MailboxPage
      email={c.var.admin.email}
      transport={c.var.deps.config.mail.transport}
      publicUrl={c.var.deps.config.publicUrl}
      to={to}
      messages={page}
      nextBefore={rows.length > PAGE ? (page[page.length - 1]?.id ?? null) : null}
    />,
  );
});
