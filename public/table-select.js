// The contacts table's selection: "select all on this page" ticks every row, and the action bar
// says how many are ticked. Listens on the document, so a table swapped in by htmx needs nothing;
// loaded again with such a table, it binds once.
if (!document.documentElement.hasAttribute("data-table-select")) {
  document.documentElement.setAttribute("data-table-select", "");

  // `form.id` would be its controls named "id" (the checkboxes): read the attribute.
  const nameOf = (form) => form.getAttribute("id");
  const rowBoxes = (form) => [
    ...document.querySelectorAll(`input[name="id"][form="${nameOf(form)}"]`),
  ];

  const refresh = (form) => {
    const boxes = rowBoxes(form);
    const ticked = boxes.filter((box) => box.checked).length;
    const count = form.querySelector("[data-count]");
    if (count) count.textContent = String(ticked);
    const all = document.querySelector(`[data-select-all][form="${nameOf(form)}"]`);
    if (all) {
      all.checked = ticked > 0 && ticked === boxes.length;
      all.indeterminate = ticked > 0 && ticked < boxes.length;
    }
  };

  document.addEventListener("change", (event) => {
    const box = event.target;
    if (!(box instanceof HTMLInputElement) || !box.form?.hasAttribute("data-selection")) return;
    if (box.hasAttribute("data-select-all")) {
      for (const row of rowBoxes(box.form)) row.checked = box.checked;
    }
    refresh(box.form);
  });

  const refreshAll = () => {
    for (const form of document.querySelectorAll("form[data-selection]")) refresh(form);
  };
  document.addEventListener("htmx:afterSettle", refreshAll);
  // Back restores ticks from the page cache: count them again.
  window.addEventListener("pageshow", refreshAll);
  refreshAll();
}
