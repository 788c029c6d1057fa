// "Declare an incident" from a send: the pre-filled draft (admin page and JSON), and telling the
// send's recipients once (admin button and API).
import type { Context } from "hono";
import { Hono } from "hono";
import type { AppEnv } from "../http/env";
import { idParam } from "../http/params";
import { problem } from "../http/problem";
import type { SendReport } from "../sending/outbox";
import { AdminLayout } from "../views/layout";
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

const percent = (rate: number) => `${(rate * 100).toFixed(1)} %`;

function DeclarePage(props: { email: string; facts: SendFacts }) {
  const f = props.facts;
  return (
    <AdminLayout title={`Declare an incident · send #${f.sendId}`} email={props.email}>
      <h1>Declare an incident from send #{f.sendId}</h1>
      <p>
        The draft below holds the facts of <a href={`/admin/sends/${f.sendId}`}>send #{f.sendId}</a>
        . Edit it, then publish. Nothing is published or sent before you do.
      </p>
      <dl>
        <dt>What was sent</dt>
        <dd>
          {f.subject || f.kind} ({f.kind}) to {f.listName}
        </dd>
        <dt>To how many</dt>
        <dd>
          {f.sent} sent of {f.total}
        </dd>
        <dt>When it was stopped</dt>
        <dd>{f.stoppedAt ? <time datetime={f.stoppedAt}>{f.stoppedAt}</time> : "not stopped"}</dd>
        <dt>Bounce and complaint rates</dt>
        <dd>
          {percent(f.bounceRate)} bounces, {percent(f.complaintRate)} complaints (of {f.outcomes}{" "}
          outcomes)
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

type Told = { report: SendReport } | { status: 404 | 409; message: string };

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
      };
    }
    if (error instanceof NotDeclaredFromSend) {
      return {
        status: 409 as const,
        message: "This incident was not declared from a send: it has no recipients to tell.",
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
    return c.html(
      <AdminLayout title="Not sent" email={c.var.admin.email}>
        <h1>Not sent</h1>
        <p class="notice error">{outcome.message}</p>
        <p>
          <a href={`/admin/incidents/${c.req.param("id")}`}>Back to the incident</a>
        </p>
      </AdminLayout>,
      outcome.status,
    );
  }
  return c.redirect(`/admin/incidents/${c.req.param("id")}?told=1`, 303);
});
