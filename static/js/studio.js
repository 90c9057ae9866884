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
