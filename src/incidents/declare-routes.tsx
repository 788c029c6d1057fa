// "Declare an incident" from a send: the pre-filled draft (admin page and JSON), and telling the
// send's recipients once (admin button and API).
import type { Context } from "hono";
import { Hono } from "hono";
import type { AppEnv } from "../http/env";
import { idParam } from "../http/params";
import { problem } from "../http/problem";
import { type Lang, LOCALES } from "../i18n";
import { messages } from "../messages";
import type { SendReport } from "../sending/outbox";
import { AdminLayout } from "../views/layout";
import { useAdminLang, useAdminText } from "../views/org";
import { Time } from "../views/time";
import { NewIncidentForm } from "./admin";
import {
  draftFromSend,
  NotDeclaredFromSend,
  notifySendRecipients,
  RecipientsAlreadyTold,
  type SendFacts,
  sendFacts,
} from "./declare";

type C = Context<AppEnv>;

export const declareRoutes = new Hono<AppEnv>();

/** "1.5 %" or "1,5 %": one decimal, a space before the sign in both languages (as before). */
const percent = (rate: number, lang: Lang) =>
  `${(rate * 100).toLocaleString(LOCALES[lang], { minimumFractionDigits: 1, maximumFractionDigits: 1 })} %`;

function DeclarePage(props: { email: string; facts: SendFacts }) {
  const t = useAdminText().incidents;
  const lang = useAdminLang();
  const count = (n: number) => n.toLocaleString(LOCALES[lang]);
  const f = props.facts;
  return (
    <AdminLayout title={t.declareTitle(f.sendId)} email={props.email}>
      <h1>{t.declareHeading(f.sendId)}</h1>
      <p>
        {t.draftHolds}
        <a href={`/admin/sends/${f.sendId}`}>{t.sendInline(f.sendId)}</a>
        {t.draftEdit}
      </p>
      <dl>
        <dt>{t.whatWasSent}</dt>
        <dd>
          {f.subject || f.kind} ({f.kind}){t.sentTo(f.listName)}
        </dd>
        <dt>{t.howMany}</dt>
        <dd>{t.sentOf(count(f.sent), count(f.total))}</dd>
        <dt>{t.whenStopped}</dt>
        <dd>{f.stoppedAt ? <Time at={f.stoppedAt} lang={lang} /> : t.notStopped}</dd>
        <dt>{t.rates}</dt>
        <dd>
          {t.ratesLine(
            percent(f.bounceRate, lang),
            percent(f.complaintRate, lang),
            count(f.outcomes),
          )}
        </dd>
      </dl>
      <NewIncidentForm values={draftFromSend(f)} />
    </AdminLayout>
  );
}

const facts = async (c: C) => {
  const id = idParam(c.req.param("id"));
  return id === undefined ? undefined : sendFacts(c.var.deps, id);
};

declareRoutes.get("/admin/sends/:id/declare", async (c) => {
  const f = await facts(c);
  if (!f) return c.notFound();
  return c.html(<DeclarePage email={c.var.admin.email} facts={f} />);
});

declareRoutes.get("/api/v1/sends/:id/incident-draft", async (c) => {
  const f = await facts(c);
  if (!f) return problem(c, 404, `No send has the id ${c.req.param("id")}.`);
  return c.json({ facts: f, draft: { ...draftFromSend(f), from_send: f.sendId, notify: false } });
});

type Told =
  | { report: SendReport }
  | { status: 404 | 409; message: string; why?: "alreadyTold" | "notFromSend" };

/** The outcome of telling the recipients, or the problem to answer. */
async function tell(c: C): Promise<Told> {
  const id = idParam(c.req.param("id"));
  try {
    const report =
      id === undefined ? undefined : await notifySendRecipients(c.var.deps, id, c.var.admin.email);
    if (!report)
      return { status: 404 as const, message: `No incident has the id ${c.req.param("id")}.` };
    return { report };
  } catch (error) {
    if (error instanceof RecipientsAlreadyTold) {
      return {
        status: 409 as const,
        message: "The recipients of this send were already told of this incident; it is done once.",
        why: "alreadyTold" as const,
      };
    }
    if (error instanceof NotDeclaredFromSend) {
      return {
        status: 409 as const,
        message: "This incident was not declared from a send: it has no recipients to tell.",
        why: "notFromSend" as const,
      };
    }
    throw error;
  }
}

declareRoutes.post("/api/v1/incidents/:id/notify-send-recipients", async (c) => {
  const outcome = await tell(c);
  if (!("report" in outcome)) return problem(c, outcome.status, outcome.message);
  const { report } = outcome;
  return c.json(
    { send_id: report.sendId, recipients: report.recipients, excluded: report.excluded },
    202,
  );
});

declareRoutes.post("/admin/incidents/:id/notify-send-recipients", async (c) => {
  const outcome = await tell(c);
  if (!("report" in outcome)) {
    const t = messages(c.var.adminLang).incidents;
    return c.html(
      <AdminLayout title={t.notSent} email={c.var.admin.email}>
        <h1>{t.notSent}</h1>
        <p class="notice error">{outcome.why ? t[outcome.why] : outcome.message}</p>
        <p>
          <a href={`/admin/incidents/${c.req.param("id")}`}>{t.backToIncident}</a>
        </p>
      </AdminLayout>,
      outcome.status,
    );
  }
  return c.redirect(`/admin/incidents/${c.req.param("id")}?told=1`, 303);
});
