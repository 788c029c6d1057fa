// Markdown typed by admins, rendered for the public: raw HTML is never passed through.
import MarkdownIt from "markdown-it";

/**
 * `html: false` escapes any HTML in the source as text; markdown-it's default link validation
 * refuses javascript:, vbscript:, file: and non-image data: URLs.
 */
const md = new MarkdownIt({ html: false, linkify: true, typographer: false });

const defaultLinkOpen =
  md.renderer.rules.link_open ??
  ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));

// Links written by admins lead elsewhere: no referrer, no search-engine endorsement.
md.renderer.rules.link_open = (tokens, idx, options, env, self) => {
  tokens[idx]?.attrSet("rel", "nofollow noopener noreferrer");
  return defaultLinkOpen(tokens, idx, options, env, self);
};

export const renderMarkdown = (source: string): string => md.render(source);
