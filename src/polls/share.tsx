// Sharing a poll: its link and an <iframe> snippet for the compact embed page (embed.tsx), the
// one poll page other sites may frame (see http/security-headers.ts). No QR code: no well-kept QR
// library is installed, and a hand-written encoder is not worth its risk here.
import type { Dictionary, Lang } from "../i18n";

const text: Dictionary<{
  share: string;
  link: string;
  embed: string;
  embedHint: string;
}> = {
  fr: {
    share: "Partager ce sondage",
    link: "Lien",
    embed: "Intégrer sur un site",
    embedHint: "Copiez ce code dans la page où le sondage doit apparaître.",
  },
  en: {
    share: "Share this poll",
    link: "Link",
    embed: "Embed on a site",
    embedHint: "Copy this code into the page where the poll should appear.",
  },
};

/** The poll's public address and its embed snippet, from PUBLIC_URL. */
export function shareLinks(publicUrl: string, slug: string) {
  const base = publicUrl.replace(/\/+$/, "");
  const url = `${base}/polls/${slug}`;
  const embedUrl = `${base}/embed/polls/${slug}`;
  const snippet = `<iframe src="${embedUrl}" title="Poll: ${slug}" width="100%" height="420" loading="lazy" style="border:0"></iframe>`;
  return { url, embedUrl, snippet };
}

export function ShareBlock(props: { publicUrl: string; slug: string; lang: Lang }) {
  const t = text[props.lang];
  const links = shareLinks(props.publicUrl, props.slug);
  return (
    <section class="share" aria-labelledby="share-title">
      <h2 id="share-title">{t.share}</h2>
      <label>
        {t.link}
        <input type="url" readonly value={links.url} />
      </label>
      <label>
        {t.embed}
        <textarea readonly rows={3} class="share-snippet" aria-describedby="embed-hint">
          {links.snippet}
        </textarea>
        <small id="embed-hint">{t.embedHint}</small>
      </label>
    </section>
  );
}
