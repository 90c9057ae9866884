// The studio's htmx marks (attended, seen): the answer replaces one item and the page's live
// region (#studio-news) says what changed. Focus goes on to the next item of the same list, so
// the coach can mark one after another from the keyboard; at the end of the list it stays on
// the item just marked.
let nextFocus = null;
document.addEventListener("htmx:beforeRequest", (event) => {
  const form = event.detail.elt.closest && event.detail.elt.closest("form[data-then-focus-next]");
  if (!form) return;
  const item = form.closest(form.dataset.thenFocusNext);
  let next = item && item.nextElementSibling;
  while (next && !next.matches(form.dataset.thenFocusNext)) next = next.nextElementSibling;
  nextFocus = { itemId: item && item.id, nextId: next && next.id, xhr: event.detail.xhr };
});
document.addEventListener("htmx:afterSettle", (event) => {
  if (!nextFocus || nextFocus.xhr !== event.detail.xhr) return;
  const { itemId, nextId } = nextFocus;
  nextFocus = null;
  const target = (nextId && document.getElementById(nextId)) || document.getElementById(itemId);
  const control = target && target.querySelector("button, a[href]");
  if (control) control.focus();
});

// The demonstration editor, dragging a joint: a handle on the preview's figure sets the slider
// it carries (studio/demonstration_handles.py), and the slider's input event redraws the figure
// as before. An angle is the pointer's direction from the joint the segment turns about (the
// picture's y runs down, the angles' up), taken nearest the slider's value and kept on it.
// After each redraw the handle is looked up again: the picture may be reframed while dragging.
(() => {
  let dragging = null;
  const setSlider = (name, value, turn) => {
    const slider = document.getElementById(name);
    if (!slider) return;
    const current = Number(slider.value);
    const wanted = turn ? value + 360 * Math.round((current - value) / 360) : value;
    const step = Number(slider.step) || 1;
    const low = Number(slider.min);
    const high = Number(slider.max);
    const next = Math.min(high, Math.max(low, Math.round(wanted / step) * step));
    if (next === current) return;
    slider.value = String(next);
    slider.dispatchEvent(new Event("input", { bubbles: true }));
  };
  document.addEventListener("pointerdown", (event) => {
    const handle = event.target.closest && event.target.closest(".pose-handle");
    if (!handle || event.button !== 0) return;
    event.preventDefault();
    dragging = { handle: handle.dataset.handle, pointer: event.pointerId };
    // held by the preview, which outlives its redraws, so a release anywhere ends the drag
    (handle.closest("#demonstration-preview") || handle).setPointerCapture(event.pointerId);
    document.documentElement.classList.add("is-dragging-pose");
  });
  document.addEventListener("pointermove", (event) => {
    if (!dragging || event.pointerId !== dragging.pointer) return;
    const handle = document.querySelector(`.pose-handle[data-handle="${dragging.handle}"]`);
    const matrix = handle && handle.ownerSVGElement && handle.ownerSVGElement.getScreenCTM();
    if (!matrix) return;
    event.preventDefault();
    const at = new DOMPoint(event.clientX, event.clientY).matrixTransform(matrix.inverse());
    const data = handle.dataset;
    if (data.slider) {
      const angle = Math.atan2(Number(data.pivotY) - at.y, at.x - Number(data.pivotX));
      setSlider(data.slider, (angle * 180) / Math.PI + Number(data.offset || 0), true);
    } else {
      setSlider(data.sliderX, at.x + Number(data.originX), false);
      setSlider(data.sliderY, Number(data.originY) - at.y, false);
    }
  });
  const stop = (event) => {
    if (!dragging || event.pointerId !== dragging.pointer) return;
    dragging = null;
    document.documentElement.classList.remove("is-dragging-pose");
  };
  document.addEventListener("pointerup", stop);
  document.addEventListener("pointercancel", stop);
  document.addEventListener("lostpointercapture", stop);
})();

// Moved from site.js: studio pages only (the public pages' first view stays within 35 KB).
// Studio lists: a row's button (Mark answered, Archive, Approve, Retry) replaces its row in
// place, and the focus would fall to <body> (the next Tab then starts from the top). Once the
// row has settled the answer's HX-Trigger-After-Settle says what was done: read it out in the
// live region and put the focus on the next row's first button (this row's, for the last).
let swappedRow = null;
document.addEventListener("htmx:beforeSwap", (event) => {
  const row = event.detail.target;
  if (!event.detail.shouldSwap || !row.matches || !row.matches("tr[id]")) return;
  const near = row.nextElementSibling || row.previousElementSibling;
  swappedRow = { id: row.id, nearId: near && near.id, next: !!row.nextElementSibling };
});
document.addEventListener("studio-done", (event) => {
  const region = document.getElementById("studio-announce");
  if (region) region.textContent = event.detail.value;
  if (!swappedRow) return;
  const { id, nearId, next } = swappedRow;
  swappedRow = null;
  const near = nearId && document.getElementById(nearId);
  const row = (next && near) || document.getElementById(id) || near;
  const control = row && (row.querySelector("button") || row.querySelector("a[href]"));
  const target = control || document.getElementById("studio-content");
  if (target) target.focus();
});

// The article editor's "Insert a drill": each drill's button puts its embed line where the
// cursor is in the article, then hands the focus back there. Without a script the list shows
// the line to copy instead (the buttons stay hidden).
function offerDrillButtons(root) {
  if (!root.querySelectorAll) return;
  for (const button of root.querySelectorAll("[data-insert-drill]")) button.hidden = false;
  for (const line of root.querySelectorAll("[data-paste-line]")) {
    line.hidden = !!line.parentElement.querySelector("[data-insert-drill]");
  }
}
document.addEventListener("DOMContentLoaded", () => offerDrillButtons(document));
document.addEventListener("htmx:load", (event) => offerDrillButtons(event.target));
document.addEventListener("click", (event) => {
  const button = event.target.closest("[data-insert-drill]");
  const area = button && document.getElementById(button.dataset.insertInto);
  if (!area) return;
  const embed = button.dataset.insertDrill;
  const before = area.value.slice(0, area.selectionStart);
  const after = area.value.slice(area.selectionEnd);
  const lead = before === "" || before.endsWith("\n\n") ? "" : before.endsWith("\n") ? "\n" : "\n\n";
  const tail = after.startsWith("\n\n") ? "" : after.startsWith("\n") ? "\n" : "\n\n";
  const inserted = lead + embed + tail;
  area.value = before + inserted + after;
  const cursor = before.length + inserted.length;
  area.focus();
  area.setSelectionRange(cursor, cursor);
  area.dispatchEvent(new Event("input", { bubbles: true })); // the live preview follows
  const region = document.getElementById("studio-announce");
  if (region) region.textContent = `Inserted ${button.dataset.drillName} into the article.`;
});
// A new list of drills: say how many match, as a screen reader would otherwise not know.
document.addEventListener("htmx:afterSwap", (event) => {
  if (event.detail.target.id !== "drill-choices") return;
  const count = document.getElementById("drill-choices-count");
  const region = document.getElementById("studio-announce");
  if (count && region) region.textContent = count.textContent;
});

// The demonstration editor: a slider's number follows it (the server redraws the figure).
document.addEventListener("input", (event) => {
  const slider = event.target.closest && event.target.closest("input[type=range][data-unit]");
  const output = slider && slider.form && slider.form.querySelector(`output[for="${slider.id}"]`);
  if (output) output.textContent = `${slider.value}${slider.dataset.unit}`;
});

// Moved from site.js: studio pages only.
// Studio: a "Copy" button beside a read-only address (shown only where the clipboard works).
document.addEventListener("DOMContentLoaded", () => {
  for (const button of document.querySelectorAll("[data-copy]")) {
    const source = document.querySelector(button.dataset.copy);
    if (!source || !navigator.clipboard) continue;
    button.hidden = false;
    button.addEventListener("click", () =>
      navigator.clipboard.writeText(source.value).then(() => { button.textContent = "Copied"; }));
  }
});

// The drill editor's upload: sent by XHR so a <progress> follows the bytes; the answer (the
// editor again, or where the redirect led) replaces the page. Without JavaScript it is the
// same form, posted plainly.
document.addEventListener("submit", (event) => {
  const form = event.target.closest("form[data-upload-form]");
  const file = form && form.querySelector("input[type=file][data-max-bytes]");
  if (!file || !file.files.length) return;
  if (event.submitter && event.submitter.formAction !== form.action) return; // the preview button
  if (event.submitter && event.submitter.name === "positions_action") return; // not saving yet
  const box = form.querySelector("[data-upload-progress]");
  const bar = box.querySelector("progress");
  event.preventDefault();
  const request = new XMLHttpRequest();
  request.open("POST", form.action);
  request.upload.addEventListener("progress", (progress) => {
    if (!progress.lengthComputable) return;
    const percent = Math.floor((100 * progress.loaded) / progress.total);
    bar.value = percent;
    box.querySelector("[data-upload-percent]").textContent = `${percent}%`;
  });
  request.addEventListener("load", () => {
    const page = new DOMParser().parseFromString(request.responseText, "text/html");
    history.replaceState(null, "", request.responseURL);
    document.title = page.title;
    document.body.replaceWith(page.body);
    if (window.htmx) window.htmx.process(document.body);
  });
  request.addEventListener("error", () => form.submit());
  box.hidden = false;
  for (const button of form.querySelectorAll("button")) button.disabled = true;
  request.send(new FormData(form, event.submitter));
});
