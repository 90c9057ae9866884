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
