// What every page of a request shares without threading it through each view: the organisation's
// name (ORG_NAME), its time zone and the request's "now", and the admin interface's language. One
// middleware wraps this request's HTML responses in the providers; layouts and views read them.
// (JSX context rather than AsyncLocalStorage: the latter slows every request of the process.)
import type { Context } from "hono";
import { createContext, useContext } from "hono/jsx";
import type { Deps } from "../deps";
import type { Lang } from "../i18n";
import { type Messages, messages } from "../messages";

const OrgName = createContext("");
const AdminLang = createContext<Lang>("en");
const PagePath = createContext("/");

/** The zone times are shown in (ORG_TIMEZONE) and the "now" of relative hints. */
export type PageTime = { zone: string; now: Date };
const PageTimeContext = createContext<PageTime | null>(null);

/** What a page shares with every view: the organisation's name and its time. */
export type PageSite = { orgName: string } & PageTime;

/** The page site of a request served with these deps, now. */
export const siteOf = (deps: Deps): PageSite => ({
  orgName: deps.config.orgName,
  zone: deps.config.orgTimezone,
  now: deps.clock.now(),
});

/** The organisation's name while rendering a page of this request. */
export const useOrgName = () => useContext(OrgName);

/** The admin interface's language while rendering an admin page of this request. */
export const useAdminLang = (): Lang => useContext(AdminLang);

/** The admin interface's catalogue (French or English) while rendering an admin page. */
export const useAdminText = (): Messages => messages(useContext(AdminLang));

/** This request's path and query: where the admin language switch brings the admin back to. */
export const usePagePath = () => useContext(PagePath);

/** The page's zone and "now" while rendering; null outside a page (a view rendered by a test). */
export const usePageTime = (): PageTime | null => useContext(PageTimeContext);

/** A page rendered outside `c.html` (kept in memory, say) inside the organisation's name and time. */
export const withOrgName = (site: PageSite, page: unknown) => (
  <OrgName.Provider value={site.orgName}>
    <PageTimeContext.Provider value={{ zone: site.zone, now: site.now }}>
      {page as never}
    </PageTimeContext.Provider>
  </OrgName.Provider>
);

/** Makes `c.html(jsx)` render inside the page context (strings pass untouched). */
export function providePageContext(c: Context, page: PageSite & { adminLang: Lang; path: string }) {
  const html = c.html;
  c.html = ((body: unknown, ...rest: unknown[]) =>
    (html as (...args: unknown[]) => unknown)(
      typeof body === "object" && body !== null && !(body instanceof Promise)
        ? withOrgName(
            page,
            <AdminLang.Provider value={page.adminLang}>
              <PagePath.Provider value={page.path}>{body as never}</PagePath.Provider>
            </AdminLang.Provider>,
          )
        : body,
      ...rest,
    )) as typeof c.html;
}
