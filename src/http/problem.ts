// RFC 9457 problem details: the one shape of every error the JSON API returns.
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ZodError, ZodType, z } from "zod";

/** Paths whose callers are programs (the JSON API, providers' webhooks): every error is a problem. */
export const answersProblems = (path: string) =>
  path.startsWith("/api/") || path.startsWith("/webhooks/");

/**
 * A field's error. `message` is the English sentence the JSON API shows; `code` (and `values`)
 * name the error so an HTML page can say it in its own language (src/http/form-errors.ts).
 */
export type FieldError = {
  field: string;
  message: string;
  code?: string;
  values?: ErrorValues;
};
export type ErrorValues = Record<string, string | number>;

export type Problem = {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldError[];
};

const TITLES: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  413: "Content Too Large",
  415: "Unsupported Media Type",
  422: "Unprocessable Content",
  429: "Too Many Requests",
  500: "Internal Server Error",
  503: "Service Unavailable",
};

export function problem(
  c: Context,
  status: ContentfulStatusCode,
  detail: string,
  extra: { errors?: FieldError[]; type?: string; headers?: Record<string, string> } = {},
): Response {
  const body: Problem = {
    type: extra.type ?? "about:blank",
    title: TITLES[status] ?? "Error",
    status,
    detail,
    // Only field and message: codes are for pages, the API's errors stay as integrators know them.
    ...(extra.errors
      ? { errors: extra.errors.map(({ field, message }) => ({ field, message })) }
      : {}),
  };
  return c.body(JSON.stringify(body), status, {
    "Content-Type": "application/problem+json",
    ...extra.headers,
  });
}

/** Turns a zod error into field errors, with dotted paths (`options.2`) and each issue's code. */
export function fieldErrors(error: ZodError): FieldError[] {
  return error.issues.map((issue) => ({
    field: issue.path.length ? issue.path.join(".") : "body",
    message: issue.message,
    ...issueCode(issue),
  }));
}

/**
 * The language-free name of a zod issue: "required", "tooLong" with its limit, "invalidEmail"…
 * A refinement may name its own code with `params: { code, values }`.
 */
function issueCode(issue: ZodError["issues"][number]): { code: string; values?: ErrorValues } {
  switch (issue.code) {
    case "too_small": {
      const min = Number(issue.minimum);
      if (issue.origin === "string")
        return min <= 1 ? { code: "required" } : { code: "tooShort", values: { min } };
      if (issue.origin === "array" || issue.origin === "set")
        return { code: "tooFew", values: { min } };
      return { code: "tooSmall", values: { min } };
    }
    case "too_big": {
      const max = Number(issue.maximum);
      if (issue.origin === "string") return { code: "tooLong", values: { max } };
      if (issue.origin === "array" || issue.origin === "set")
        return { code: "tooMany", values: { max } };
      return { code: "tooBig", values: { max } };
    }
    case "invalid_format":
      return { code: FORMAT_CODES[issue.format] ?? "invalidFormat" };
    case "invalid_value":
      return { code: "invalidChoice" };
    case "invalid_type":
      return {
        code: issue.expected === "number" || issue.expected === "int" ? "notANumber" : "invalid",
      };
    case "custom":
      return typeof issue.params?.code === "string"
        ? { code: issue.params.code, values: issue.params.values }
        : { code: "custom" };
    default:
      return { code: "invalid" };
  }
}

const FORMAT_CODES: Record<string, string> = {
  email: "invalidEmail",
  url: "invalidUrl",
  datetime: "invalidDate",
  date: "invalidDate",
  time: "invalidDate",
};

/**
 * Parses a JSON body against a schema: malformed JSON is a 400, well-formed but invalid values
 * a 422 listing each field. Either way the caller returns the response and changes nothing.
 */
export async function parseJson<S extends ZodType>(
  c: Context,
  schema: S,
): Promise<{ ok: true; value: z.output<S> } | { ok: false; response: Response }> {
  let raw: unknown;
  try {
    raw = JSON.parse(await c.req.text());
  } catch {
    return { ok: false, response: problem(c, 400, "The request body is not valid JSON.") };
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const errors = fieldErrors(parsed.error);
    return {
      ok: false,
      response: problem(c, 422, errors.map((e) => `${e.field}: ${e.message}`).join("; "), {
        errors,
      }),
    };
  }
  return { ok: true, value: parsed.data };
}
