// What every page of a request shares without threading it through each view: the organisation's
// name (ORG_NAME) and the admin interface's language. One middleware wraps this request's HTML
// responses in the providers; layouts and admin views read them.
import type { Context } from "hono";
import { createContext, useContext } from "hono/jsx";
import type { Lang } from "../i18n";
import { type Messages, messages } from "../messages";

const OrgName = createContext("");
const AdminLang = createContext<Lang>("en");
const PagePath = createContext("/");

/** The organisation's name while rendering a page of this request. */
export const useOrgName = () => useContext(OrgName);

/** The admin interface's language while rendering an admin page of this request. */
export const useAdminLang = (): Lang => useContext(AdminLang);

/** The admin interface's catalogue (French or English) while rendering an admin page. */
export const useAdminText = (): Messages => messages(useContext(AdminLang));

/** This request's path and query: where the admin language switch brings the admin back to. */
export const usePagePath = () => useContext(PagePath);

/** A page rendered outside `c.html` (kept in memory, say) inside the organisation's name. */
export const withOrgName = (orgName: string, page: unknown) => (
  <OrgName.Provider value={orgName}>{page as never}</OrgName.Provider>
);

/** Makes `c.html(jsx)` render inside the page context (strings pass untouched). */
export function providePageContext(
  c: Context,
  page: { orgName: string; adminLang: Lang; path: string },
) {
  const html = c.html;
  c.html = ((body: unknown, ...rest: unknown[]) =>
    (html as (...args: unknown[]) => unknown)(
      typeof body === "object" && body !== null && !(body instanceof Promise)
        ? withOrgName(
            page.orgName,
            <AdminLang.Provider value={page.adminLang}>
              <PagePath.Provider value={page.path}>{body as never}</PagePath.Provider>
            </AdminLang.Provider>,
          )
        : body,
      ...rest,
    )) as typeof c.html;
}
