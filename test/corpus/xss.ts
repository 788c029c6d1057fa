// Hostile text, shared by every test that renders user input. Each payload, if it ever became
// markup, would add an element carrying `data-xss` or run `window.__xss = 1`.
export const XSS_PAYLOADS = [
  `<b data-xss="1">bold</b>`,
  `"><b data-xss="2">`,
  `'><b data-xss="3">`,
  `</textarea><b data-xss="4">`,
  `</title><b data-xss="5">`,
  `<script>window.__xss = 1</script>`,
  `<img src=x onerror="window.__xss = 1" data-xss="6">`,
  `<svg onload="window.__xss = 1" data-xss="7"></svg>`,
  `<iframe srcdoc="<script>parent.__xss = 1</script>" data-xss="8"></iframe>`,
  `[click](javascript:window.__xss=1)`,
  `<a href="javascript:window.__xss=1" data-xss="9">x</a>`,
  `{{constructor.constructor('window.__xss=1')()}}`,
  `\u202e<b data-xss="10">`,
];

/** One string holding every payload, for fields that take a single value. */
export const XSS_ALL = XSS_PAYLOADS.join(" ");
