// The organisation's name (ORG_NAME) for every page, without threading it through each view:
// one middleware wraps this request's HTML responses in the provider, the layouts read it.
import type { Context } from "hono";
import { createContext, useContext } from "hono/jsx";

const OrgName = createContext("");

/** The organisation's name while rendering a page of this request. */
export const useOrgName = () => useContext(OrgName);

/** A page rendered outside `c.html` (kept in memory, say) inside the organisation's name. */
export const withOrgName = (orgName: string, page: unknown) => (
  <OrgName.Provider value={orgName}>{page as never}</OrgName.Provider>
);

/** Makes `c.html(jsx)` render inside the organisation's name (strings pass untouched). */
export function provideOrgName(c: Context, orgName: string) {
  const html = c.html;
  c.html = ((body: unknown, ...rest: unknown[]) =>
    (html as (...args: unknown[]) => unknown)(
      typeof body === "object" && body !== null && !(body instanceof Promise)
        ? withOrgName(orgName, body)
        : body,
      ...rest,
    )) as typeof c.html;
}
