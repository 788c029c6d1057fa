import type { Child } from "hono/jsx";
import { AdminLayout, StopAllSendingButton } from "../views/layout";
import type { SendingState } from "./kill-switch";

export function PausedNotice(props: { state: SendingState }) {
  return (
    <p class="paused-banner" role="status">
      <strong>Sending is paused</strong>
      {props.state.since ? (
        <>
          {" "}
          since <time datetime={props.state.since}>{props.state.since}</time>
        </>
      ) : null}
      {props.state.by ? <> by {props.state.by}</> : null}
      {props.state.reason ? <>: {props.state.reason}</> : null}. Nothing is sent until an admin
      resumes.
    </p>
  );
}

function ResumeButton() {
  return (
    <form method="post" action="/admin/sending/resume" class="inline">
      <button type="submit" class="secondary">
        Resume sending
      </button>
    </form>
  );
}

/** The content of the bar on every admin page (refreshed by htmx). */
export function SendingBarContent(props: { state: SendingState }) {
  return props.state.paused ? (
    <>
      <PausedNotice state={props.state} />
      <ResumeButton />
    </>
  ) : (
    <StopAllSendingButton />
  );
}

export function SendingPage(props: {
  email: string;
  state: SendingState;
  error?: string;
  rates: { bounceRate: number; complaintRate: number; outcomes: number };
  sends?: Child;
}) {
  const pct = (n: number) => `${(n * 100).toFixed(2)}%`;
  return (
    <AdminLayout title="Sending" email={props.email}>
      <h1>Sending</h1>
      {props.state.paused ? <PausedNotice state={props.state} /> : <p>Sending is running.</p>}
      {props.error ? (
        <p class="notice error" role="alert">
          {props.error}
        </p>
      ) : null}
      {props.state.paused ? (
        <ResumeButton />
      ) : (
        <form method="post" action="/admin/sending/pause">
          <label>
            Reason (shown to the other admins)
            <input name="reason" maxlength={500} required value="Stopped with the admin button" />
          </label>
          <button type="submit" class="stop-all">
            Stop all sending
          </button>
        </form>
      )}
      <h2>Recent outcomes</h2>
      <p>
        Over the last {props.rates.outcomes} outcomes: hard bounces {pct(props.rates.bounceRate)},
        complaints {pct(props.rates.complaintRate)}.
      </p>
      {props.sends}
    </AdminLayout>
  );
}
