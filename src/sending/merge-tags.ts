// Merge tags in a campaign: `{{name}}` and `{{attr.KEY}}`, each with an optional fallback
// (`{{name|friend}}`). Checked when a campaign is saved, filled in per recipient when it is sent.

/** One tag as written: what it reads from the contact, and what stands in when that is missing. */
export type MergeTag = { source: string; field: "name" | `attr.${string}`; fallback: string };

const TAG = /^\s*(name|attr\.[A-Za-z0-9_-]{1,64})\s*(?:\|([^|]*))?$/;

/** The known tags of a text, in order of appearance, or the first thing that is not one. */
export function parseMergeTags(
  value: string,
):
  | { ok: true; tags: MergeTag[] }
  | { ok: false; message: string; code: string; values: Record<string, string> } {
  const tags: MergeTag[] = [];
  let at = value.indexOf("{{");
  while (at !== -1) {
    const end = value.indexOf("}}", at + 2);
    if (end === -1)
      return {
        ok: false,
        message: `"${value.slice(at, at + 30)}" opens a merge tag with {{ and never closes it with }}.`,
        code: "unclosedMergeTag",
        values: { start: value.slice(at, at + 30) },
      };
    const inner = value.slice(at + 2, end);
    const known = TAG.exec(inner);
    if (!known || inner.includes("{{")) {
      const tag = `{{${inner.slice(0, 60)}}}`;
      return { ok: false, message: unknownTag(inner), code: "unknownMergeTag", values: { tag } };
    }
    tags.push({
      source: value.slice(at, end + 2),
      field: known[1] as MergeTag["field"],
      fallback: (known[2] ?? "").trim(),
    });
    at = value.indexOf("{{", end + 2);
  }
  return { ok: true, tags };
}

const unknownTag = (inner: string) =>
  `Unknown merge tag {{${inner.slice(0, 60)}}}: use {{name}} or {{attr.KEY}} (a contact attribute), with an optional fallback such as {{name|friend}}.`;

/** What a contact gives the tags. */
export type MergeContact = { name: string | null; attributes: unknown };

/** A tag's value for one contact: the contact's own, else the fallback, else empty. */
export function mergeValue(tag: MergeTag, contact: MergeContact): string {
  let value: unknown;
  if (tag.field === "name") value = contact.name;
  else if (contact.attributes && typeof contact.attributes === "object")
    value = (contact.attributes as Record<string, unknown>)[tag.field.slice("attr.".length)];
  const text = value === null || value === undefined ? "" : String(value).trim();
  return text || tag.fallback;
}

/** Replaces each tag of `value` by what `fill` gives for it. */
export function replaceMergeTags(value: string, fill: (tag: MergeTag) => string): string {
  const parsed = parseMergeTags(value);
  if (!parsed.ok) return value;
  let out = value;
  // Sources may repeat: each is replaced in turn, from the first occurrence on.
  let from = 0;
  for (const tag of parsed.tags) {
    const at = out.indexOf(tag.source, from);
    const filled = fill(tag);
    out = out.slice(0, at) + filled + out.slice(at + tag.source.length);
    from = at + filled.length;
  }
  return out;
}
