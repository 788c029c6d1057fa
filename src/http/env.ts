// The Hono environment shared by every route: what middleware puts on the context.
import type { Admin } from "../auth/service";
import type { Deps } from "../deps";
import type { Lang } from "../i18n";

export type AppEnv = {
  Variables: {
    deps: Deps;
    lang: Lang;
    /** The admin interface's language: the same cookie and header, English when neither says. */
    adminLang: Lang;
    /** The client's address ("unknown" when the runtime cannot tell); only ever stored hashed. */
    clientAddress: string;
    /** Set by the admin session or API token middleware on protected routes. */
    admin: Admin;
  };
};
