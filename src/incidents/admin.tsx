// Admin pages for incidents: create, post updates (resolving is an update), write the postmortem.
import { Hono } from "hono";
import type { AppEnv } from "../http/env";
import { idParam } from "../http/params";
import { fieldErrors } from "../http/problem";
import type { Lang } from "../i18n";
import { messages } from "../messages";
import { ComponentError } from "../status/components";
import { errorsByField, type FormErrors, SelectField, TextArea, TextField } from "../views/fields";
import { AdminLayout } from "../views/layout";
import { useAdminLang, useAdminText } from "../views/org";
import { readSort, type Sort, SortHeader, sortRows } from "../views/sort";
import { formatInstant } from "./format";
import type { Incident } from "./queries";
import {
  allIncidents,
  createIncident,
  IMPACTS,
  INCIDENT_STATUSES,
  type IncidentPage,
  incidentById,
  newIncidentSchema,
  newUpdateSchema,
  postmortemSchema,
  postUpdate,
  servicesOf,
  writePostmortem,
} from "./service";
import { statusText } from "./views";

type Values = Record<string, string>;

const formValues = (form: Record<string, unknown>): Values =>
  Object.fromEntries(
    Object.entries(form).filter((e): e is [string, string] => typeof e[1] === "string"),
  );

/** `mail:major_outage, website:degraded` → the API's `components` array (checked by the schema). */
const componentsField = (value: string | undefined) =>
  (value ?? "")
    .split(",")
    .map((pair) => pair.trim())
    .filter(Boolean)
    .map((pair) => {
      const [slug = "", status = ""] = pair.split(":").map((x) => x.trim());
      return { slug, status };
    });

const time = (iso: string, lang: Lang) => <time datetime={iso}>{formatInstant(iso, lang)}</time>;

/** Whether subscribers are told: yes by default; a draft from a send starts at no. */
function NotifyField(props: { value?: string; errors?: FormErrors }) {
  const t = useAdminText().incidents;
  return (
    <SelectField
      name="notify"
      label={t.notify}
      value={props.value ?? "true"}
      options={[
        { value: "true", label: t.notifyYes },
        { value: "false", label: t.notifyNo },
      ]}
      errors={props.errors}
    />
  );
}

export function NewIncidentForm(props: { values?: Values; errors?: FormErrors }) {
  const t = useAdminText().incidents;
  const lang = useAdminLang();
  const v = props.values ?? {};
  return (
    <form method="post" action="/admin/incidents">
      <TextField name="title" label={t.titleField} value={v.title} errors={props.errors} required />
      <TextField name="title_en" label={t.titleEn} value={v.title_en} errors={props.errors} />
      <TextField
        name="slug"
        label={t.slug}
        value={v.slug}
        errors={props.errors}
        hint={t.slugHint}
        required
      />
      <div class="grid">
        <SelectField
          name="status"
          label={t.status}
          value={v.status}
          options={INCIDENT_STATUSES.map((s) => ({ value: s, label: statusText(lang, s) }))}
          errors={props.errors}
        />
        <SelectField
          name="impact"
          label={t.impact}
          value={v.impact ?? "minor"}
          options={IMPACTS.map((i) => ({ value: i, label: t.impactName(i) }))}
          errors={props.errors}
        />
      </div>
      <TextField
        name="services"
        label={t.services}
        value={v.services}
        errors={props.errors}
        hint={t.servicesHint}
      />
      <TextField
        name="components"
        label={t.components}
        value={v.components}
        errors={props.errors}
        hint={t.componentsHint}
      />
      <TextArea name="body" label={t.body} value={v.body} errors={props.errors} required />
      <TextArea name="body_en" label={t.inEnglish} value={v.body_en} errors={props.errors} />
      <NotifyField value={v.notify} errors={props.errors} />
      {v.from_send ? <input type="hidden" name="from_send" value={v.from_send} /> : null}
      <button type="submit">{t.publish}</button>
    </form>
  );
}

const INCIDENT_SORTS = ["updated", "status", "impact"] as const;
const INCIDENT_ORDER: Sort<(typeof INCIDENT_SORTS)[number]> = { key: "updated", dir: "desc" };

function IncidentListPage(props: {
  email: string;
  incidents: Incident[];
  values?: Values;
  errors?: FormErrors;
  sort?: Sort<(typeof INCIDENT_SORTS)[number]>;
}) {
  const t = useAdminText().incidents;
  const lang = useAdminLang();
  const sort = props.sort ?? INCIDENT_ORDER;
  const incidents = sortRows(props.incidents, sort, {
    updated: (i) => i.updatedAt,
    // In the order of their lifecycle and of their gravity, not of their spelling.
    status: (i) => (INCIDENT_STATUSES as readonly string[]).indexOf(i.status),
    impact: (i) => (IMPACTS as readonly string[]).indexOf(i.impact),
  });
  const header = (label: string, column: string) => (
    <SortHeader label={label} column={column} current={sort} path="/admin/incidents" params={{}} />
  );
  return (
    <AdminLayout title={t.title} email={props.email}>
      <h1>{t.title}</h1>
      <p>
        <a href="/admin/subscribers">{t.subscribersLink}</a>
        {t.subscribersExplained}
      </p>
      {props.incidents.length ? (
        <table>
          <thead>
            <tr>
              <th>{t.titleField}</th>
              {header(t.status, "status")}
              {header(t.impact, "impact")}
              {header(t.updated, "updated")}
            </tr>
          </thead>
          <tbody>
            {incidents.map((i) => (
              <tr>
                <td>
                  <a href={`/admin/incidents/${i.id}`}>{i.title}</a>
                </td>
                <td data-status={i.status}>{statusText(lang, i.status)}</td>
                <td data-impact={i.impact}>{t.impactName(i.impact)}</td>
                <td>{time(i.updatedAt, lang)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : (
        <p class="muted">{t.noIncident}</p>
      )}
      <details open={props.errors !== undefined}>
        <summary>{t.newIncident}</summary>
        <NewIncidentForm values={props.values} errors={props.errors} />
      </details>
    </AdminLayout>
  );
}

/** An incident declared from a send: its recipients may be told, once, through the pipeline. */
function TellSendRecipients(props: { incident: Incident }) {
  const t = useAdminText().incidents;
  const sendId = props.incident.fromSendId ?? 0;
  return (
    <section>
      <h2>{t.declaredFrom(sendId)}</h2>
      <p>
        <a href={`/admin/sends/${sendId}`}>{t.sendLink(sendId)}</a>
        {t.letAnswer}
        <a href={`/admin/polls?incident=${props.incident.slug}`}>{t.attachPoll}</a>
        {t.toThisIncident}
      </p>
      <form method="post" action={`/admin/incidents/${props.incident.id}/notify-send-recipients`}>
        <button type="submit">{t.tellRecipients(sendId)}</button>
        <small> {t.tellExplained}</small>
      </form>
    </section>
  );
}

type AdminPageProps = {
  email: string;
  page: IncidentPage;
  update?: { values: Values; errors: FormErrors };
  postmortem?: { values: Values; errors: FormErrors };
  saved?: string;
};

function IncidentAdminPage(props: AdminPageProps) {
  const t = useAdminText().incidents;
  const lang = useAdminLang();
  const { incident } = props.page;
  return (
    <AdminLayout title={incident.title} email={props.email}>
      <hgroup>
        <h1>{incident.title}</h1>
        <p>
          {statusText(lang, incident.status)}
          {t.impactLine(t.impactName(incident.impact))}
          {servicesOf(incident).length ? ` · ${servicesOf(incident).join(", ")}` : ""}
          {props.page.components.length
            ? t.componentsLine(props.page.components.map((c) => `${c.slug}:${c.status}`).join(", "))
            : ""}{" "}
          · <a href={`/incidents/${incident.slug}`}>{t.publicPage}</a>
        </p>
      </hgroup>
      {props.saved ? (
        <p class="notice" role="status">
          {props.saved}
        </p>
      ) : null}
      {incident.fromSendId !== null ? <TellSendRecipients incident={incident} /> : null}
      <UpdateSection incident={incident} update={props.update} />
      <section>
        <h2>{t.timeline}</h2>
        <ol reversed>
          {props.page.updates.map((up) => (
            <li>
              <strong>{statusText(lang, up.status)}</strong> — {time(up.createdAt, lang)}
              <pre class="source">{up.body}</pre>
            </li>
          ))}
        </ol>
      </section>
      <PostmortemSection incident={incident} postmortem={props.postmortem} />
    </AdminLayout>
  );
}

/** Posting an update (status, components, text in both languages), and resolving in one click. */
function UpdateSection(props: { incident: Incident; update: AdminPageProps["update"] }) {
  const t = useAdminText().incidents;
  const lang = useAdminLang();
  const { incident } = props;
  const u = props.update?.values ?? {};
  const errors = props.update?.errors;
  return (
    <section>
      <h2>{t.postUpdate}</h2>
      <form method="post" action={`/admin/incidents/${incident.id}/updates`}>
        <SelectField
          name="status"
          label={t.newStatus}
          value={u.status ?? incident.status}
          options={INCIDENT_STATUSES.map((s) => ({ value: s, label: statusText(lang, s) }))}
          errors={errors}
        />
        <TextField
          name="components"
          label={t.componentsOptional}
          value={u.components}
          errors={errors}
          hint={t.componentsHint}
        />
        <TextArea name="body" label={t.whatChanged} value={u.body} errors={errors} required />
        <TextArea name="body_en" label={t.inEnglish} value={u.body_en} errors={errors} />
        <NotifyField value={u.notify} errors={errors} />
        <button type="submit">{t.postTheUpdate}</button>
      </form>
      {incident.status !== "resolved" ? (
        <form method="post" action={`/admin/incidents/${incident.id}/updates`}>
          <input type="hidden" name="status" value="resolved" />
          {/* One text per language: the public page shows only the reader's. */}
          <input type="hidden" name="body" value="Résolu." />
          <input type="hidden" name="body_en" value="Resolved." />
          <button type="submit" class="secondary">
            {t.resolveNow}
          </button>
        </form>
      ) : null}
    </section>
  );
}

function PostmortemSection(props: {
  incident: Incident;
  postmortem: AdminPageProps["postmortem"];
}) {
  const t = useAdminText().incidents;
  const { incident } = props;
  const p = props.postmortem?.values ?? {
    postmortem: incident.postmortem ?? "",
    postmortem_en: incident.postmortemEn ?? "",
  };
  return (
    <section>
      <h2>{t.postmortem}</h2>
      <form method="post" action={`/admin/incidents/${incident.id}/postmortem`}>
        <TextArea
          name="postmortem"
          label={t.postmortemField}
          value={p.postmortem}
          rows={10}
          errors={props.postmortem?.errors}
        />
        <TextArea
          name="postmortem_en"
          label={t.inEnglish}
          value={p.postmortem_en}
          rows={6}
          errors={props.postmortem?.errors}
        />
        <button type="submit">{t.savePostmortem}</button>
      </form>
    </section>
  );
}

/** An unknown component slug, as the form's field error; anything else is not ours to handle. */
const componentErrors = (error: unknown) => {
  if (error instanceof ComponentError) return { ok: false as const, errors: error.errors };
  throw error;
};

export const incidentAdmin = new Hono<AppEnv>();

incidentAdmin.get("/admin/incidents", async (c) =>
  c.html(
    <IncidentListPage
      email={c.var.admin.email}
      incidents={await allIncidents(c.var.deps)}
      sort={readSort(c.req.query(), INCIDENT_SORTS, INCIDENT_ORDER)}
    />,
  ),
);

incidentAdmin.post("/admin/incidents", async (c) => {
  const values = formValues(await c.req.parseBody());
  const parsed = newIncidentSchema.safeParse({
    ...values,
    services: (values.services ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
    components: componentsField(values.components),
  });
  const result = parsed.success
    ? await createIncident(c.var.deps, parsed.data).catch(componentErrors)
    : { ok: false as const, errors: fieldErrors(parsed.error) };
  if (!result.ok) {
    return c.html(
      <IncidentListPage
        email={c.var.admin.email}
        incidents={await allIncidents(c.var.deps)}
        values={values}
        errors={errorsByField(result.errors, c.var.adminLang)}
      />,
      422,
    );
  }
  return c.redirect(`/admin/incidents/${result.incident.id}`, 303);
});

incidentAdmin.get("/admin/incidents/:id", async (c) => {
  const id = idParam(c.req.param("id"));
  const page = id === undefined ? undefined : await incidentById(c.var.deps, id);
  if (!page) return c.notFound();
  const t = messages(c.var.adminLang).incidents;
  const saved = c.req.query("told")
    ? t.told
    : c.req.query("saved") === "update"
      ? t.updatePosted
      : c.req.query("saved")
        ? t.postmortemSaved
        : undefined;
  return c.html(<IncidentAdminPage email={c.var.admin.email} page={page} saved={saved} />);
});

incidentAdmin.post("/admin/incidents/:id/updates", async (c) => {
  const id = idParam(c.req.param("id"));
  const page = id === undefined ? undefined : await incidentById(c.var.deps, id);
  if (!page || id === undefined) return c.notFound();
  const values = formValues(await c.req.parseBody());
  const parsed = newUpdateSchema.safeParse({
    ...values,
    components: componentsField(values.components),
  });
  const posted = parsed.success
    ? await postUpdate(c.var.deps, id, parsed.data).catch(componentErrors)
    : { ok: false as const, errors: fieldErrors(parsed.error) };
  if (posted && "errors" in posted) {
    return c.html(
      <IncidentAdminPage
        email={c.var.admin.email}
        page={page}
        update={{ values, errors: errorsByField(posted.errors, c.var.adminLang) }}
      />,
      422,
    );
  }
  return c.redirect(`/admin/incidents/${id}?saved=update`, 303);
});

incidentAdmin.post("/admin/incidents/:id/postmortem", async (c) => {
  const id = idParam(c.req.param("id"));
  const page = id === undefined ? undefined : await incidentById(c.var.deps, id);
  if (!page || id === undefined) return c.notFound();
  const values = formValues(await c.req.parseBody());
  const parsed = postmortemSchema.safeParse(values);
  if (!parsed.success) {
    return c.html(
      <IncidentAdminPage
        email={c.var.admin.email}
        page={page}
        postmortem={{ values, errors: errorsByField(fieldErrors(parsed.error), c.var.adminLang) }}
      />,
      422,
    );
  }
  await writePostmortem(c.var.deps, id, parsed.data);
  return c.redirect(`/admin/incidents/${id}?saved=postmortem`, 303);
});
