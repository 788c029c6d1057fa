// Live poll results: poll only while the tab is visible, and catch up as soon as it is shown again.
document.addEventListener("htmx:config:request", (event) => {
  const source = event.detail?.ctx?.sourceElement ?? event.target;
  if (document.hidden && source instanceof Element && source.hasAttribute("data-live")) {
    event.preventDefault();
  }
});
document.addEventListener("visibilitychange", () => {
  if (document.hidden) return;
  for (const element of document.querySelectorAll("[data-live]")) {
    element.dispatchEvent(new CustomEvent("poll:refresh"));
  }
});
