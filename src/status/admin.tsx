// Admin pages for the status page: components (create, set a status) and scheduled maintenance.
import { type Context, Hono } from "hono";
import type { AppEnv } from "../http/env";
import { fieldErrors } from "../http/problem";
import type { Lang } from "../i18n";
import { formatInstant } from "../incidents/format";
import { messages } from "../messages";
import { errorsByField, type FormErrors, SelectField, TextArea, TextField } from "../views/fields";
import { AdminLayout } from "../views/layout";
import { useAdminLang, useAdminText } from "../views/org";
import {
  COMPONENT_STATUSES,
  ComponentError,
  componentStatusSchema,
  createComponent,
  listComponents,
  newComponentSchema,
  setComponentStatus,
} from "./components";
import {
  createMaintenance,
  currentMaintenances,
  MaintenanceClosed,
  MaintenanceNotFound,
  type MaintenanceWithComponents,
  maintenanceChangesSchema,
  newMaintenanceSchema,
} from "./maintenance";
import { cancelMaintenance, editMaintenance } from "./maintenance-changes";
import type { Component, ComponentGroup } from "./queries";
import { componentStatusText } from "./views";

type Values = Record<string, string>;
/** A form that failed, shown again with its values and errors (`id`: the maintenance edited). */
type Failed = {
  form: "component" | "maintenance" | "edit" | "cancel";
  id?: number;
  values: Values;
  errors: FormErrors;
};

const formValues = (form: Record<string, unknown>): Values =>
  Object.fromEntries(
    Object.entries(form).filter((e): e is [string, string] => typeof e[1] === "string"),
  );

const statusOptions = (lang: Lang) =>
  COMPONENT_STATUSES.map((s) => ({ value: s, label: componentStatusText(lang, s) }));

function ComponentTable(props: { components: Component[]; groups: ComponentGroup[] }) {
  const t = useAdminText().statusAdmin;
  const options = statusOptions(useAdminLang());
  const groupName = new Map(props.groups.map((g) => [g.id, g.name]));
  if (!props.components.length) return <p class="muted">{t.noComponent}</p>;
  return (
    <table>
      <thead>
        <tr>
          <th>{t.component}</th>
          <th>{t.group}</th>
          <th>{t.status}</th>
        </tr>
      </thead>
      <tbody>
        {props.components.map((c) => (
          <tr>
            <td>
              {c.name} <small class="muted">{c.slug}</small>
            </td>
            <td>{c.groupId === null ? "—" : groupName.get(c.groupId)}</td>
            <td>
              <form method="post" action={`/admin/status/components/${c.slug}`} class="inline">
                <SelectField
                  name="status"
                  label={t.statusOf(c.name)}
                  value={c.status}
                  options={options}
                />
                <button type="submit" class="secondary">
                  {t.set}
                </button>
              </form>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function MaintenanceList(props: { maintenances: MaintenanceWithComponents[]; failed?: Failed }) {
  const t = useAdminText().statusAdmin;
  const lang = useAdminLang();
  if (!props.maintenances.length) return <p class="muted">{t.noMaintenance}</p>;
  const failedFor = (id: number, form: Failed["form"]) =>
    props.failed?.form === form && props.failed.id === id ? props.failed : undefined;
  return (
    <ul>
      {props.maintenances.map((item) => {
        const { maintenance: m, components } = item;
        return (
          <li>
            <strong>{m.title}</strong> — {t.maintenanceStatus(m.status)},{" "}
            {formatInstant(m.startsAt, lang)}
            {t.to}
            {formatInstant(m.endsAt, lang)}
            {components.length ? ` · ${components.map((c) => c.name).join(", ")}` : ""}
            {m.notify ? "" : t.noNotification}
            <MaintenanceEdit item={item} failed={failedFor(m.id, "edit")} />
            <MaintenanceCancel id={m.id} failed={failedFor(m.id, "cancel")} />
          </li>
        );
      })}
    </ul>
  );
}

/** The maintenance as it is now, in the form's fields (or what was typed, after an error). */
const editValues = ({ maintenance: m, components }: MaintenanceWithComponents): Values => ({
  title: m.title,
  body: m.body,
  starts_at: m.startsAt,
  ends_at: m.endsAt,
  components: components.map((c) => c.slug).join(", "),
  notify: m.notify ? "on" : "off",
});

function MaintenanceEdit(props: { item: MaintenanceWithComponents; failed?: Failed }) {
  const t = useAdminText().maintenance;
  const v = props.failed?.values ?? editValues(props.item);
  const errors = props.failed?.errors;
  return (
    <details open={props.failed !== undefined}>
      <summary>{t.edit}</summary>
      <form method="post" action={`/admin/status/maintenances/${props.item.maintenance.id}`}>
        <TextField name="title" label={t.title} value={v.title} errors={errors} required />
        <TextArea name="body" label={t.body} value={v.body} errors={errors} required />
        <div class="grid">
          <TextField name="starts_at" label={t.startsAt} value={v.starts_at} errors={errors} />
          <TextField name="ends_at" label={t.endsAt} value={v.ends_at} errors={errors} />
        </div>
        <TextField name="components" label={t.components} value={v.components} errors={errors} />
        <label>
          <input type="checkbox" name="notify" value="on" checked={v.notify === "on"} /> {t.notify}
        </label>
        <button type="submit">{t.save}</button>
      </form>
    </details>
  );
}

/** Cancelling cannot be undone: the box must be ticked (checked again by the route). */
function MaintenanceCancel(props: { id: number; failed?: Failed }) {
  const t = useAdminText().maintenance;
  const error = props.failed?.errors.confirm;
  return (
    <details open={props.failed !== undefined}>
      <summary>{t.cancel}</summary>
      <form method="post" action={`/admin/status/maintenances/${props.id}/cancel`}>
        <label>
          <input
            type="checkbox"
            name="confirm"
            value="yes"
            required
            aria-invalid={error ? "true" : undefined}
            aria-describedby={error ? "confirm-error" : undefined}
          />{" "}
          {t.confirmCancel}
        </label>
        {error ? (
          <small class="field-error" id="confirm-error">
            {error}
          </small>
        ) : null}
        <button type="submit" class="secondary">
          {t.cancelButton}
        </button>
      </form>
    </details>
  );
}

function StatusAdminPage(props: {
  email: string;
  components: Component[];
  groups: ComponentGroup[];
  maintenances: MaintenanceWithComponents[];
  failed?: Failed;
}) {
  const c = props.failed?.form === "component" ? props.failed : undefined;
  const m = props.failed?.form === "maintenance" ? props.failed : undefined;
  const t = useAdminText().statusAdmin;
  return (
    <AdminLayout title={t.title} email={props.email}>
      <h1>{t.title}</h1>
      <p>
        {t.intro}
        <a href="/">{t.publicPage}</a>
      </p>
      <section>
        <h2>{t.components}</h2>
        <ComponentTable components={props.components} groups={props.groups} />
        <details open={c !== undefined}>
          <summary>{t.newComponent}</summary>
          <form method="post" action="/admin/status/components">
            <TextField
              name="name"
              label={t.name}
              value={c?.values.name}
              errors={c?.errors}
              required
            />
            <TextField
              name="slug"
              label={t.slug}
              value={c?.values.slug}
              errors={c?.errors}
              hint={t.slugHint}
              required
            />
            <TextField
              name="group"
              label={t.groupOptional}
              value={c?.values.group}
              errors={c?.errors}
            />
            <button type="submit">{t.addComponent}</button>
          </form>
        </details>
      </section>
      <section>
        <h2>{t.scheduledMaintenance}</h2>
        <MaintenanceList maintenances={props.maintenances} failed={props.failed} />
        <MaintenanceForm failed={m} />
      </section>
    </AdminLayout>
  );
}

function MaintenanceForm(props: { failed?: Failed }) {
  const t = useAdminText().statusAdmin;
  const v = props.failed?.values ?? {};
  const errors = props.failed?.errors;
  return (
    <details open={props.failed !== undefined}>
      <summary>{t.scheduleMaintenance}</summary>
      <form method="post" action="/admin/status/maintenances">
        <TextField name="title" label={t.titleField} value={v.title} errors={errors} required />
        <TextArea name="body" label={t.whatWillHappen} value={v.body} errors={errors} required />
        <div class="grid">
          <TextField
            name="starts_at"
            label={t.startsAt}
            value={v.starts_at}
            errors={errors}
            placeholder="2026-03-01T22:00:00Z"
            required
          />
          <TextField
            name="ends_at"
            label={t.endsAt}
            value={v.ends_at}
            errors={errors}
            placeholder="2026-03-01T23:00:00Z"
            required
          />
        </div>
        <TextField
          name="components"
          label={t.componentSlugs}
          value={v.components}
          errors={errors}
        />
        <label>
          <input type="checkbox" name="notify" value="on" checked={v.notify !== "off"} />{" "}
          {t.notifySubscribers}
        </label>
        <button type="submit">{t.schedule}</button>
      </form>
    </details>
  );
}

export const statusAdmin = new Hono<AppEnv>();

const page = async (c: Context<AppEnv>, failed?: Failed, status: 200 | 409 | 422 = 422) => {
  const deps = c.var.deps;
  const [{ components, groups }, maintenances] = await Promise.all([
    listComponents(deps),
    currentMaintenances(deps),
  ]);
  return c.html(
    <StatusAdminPage
      email={c.var.admin.email}
      components={components}
      groups={groups}
      maintenances={maintenances}
      failed={failed}
    />,
    failed ? status : 200,
  );
};

statusAdmin.get("/admin/status", (c) => page(c));

statusAdmin.post("/admin/status/components", async (c) => {
  const values = formValues(await c.req.parseBody());
  const parsed = newComponentSchema.safeParse(values);
  if (!parsed.success) {
    return page(c, {
      form: "component",
      values,
      errors: errorsByField(fieldErrors(parsed.error), c.var.adminLang),
    });
  }
  try {
    await createComponent(c.var.deps, parsed.data);
  } catch (error) {
    if (!(error instanceof ComponentError)) throw error;
    return page(c, {
      form: "component",
      values,
      errors: errorsByField(error.errors, c.var.adminLang),
    });
  }
  return c.redirect("/admin/status", 303);
});

statusAdmin.post("/admin/status/components/:slug", async (c) => {
  const parsed = componentStatusSchema.safeParse(formValues(await c.req.parseBody()));
  if (!parsed.success) return page(c);
  const done = await setComponentStatus(c.var.deps, c.req.param("slug"), parsed.data.status);
  if (!done) return c.notFound();
  return c.redirect("/admin/status", 303);
});

statusAdmin.post("/admin/status/maintenances", async (c) => {
  const values = formValues(await c.req.parseBody());
  const parsed = newMaintenanceSchema.safeParse({
    ...values,
    components: (values.components ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
    notify: values.notify === "on",
  });
  const fail = (errors: FormErrors) => page(c, { form: "maintenance", values, errors });
  if (!parsed.success) return fail(errorsByField(fieldErrors(parsed.error), c.var.adminLang));
  try {
    await createMaintenance(c.var.deps, parsed.data);
  } catch (error) {
    if (!(error instanceof ComponentError)) throw error;
    return fail(errorsByField(error.errors, c.var.adminLang));
  }
  return c.redirect("/admin/status", 303);
});

/** The form's fields as an edit (every field given, as the form shows them all). */
const parseEditForm = (values: Values) =>
  maintenanceChangesSchema.safeParse({
    ...values,
    components: (values.components ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
    notify: values.notify === "on",
  });

const maintenanceIdOf = (c: Context<AppEnv>) => {
  const raw = c.req.param("id") ?? "";
  return /^[1-9][0-9]{0,15}$/.test(raw) ? Number(raw) : undefined;
};

statusAdmin.post("/admin/status/maintenances/:id", async (c) => {
  const id = maintenanceIdOf(c);
  if (id === undefined) return c.notFound();
  const values = formValues(await c.req.parseBody());
  const fail = (errors: FormErrors, status: 409 | 422 = 422) =>
    page(c, { form: "edit", id, values, errors }, status);
  const parsed = parseEditForm(values);
  if (!parsed.success) return fail(errorsByField(fieldErrors(parsed.error), c.var.adminLang));
  try {
    await editMaintenance(c.var.deps, id, parsed.data, c.var.admin.email);
  } catch (error) {
    if (error instanceof MaintenanceNotFound) return c.notFound();
    if (error instanceof MaintenanceClosed) {
      const closed = { field: "title", message: error.message, code: "maintenanceClosed" };
      return fail(errorsByField([closed], c.var.adminLang), 409);
    }
    if (!(error instanceof ComponentError)) throw error;
    return fail(errorsByField(error.errors, c.var.adminLang));
  }
  return c.redirect("/admin/status", 303);
});

statusAdmin.post("/admin/status/maintenances/:id/cancel", async (c) => {
  const id = maintenanceIdOf(c);
  if (id === undefined) return c.notFound();
  const values = formValues(await c.req.parseBody());
  const t = messages(c.var.adminLang).maintenance;
  if (values.confirm !== "yes") {
    return page(c, { form: "cancel", id, values, errors: { confirm: t.confirmNeeded } });
  }
  try {
    await cancelMaintenance(c.var.deps, id, {}, c.var.admin.email);
  } catch (error) {
    if (error instanceof MaintenanceNotFound) return c.notFound();
    if (!(error instanceof MaintenanceClosed)) throw error;
    return page(c, { form: "cancel", id, values, errors: { confirm: t.closed } }, 409);
  }
  return c.redirect("/admin/status", 303);
});
