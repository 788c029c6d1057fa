// Account → Two-step sign-in: set up (a QR code of the otpauth URI, confirmed by a first code),
// see the recovery codes once, turn it off with a code. Every signed-in admin, for themselves.
import { type Context, Hono } from "hono";
import { renderSVG } from "uqr";
import { z } from "zod";
import type { AppEnv } from "../http/env";
import { errorText } from "../http/form-errors";
import { messages } from "../messages";
import { AdminLayout } from "../views/layout";
import { useAdminText } from "../views/org";
import {
  beginTotp,
  confirmTotp,
  disableTotp,
  pendingTotp,
  type TotpEnrolment,
  TotpError,
  totpIsOn,
} from "./totp";

const PATH = "/admin/account/two-step";

const codeForm = z.object({
  code: z.string().trim().min(1, "Enter the code.").max(40, "Too long."),
});

const STATUS = { already_on: 409, not_started: 409, not_on: 409, wrong_code: 422 } as const;

type View =
  | { kind: "status"; on: boolean }
  | { kind: "enrol"; enrolment: TotpEnrolment }
  | { kind: "codes"; codes: string[] };

function CodeField(props: { error?: string }) {
  return (
    <label>
      {useAdminText().twoStep.code}
      <input
        type="text"
        name="code"
        inputmode="numeric"
        autocomplete="one-time-code"
        maxlength={40}
        required
        aria-invalid={props.error ? "true" : undefined}
        aria-describedby={props.error ? "code-error" : undefined}
      />
      {props.error ? (
        <small id="code-error" role="alert">
          {props.error}
        </small>
      ) : null}
    </label>
  );
}

function Enrol(props: { enrolment: TotpEnrolment; error?: string }) {
  const qr = Buffer.from(renderSVG(props.enrolment.uri)).toString("base64");
  const t = useAdminText().twoStep;
  return (
    <>
      <p>{t.scan}</p>
      <img src={`data:image/svg+xml;base64,${qr}`} width={220} height={220} alt={t.qrAlt} />
      <p>
        {t.byHand} <code>{props.enrolment.secret}</code>
      </p>
      <details>
        <summary>{t.uri}</summary>
        <code>{props.enrolment.uri}</code>
      </details>
      <form method="post" action={`${PATH}/enable`}>
        <CodeField error={props.error} />
        <button type="submit">{t.turnOn}</button>
      </form>
    </>
  );
}

function TwoStepPage(props: { email: string; view: View; notice?: string; error?: string }) {
  const { view } = props;
  const t = useAdminText().twoStep;
  return (
    <AdminLayout title={t.title} email={props.email}>
      <h1>{t.title}</h1>
      <p>
        <a href="/admin/account">{t.back}</a>
      </p>
      {props.notice ? <p class="notice">{props.notice}</p> : null}
      {view.kind === "enrol" ? <Enrol enrolment={view.enrolment} error={props.error} /> : null}
      {view.kind === "codes" ? (
        <>
          <p class="notice">{t.codesNotice}</p>
          <ul>
            {view.codes.map((code) => (
              <li>
                <code>{code}</code>
              </li>
            ))}
          </ul>
        </>
      ) : null}
      {view.kind === "status" && view.on ? (
        <>
          <p>{t.isOn}</p>
          <form method="post" action={`${PATH}/disable`}>
            <CodeField error={props.error} />
            <button type="submit" class="secondary">
              {t.turnOff}
            </button>
          </form>
        </>
      ) : null}
      {view.kind === "status" && !view.on ? (
        <>
          <p>{t.isOff}</p>
          {props.error ? (
            <p class="notice error" role="alert">
              {props.error}
            </p>
          ) : null}
          <form method="post" action={`${PATH}/start`}>
            <button type="submit">{t.setUp}</button>
          </form>
        </>
      ) : null}
    </AdminLayout>
  );
}

const render = (
  c: Context<AppEnv>,
  view: View,
  extra: { notice?: string; error?: string } = {},
  status: 200 | 409 | 422 = 200,
) => c.html(<TwoStepPage email={c.var.admin.email} view={view} {...extra} />, status);

/** The page as it stands: the enrolment in progress, else on or off. */
async function current(c: Context<AppEnv>): Promise<View> {
  const pending = await pendingTotp(c.var.deps, c.var.admin);
  if (pending) return { kind: "enrol", enrolment: pending };
  return { kind: "status", on: await totpIsOn(c.var.deps, c.var.admin) };
}

const TOTP_CODES: Record<TotpError["kind"], string> = {
  already_on: "twoStepAlreadyOn",
  not_started: "twoStepNotStarted",
  wrong_code: "twoStepWrongCode",
  not_on: "twoStepNotOn",
};

async function refused(c: Context<AppEnv>, error: unknown) {
  if (!(error instanceof TotpError)) throw error;
  const code = TOTP_CODES[error.kind];
  const message = errorText(c.var.adminLang, { field: "code", message: error.message, code });
  return render(c, await current(c), { error: message }, STATUS[error.kind]);
}

const text = (c: Context<AppEnv>) => messages(c.var.adminLang).twoStep;

export const totpPages = new Hono<AppEnv>();

totpPages.get(PATH, async (c) => render(c, await current(c)));

totpPages.post(`${PATH}/start`, async (c) => {
  try {
    return render(c, { kind: "enrol", enrolment: await beginTotp(c.var.deps, c.var.admin) });
  } catch (error) {
    return refused(c, error);
  }
});

totpPages.post(`${PATH}/enable`, async (c) => {
  const parsed = codeForm.safeParse(await c.req.parseBody());
  if (!parsed.success) return render(c, await current(c), { error: text(c).enterCode }, 422);
  try {
    const codes = await confirmTotp(c.var.deps, c.var.admin, parsed.data.code);
    return render(c, { kind: "codes", codes });
  } catch (error) {
    return refused(c, error);
  }
});

totpPages.post(`${PATH}/disable`, async (c) => {
  const parsed = codeForm.safeParse(await c.req.parseBody());
  if (!parsed.success) return render(c, await current(c), { error: text(c).enterCode }, 422);
  try {
    await disableTotp(c.var.deps, c.var.admin, parsed.data.code);
    return render(c, { kind: "status", on: false }, { notice: text(c).turnedOff });
  } catch (error) {
    return refused(c, error);
  }
});
