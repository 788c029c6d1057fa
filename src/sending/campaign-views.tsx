import { LANGS, type Lang } from "../i18n";
import { formatCount } from "../views/format";
import { AdminLayout } from "../views/layout";
import { useAdminLang, useAdminText } from "../views/org";
import { Time } from "../views/time";
import type { CampaignVersion, RecipientsByLanguage } from "./campaign-versions";
import type { CampaignState } from "./campaigns";
import { EligibilitySummary, FieldError, type FormErrors } from "./views";

/** Counts in the admin's language ("3,800" / "3 800"), read while a view renders. */
const fmt = (n: number) => formatCount(useAdminLang())(n);

export function CampaignsPage(props: {
  email: string;
  lists: { id: number; name: string }[];
  campaigns: CampaignState[];
  values: { list_id: string; subject: string; text: string; html: string; lang: string };
  errors: FormErrors;
}) {
  const t = useAdminText().campaigns;
  const e = props.errors;
  const listName = new Map(props.lists.map((l) => [l.id, l.name]));
  return (
    <AdminLayout title={t.title} email={props.email}>
      <h1>{t.title}</h1>
      <p>{t.intro}</p>
      {props.campaigns.length ? (
        <ul>
          {props.campaigns.map(({ campaign: c, status }) => (
            <li>
              <a href={`/admin/campaigns/${c.id}`}>{c.subject}</a> —{" "}
              {listName.get(c.listId) ?? t.listNumber(c.listId)} —{" "}
              <span data-status={status}>{t.statusName(status)}</span>
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">{t.none}</p>
      )}
      <h2>{t.write}</h2>
      <form method="post" action="/admin/campaigns">
        <label>
          {t.list}
          <select name="list_id" required aria-invalid={e.list_id ? "true" : undefined}>
            {props.lists.map((l) => (
              <option value={String(l.id)} selected={props.values.list_id === String(l.id)}>
                {l.name}
              </option>
            ))}
          </select>
        </label>
        <FieldError id="list_id-error" message={e.list_id} />
        <MainLanguage value={props.values.lang} error={e.lang} />
        <ContentFields prefix="" values={props.values} errors={e} htmlLabel={t.htmlFull} />
        <p class="muted">{t.mergeTags}</p>
        <button type="submit">{t.saveAndPreview}</button>
      </form>
    </AdminLayout>
  );
}

/** The main version's language: a choice among the languages Relance speaks. */
function MainLanguage(props: { value: string; error?: string }) {
  const t = useAdminText().campaigns;
  return (
    <>
      <label>
        {t.mainLanguage}
        <select name="lang" aria-invalid={props.error ? "true" : undefined}>
          {LANGS.map((lang) => (
            <option value={lang} selected={(props.value || "fr") === lang}>
              {t.languageName(lang)}
            </option>
          ))}
        </select>
        <small>{t.mainLanguageHint}</small>
      </label>
      <FieldError id="lang-error" message={props.error} />
    </>
  );
}

type Content = { subject: string; text: string; html: string };

/**
 * Subject, text and HTML of one version; `prefix` names the fields (`version_en_` for the English
 * version, nothing for the main one), and so the errors they are shown next to.
 */
function ContentFields(props: {
  prefix: string;
  values: Content;
  errors: FormErrors;
  htmlLabel: string;
  optional?: boolean;
}) {
  const t = useAdminText().campaigns;
  const { prefix: p, values: v, errors: e } = props;
  return (
    <>
      <label>
        {t.subject}
        <input
          name={`${p}subject`}
          required={!props.optional}
          maxlength={200}
          value={v.subject}
          aria-invalid={e[`${p}subject`] ? "true" : undefined}
        />
      </label>
      <FieldError id={`${p}subject-error`} message={e[`${p}subject`]} />
      <label>
        {t.text}
        <textarea
          name={`${p}text`}
          rows={8}
          required={!props.optional}
          aria-invalid={e[`${p}text`] ? "true" : undefined}
        >
          {v.text}
        </textarea>
      </label>
      <FieldError id={`${p}text-error`} message={e[`${p}text`]} />
      <label>
        {props.htmlLabel}
        <textarea name={`${p}html`} rows={6} aria-invalid={e[`${p}html`] ? "true" : undefined}>
          {v.html}
        </textarea>
      </label>
      <FieldError id={`${p}html-error`} message={e[`${p}html`]} />
    </>
  );
}

/** One version as the admin sees it: the way a sample recipient would. */
export type VersionPreview = { lang: Lang; subject: string; html: string };

export function CampaignPage(props: {
  email: string;
  state: CampaignState;
  versions: CampaignVersion[];
  listName: string;
  recipients: number;
  excluded: Record<string, number>;
  byLanguage: RecipientsByLanguage;
  previews: VersionPreview[];
  sampleName: string | null;
  notice?: string;
  confirmError?: string;
  /** What the edit form holds after a refused edit. */
  values?: CampaignFormValues;
  errors?: FormErrors;
}) {
  const t = useAdminText().campaigns;
  const { campaign, status } = props.state;
  const open = status === "draft" || status === "scheduled";
  return (
    <AdminLayout title={campaign.subject} email={props.email}>
      <h1>{campaign.subject}</h1>
      <p>
        {t.forList(props.listName)} <strong data-status={status}>{t.statusName(status)}</strong>
        {status === "scheduled" && campaign.sendAt ? (
          <>
            {t.toBeSentAt} <Time at={campaign.sendAt} relative />
          </>
        ) : null}
        .
      </p>
      {props.notice ? (
        <p class="notice" role="status">
          {props.notice}
        </p>
      ) : null}
      <Previews {...props} />
      {status === "draft" ? (
        <EditCampaignForm
          state={props.state}
          versions={props.versions}
          values={props.values}
          errors={props.errors ?? {}}
        />
      ) : null}
      {open ? <SendCampaignForm {...props} /> : <CampaignSent state={props.state} />}
      <form method="post" action={`/admin/campaigns/${campaign.id}/duplicate`}>
        <button type="submit" class="secondary">
          {t.duplicate}
        </button>
      </form>
      {open ? (
        <form method="post" action={`/admin/campaigns/${campaign.id}/cancel`}>
          <button type="submit" class="secondary outline">
            {t.cancel}
          </button>
        </form>
      ) : null}
    </AdminLayout>
  );
}

/** Each version previewed, with its own test button; side by side on a wide screen. */
function Previews(props: {
  email: string;
  state: CampaignState;
  previews: VersionPreview[];
  sampleName: string | null;
}) {
  const t = useAdminText().campaigns;
  const id = props.state.campaign.id;
  const several = props.previews.length > 1;
  return (
    <>
      <h2>{t.preview}</h2>
      <div class={several ? "grid" : undefined}>
        {props.previews.map((preview) => (
          <section lang={preview.lang}>
            {several ? <h3>{t.previewOf(t.languageName(preview.lang))}</h3> : null}
            <p class="muted">
              {t.previewAs(props.sampleName)} {preview.subject}
            </p>
            {/* A sandboxed srcdoc frame: the campaign's HTML is shown, never run. */}
            <iframe
              title={t.previewFrame(t.languageName(preview.lang))}
              srcdoc={preview.html}
              sandbox=""
              class="mail-preview"
            />
            <form method="post" action={`/admin/campaigns/${id}/test`}>
              <input type="hidden" name="lang" value={preview.lang} />
              <button type="submit" class="secondary">
                {t.sendTest(t.languageName(preview.lang), props.email)}
              </button>
            </form>
          </section>
        ))}
      </div>
    </>
  );
}

/** The edit form's values: the main version's, and each other language's (empty: none). */
export type CampaignFormValues = Content & {
  send_at: string;
  lang: string;
  versions: Partial<Record<Lang, Content>>;
};

/** What the edit form shows for a campaign not yet edited: what it holds. */
function savedValues(state: CampaignState, versions: CampaignVersion[]): CampaignFormValues {
  const { campaign } = state;
  return {
    subject: campaign.subject,
    text: campaign.text,
    html: campaign.html ?? "",
    send_at: "",
    lang: campaign.lang,
    versions: Object.fromEntries(
      versions.map((v) => [v.lang, { subject: v.subject, text: v.text, html: v.html ?? "" }]),
    ),
  };
}

/** A draft's content, editable; a time given schedules it (the form's time is UTC). */
function EditCampaignForm(props: {
  state: CampaignState;
  versions: CampaignVersion[];
  values?: CampaignFormValues;
  errors: FormErrors;
}) {
  const t = useAdminText().campaigns;
  const { campaign } = props.state;
  const v = props.values ?? savedValues(props.state, props.versions);
  const e = props.errors;
  const others = LANGS.filter((lang) => lang !== campaign.lang);
  const empty = { subject: "", text: "", html: "" };
  return (
    <details open={Object.keys(e).length > 0}>
      <summary>{t.edit}</summary>
      <form method="post" action={`/admin/campaigns/${campaign.id}/edit`}>
        <input type="hidden" name="edit_versions" value="1" />
        <MainLanguage value={v.lang} error={e.lang} />
        <div class="grid">
          <fieldset>
            <legend>{t.mainVersion(t.languageName(campaign.lang))}</legend>
            <ContentFields prefix="" values={v} errors={e} htmlLabel={t.html} />
          </fieldset>
          {others.map((lang) => (
            <fieldset lang={lang}>
              <legend>{t.otherVersion(t.languageName(lang))}</legend>
              <small>{t.versionHint(t.languageName(lang))}</small>
              <ContentFields
                prefix={`version_${lang}_`}
                values={v.versions[lang] ?? empty}
                errors={e}
                htmlLabel={t.html}
                optional
              />
            </fieldset>
          ))}
        </div>
        <p class="muted">{t.mergeTags}</p>
        <label>
          {t.sendAt}
          <input
            type="datetime-local"
            name="send_at"
            value={v.send_at}
            aria-invalid={e.send_at ? "true" : undefined}
          />
        </label>
        <FieldError id="send_at-error" message={e.send_at} />
        <button type="submit">{t.save}</button>
      </form>
    </details>
  );
}

/** What became of a campaign that is no longer open: when it went, to how many. */
function CampaignSent(props: { state: CampaignState }) {
  const t = useAdminText().campaigns;
  const { send, status } = props.state;
  if (!send) return <p>{t.cancelledBeforeSent}</p>;
  const when = send.finishedAt ?? send.createdAt;
  return (
    <>
      <h2>{t.sent}</h2>
      <p>
        {status === "sent" ? t.sentOn : t.startedOn} <Time at={when} />{" "}
        {t.sentTo(fmt(send.total), t.statusName(status))}{" "}
        <a href={`/admin/sends/${send.id}`}>{t.sendNumber(send.id)}</a>
      </p>
    </>
  );
}

/** Who gets which version: the main one's count first. */
function VersionCounts(props: { state: CampaignState; byLanguage: RecipientsByLanguage }) {
  const t = useAdminText().campaigns;
  const main = props.state.campaign.lang;
  const langs = [main, ...LANGS.filter((l) => l !== main && props.byLanguage[l] !== undefined)];
  if (langs.length < 2) return null;
  return (
    <>
      <h3>{t.whoGetsWhich}</h3>
      <ul>
        {langs.map((lang) => (
          <li>
            {t.getsVersion(fmt(props.byLanguage[lang] ?? 0), t.languageName(lang))}
            {lang === main ? ` ${t.mainFallback}` : null}
          </li>
        ))}
      </ul>
    </>
  );
}

function SendCampaignForm(props: {
  state: CampaignState;
  recipients: number;
  excluded: Record<string, number>;
  byLanguage: RecipientsByLanguage;
  confirmError?: string;
}) {
  const t = useAdminText().campaigns;
  const id = props.state.campaign.id;
  return (
    <>
      <h2>{t.send}</h2>
      <EligibilitySummary
        recipients={props.recipients}
        excluded={props.excluded}
        verb={t.willReceive}
      />
      <VersionCounts state={props.state} byLanguage={props.byLanguage} />
      {props.recipients === 0 ? (
        <p class="notice">{t.nobody}</p>
      ) : (
        <form method="post" action={`/admin/campaigns/${id}/send`}>
          <label>
            {t.typeToConfirm(props.recipients)}
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
          <button type="submit">{t.sendTo(fmt(props.recipients))}</button>
        </form>
      )}
    </>
  );
}
