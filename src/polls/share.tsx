// Sharing a poll: its link, a QR code of it (an SVG drawn on the server at /polls/:slug/qr.svg, no
// script, no third party), and an <iframe> snippet for the compact embed page (embed.tsx), the one poll page other
// sites may frame (see http/security-headers.ts).
import { encode } from "uqr";
import type { Lang } from "../i18n";
import { messages } from "../messages";

/** The poll's public address and its embed snippet, from PUBLIC_URL. */
export function shareLinks(publicUrl: string, slug: string) {
  const base = publicUrl.replace(/\/+$/, "");
  const url = `${base}/polls/${slug}`;
  const qrUrl = `/polls/${slug}/qr.svg`;
  const embedUrl = `${base}/embed/polls/${slug}`;
  const snippet = `<iframe src="${embedUrl}" title="Poll: ${slug}" width="100%" height="420" loading="lazy" style="border:0"></iframe>`;
  return { url, qrUrl, embedUrl, snippet };
}

/** The light margin, in modules, a QR code needs around it to be read (ISO/IEC 18004). */
export const QUIET_ZONE = 4;

/**
 * The QR code of `url` as SVG, one module per unit: each row's runs of dark modules are one
 * rectangle each, so the path stays short. Its name (the address) is escaped by JSX. Served as an
 * image of its own (cached by browsers), so no page render pays for the encoding (about 1.5 ms).
 */
export function QrCode(props: { url: string; label: string }) {
  const { data, size } = encode(props.url, { ecc: "M", border: QUIET_ZONE });
  let d = "";
  data.forEach((row, y) => {
    for (let x = 0; x < size; x++) {
      if (!row[x]) continue;
      const start = x;
      while (row[x + 1]) x++;
      const run = x - start + 1;
      d += `M${start},${y}h${run}v1h-${run}z`;
    }
  });
  return (
    <svg
      xmlns="http://www.w3.org/2000/svg"
      class="share-qr"
      viewBox={`0 0 ${size} ${size}`}
      role="img"
      aria-label={props.label}
      shape-rendering="crispEdges"
    >
      <title>{props.label}</title>
      <rect width={size} height={size} fill="#fff" />
      <path d={d} fill="#000" />
    </svg>
  );
}

export function ShareBlock(props: { publicUrl: string; slug: string; lang: Lang }) {
  const t = messages(props.lang).pollShare;
  const links = shareLinks(props.publicUrl, props.slug);
  return (
    <section class="share" aria-labelledby="share-title">
      <h2 id="share-title">{t.share}</h2>
      <label>
        {t.link}
        <input type="url" readonly value={links.url} />
      </label>
      <img class="share-qr" src={links.qrUrl} alt={t.qr(links.url)} width="192" height="192" />
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

/** The QR code of a poll's public address, as a standalone SVG document named by the address. */
export const pollQrSvg = (publicUrl: string, slug: string) => {
  const { url } = shareLinks(publicUrl, slug);
  return `<?xml version="1.0" encoding="UTF-8"?>${String(<QrCode url={url} label={url} />)}`;
};
