// The JSON API of components and maintenance (editors and above; reads for every admin).
import { Hono } from "hono";
import type { AppEnv } from "../http/env";
import { parseJson, problem } from "../http/problem";
import {
  ComponentError,
  componentJson,
  componentStatusSchema,
  createComponent,
  listComponents,
  newComponentSchema,
  setComponentStatus,
} from "./components";
import {
  cancelMaintenanceSchema,
  createMaintenance,
  currentMaintenances,
  MaintenanceClosed,
  MaintenanceNotFound,
  maintenanceChangesSchema,
  maintenanceJson,
  newMaintenanceSchema,
} from "./maintenance";
import { cancelMaintenance, editMaintenance } from "./maintenance-changes";

export const statusApi = new Hono<AppEnv>();

/** A domain error the API answers with 422 and the fields; anything else is not ours to map. */
const invalid = (c: Parameters<typeof problem>[0], error: unknown) => {
  if (!(error instanceof ComponentError)) throw error;
  return problem(c, 422, error.message, { errors: error.errors });
};

statusApi.get("/api/v1/components", async (c) => {
  const { components, groups } = await listComponents(c.var.deps);
  const groupName = new Map(groups.map((g) => [g.id, g.name]));
  return c.json({
    components: components.map((x) => componentJson(x, groupName.get(x.groupId ?? -1) ?? null)),
  });
});

statusApi.post("/api/v1/components", async (c) => {
  const body = await parseJson(c, newComponentSchema);
  if (!body.ok) return body.response;
  try {
    const component = await createComponent(c.var.deps, body.value);
    return c.json(componentJson(component, body.value.group), 201);
  } catch (error) {
    return invalid(c, error);
  }
});

statusApi.patch("/api/v1/components/:slug", async (c) => {
  const body = await parseJson(c, componentStatusSchema);
  if (!body.ok) return body.response;
  const slug = c.req.param("slug");
  const component = await setComponentStatus(c.var.deps, slug, body.value.status);
  if (!component) return problem(c, 404, `No component has the slug "${slug}".`);
  const { groups } = await listComponents(c.var.deps);
  const group = groups.find((g) => g.id === component.groupId);
  return c.json(componentJson(component, group?.name ?? null));
});

statusApi.get("/api/v1/maintenances", async (c) =>
  c.json({ maintenances: (await currentMaintenances(c.var.deps)).map(maintenanceJson) }),
);

statusApi.post("/api/v1/maintenances", async (c) => {
  const body = await parseJson(c, newMaintenanceSchema);
  if (!body.ok) return body.response;
  try {
    const maintenance = await createMaintenance(c.var.deps, body.value);
    return c.json(maintenanceJson(maintenance), 201);
  } catch (error) {
    return invalid(c, error);
  }
});

/** The maintenance's id from the path; anything but a positive integer names none. */
const maintenanceId = (c: { req: { param: (name: "id") => string } }) => {
  const raw = c.req.param("id");
  return /^[1-9][0-9]{0,15}$/.test(raw) ? Number(raw) : undefined;
};

/** Not found (404), completed or cancelled (409), a field (422); anything else is not ours. */
const refused = (c: Parameters<typeof problem>[0], error: unknown) => {
  if (error instanceof MaintenanceNotFound) return problem(c, 404, error.message);
  if (error instanceof MaintenanceClosed) return problem(c, 409, error.message);
  return invalid(c, error);
};

statusApi.patch("/api/v1/maintenances/:id", async (c) => {
  const id = maintenanceId(c);
  if (id === undefined) return problem(c, 404, "No maintenance has this id.");
  const body = await parseJson(c, maintenanceChangesSchema.strict());
  if (!body.ok) return body.response;
  try {
    const edited = await editMaintenance(c.var.deps, id, body.value, c.var.admin.email);
    return c.json(maintenanceJson(edited));
  } catch (error) {
    return refused(c, error);
  }
});

statusApi.post("/api/v1/maintenances/:id/cancel", async (c) => {
  const id = maintenanceId(c);
  if (id === undefined) return problem(c, 404, "No maintenance has this id.");
  // The body is optional: none keeps the maintenance's own notify setting.
  const empty = !(await c.req.text()).trim();
  const body = empty
    ? { ok: true as const, value: {} }
    : await parseJson(c, cancelMaintenanceSchema.strict());
  if (!body.ok) return body.response;
  try {
    const done = await cancelMaintenance(c.var.deps, id, body.value, c.var.admin.email);
    return c.json(maintenanceJson(done));
  } catch (error) {
    return refused(c, error);
  }
});

export { invalid as componentErrorProblem };
