// Live poll results. Where the server streams tallies (Node: /polls/:slug/events), the results
// block is replaced by each pushed fragment and stops polling; elsewhere (Workers, no EventSource,
// a stream that fails) it keeps polling, only while the tab is visible. Either way, a new total is
// copied into the page's polite live region so a screen reader announces it.
const streaming = new WeakSet();

document.addEventListener("htmx:config:request", (event) => {
  const source = event.detail?.ctx?.sourceElement ?? event.target;
  if (!(source instanceof Element) || !source.hasAttribute("data-live")) return;
  if (document.hidden || streaming.has(source)) event.preventDefault();
});

document.addEventListener("visibilitychange", () => {
  if (document.hidden) return;
  for (const element of document.querySelectorAll("[data-live]")) {
    element.dispatchEvent(new CustomEvent("poll:refresh"));
  }
});

let announced = document.getElementById("poll-results")?.dataset.summary;
/** The open stream, if any: a results block swapped in by a vote is then fed by it too. */
let stream;

/** Tells the live region when the results block now says something new. */
function announce() {
  const current = document.getElementById("poll-results");
  if (current && stream && stream.readyState !== EventSource.CLOSED) streaming.add(current);
  const summary = document.getElementById("poll-results")?.dataset.summary;
  const region = document.getElementById("poll-announce");
  if (!summary || !region || summary === announced) return;
  announced = summary;
  region.textContent = summary;
}

function listen(results) {
  const url = results.dataset.events;
  if (!url || typeof EventSource !== "function") return;
  const source = new EventSource(url);
  stream = source;
  streaming.add(results);
  source.addEventListener("results", (event) => {
    const current = document.getElementById("poll-results");
    if (!current) return source.close();
    const holder = document.createElement("div");
    holder.innerHTML = event.data;
    const next = holder.firstElementChild;
    if (!next) return;
    streaming.add(next);
    current.replaceWith(next);
    if (window.htmx) window.htmx.process(next);
    announce();
  });
  // A closed poll ends the stream; a server without streams answers 404: back to polling.
  source.addEventListener("error", () => {
    source.close();
    const current = document.getElementById("poll-results");
    if (current) streaming.delete(current);
  });
}

new MutationObserver(announce).observe(document.body, { childList: true, subtree: true });
const initial = document.getElementById("poll-results");
if (initial) listen(initial);
