import { AdminLayout } from "../views/layout";
import { Time } from "../views/time";
import type { CampaignState } from "./campaigns";
import { EligibilitySummary, FieldError, type FormErrors } from "./views";

const fmt = (n: number) => n.toLocaleString("en-US");

export function CampaignsPage(props: {
  email: string;
  lists: { id: number; name: string }[];
  campaigns: CampaignState[];
  values: { list_id: string; subject: string; text: string; html: string };
  errors: FormErrors;
}) {
  const e = props.errors;
  const listName = new Map(props.lists.map((l) => [l.id, l.name]));
  return (
    <AdminLayout title="Campaigns" email={props.email}>
      <h1>Campaigns</h1>
      <p>A campaign reaches only the contacts who confirmed their consent for its list.</p>
      {props.campaigns.length ? (
        <ul>
          {props.campaigns.map(({ campaign: c, status }) => (
            <li>
              <a href={`/admin/campaigns/${c.id}`}>{c.subject}</a> —{" "}
              {listName.get(c.listId) ?? `list #${c.listId}`} —{" "}
              <span data-status={status}>{status}</span>
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">No campaign yet.</p>
      )}
      <h2>Write a campaign</h2>
      <form method="post" action="/admin/campaigns">
        <label>
          List
          <select name="list_id" required aria-invalid={e.list_id ? "true" : undefined}>
            {props.lists.map((l) => (
              <option value={String(l.id)} selected={props.values.list_id === String(l.id)}>
                {l.name}
              </option>
            ))}
          </select>
        </label>
        <FieldError id="list_id-error" message={e.list_id} />
        <label>
          Subject
          <input
            name="subject"
            required
            maxlength={200}
            value={props.values.subject}
            aria-invalid={e.subject ? "true" : undefined}
          />
        </label>
        <FieldError id="subject-error" message={e.subject} />
        <label>
          Text
          <textarea name="text" rows={8} required aria-invalid={e.text ? "true" : undefined}>
            {props.values.text}
          </textarea>
        </label>
        <FieldError id="text-error" message={e.text} />
        <label>
          HTML (optional; without it the text is sent as HTML too)
          <textarea name="html" rows={6} aria-invalid={e.html ? "true" : undefined}>
            {props.values.html}
          </textarea>
        </label>
        <FieldError id="html-error" message={e.html} />
        <p class="muted">
          Merge tags: <code>{"{{name}}"}</code> and <code>{"{{attr.KEY}}"}</code> (a contact
          attribute), with an optional fallback such as <code>{"{{name|friend}}"}</code>.
        </p>
        <button type="submit">Save and preview</button>
      </form>
    </AdminLayout>
  );
}

export function CampaignPage(props: {
  email: string;
  state: CampaignState;
  listName: string;
  recipients: number;
  excluded: Record<string, number>;
  previewSubject: string;
  previewHtml: string;
  sampleName: string | null;
  notice?: string;
  confirmError?: string;
  /** What the edit form holds after a refused edit. */
  values?: CampaignFormValues;
  errors?: FormErrors;
}) {
  const { campaign, status } = props.state;
  const open = status === "draft" || status === "scheduled";
  return (
    <AdminLayout title={campaign.subject} email={props.email}>
      <h1>{campaign.subject}</h1>
      <p>
        For the list “{props.listName}”. Status: <strong data-status={status}>{status}</strong>
        {status === "scheduled" && campaign.sendAt ? (
          <>
            , to be sent at <Time at={campaign.sendAt} relative />
          </>
        ) : null}
        .
      </p>
      {props.notice ? (
        <p class="notice" role="status">
          {props.notice}
        </p>
      ) : null}
      <h2>Preview</h2>
      <p class="muted">
        As {props.sampleName ?? "a contact without a name"} would see it. Subject:{" "}
        {props.previewSubject}
      </p>
      {/* A sandboxed srcdoc frame: the campaign's HTML is shown, never run. */}
      <iframe
        title="Preview of the campaign"
        srcdoc={props.previewHtml}
        sandbox=""
        class="mail-preview"
      />
      <form method="post" action={`/admin/campaigns/${campaign.id}/test`}>
        <button type="submit" class="secondary">
          Send a test to {props.email}
        </button>
      </form>
      {status === "draft" ? (
        <EditCampaignForm state={props.state} values={props.values} errors={props.errors ?? {}} />
      ) : null}
      {open ? <SendCampaignForm {...props} /> : <CampaignSent state={props.state} />}
      <form method="post" action={`/admin/campaigns/${campaign.id}/duplicate`}>
        <button type="submit" class="secondary">
          Duplicate as a new draft
        </button>
      </form>
      {open ? (
        <form method="post" action={`/admin/campaigns/${campaign.id}/cancel`}>
          <button type="submit" class="secondary outline">
            Cancel this campaign
          </button>
        </form>
      ) : null}
    </AdminLayout>
  );
}

export type CampaignFormValues = { subject: string; text: string; html: string; send_at: string };

/** A draft's content, editable; a time given schedules it (the form's time is UTC). */
function EditCampaignForm(props: {
  state: CampaignState;
  values?: CampaignFormValues;
  errors: FormErrors;
}) {
  const { campaign } = props.state;
  const v = props.values ?? {
    subject: campaign.subject,
    text: campaign.text,
    html: campaign.html ?? "",
    send_at: "",
  };
  const e = props.errors;
  return (
    <details open={Object.keys(e).length > 0}>
      <summary>Edit this draft</summary>
      <form method="post" action={`/admin/campaigns/${campaign.id}/edit`}>
        <label>
          Subject
          <input
            name="subject"
            required
            maxlength={200}
            value={v.subject}
            aria-invalid={e.subject ? "true" : undefined}
          />
        </label>
        <FieldError id="subject-error" message={e.subject} />
        <label>
          Text
          <textarea name="text" rows={8} required aria-invalid={e.text ? "true" : undefined}>
            {v.text}
          </textarea>
        </label>
        <FieldError id="text-error" message={e.text} />
        <label>
          HTML (optional)
          <textarea name="html" rows={6} aria-invalid={e.html ? "true" : undefined}>
            {v.html}
          </textarea>
        </label>
        <FieldError id="html-error" message={e.html} />
        <label>
          Send at (UTC; leave empty to keep it a draft)
          <input
            type="datetime-local"
            name="send_at"
            value={v.send_at}
            aria-invalid={e.send_at ? "true" : undefined}
          />
        </label>
        <FieldError id="send_at-error" message={e.send_at} />
        <button type="submit">Save</button>
      </form>
    </details>
  );
}

/** What became of a campaign that is no longer open: when it went, to how many. */
function CampaignSent(props: { state: CampaignState }) {
  const { send, status } = props.state;
  if (!send) return <p>This campaign was cancelled before it was sent.</p>;
  const when = send.finishedAt ?? send.createdAt;
  return (
    <>
      <h2>Sent</h2>
      <p>
        {status === "sent" ? "Sent on" : "Started on"} <Time at={when} /> to {fmt(send.total)}{" "}
        contacts ({status}). <a href={`/admin/sends/${send.id}`}>Send #{send.id}</a>
      </p>
    </>
  );
}

function SendCampaignForm(props: {
  state: CampaignState;
  recipients: number;
  excluded: Record<string, number>;
  confirmError?: string;
}) {
  const id = props.state.campaign.id;
  return (
    <>
      <h2>Send</h2>
      <EligibilitySummary
        recipients={props.recipients}
        excluded={props.excluded}
        verb="will receive it"
      />
      {props.recipients === 0 ? (
        <p class="notice">
          Nobody can receive this campaign: no contact of this list has confirmed consent (or every
          one who did is suppressed). Send a re-consent invitation first.
        </p>
      ) : (
        <form method="post" action={`/admin/campaigns/${id}/send`}>
          <label>
            Type {props.recipients} to confirm
            <input
              name="confirm"
              inputmode="numeric"
              autocomplete="off"
              required
              aria-invalid={props.confirmError ? "true" : undefined}
            />
          </label>
          <FieldError id="confirm-error" message={props.confirmError} />
          <input type="hidden" name="expected" value={String(props.recipients)} />
          <button type="submit">Send to {fmt(props.recipients)} contacts</button>
        </form>
      )}
    </>
  );
}
