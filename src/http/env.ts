// The Hono environment shared by every route: what middleware puts on the context.
import type { Admin } from "../auth/service";
import type { Deps } from "../deps";
import type { Lang } from "../i18n";

export type AppEnv = {
  Variables: {
    deps: Deps;
    lang: Lang;
    /** Set by the admin session or API token middleware on protected routes. */
    admin: Admin;
  };
};
