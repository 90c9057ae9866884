// The few lines of our own: video facades load the player only when the reader asks.
document.addEventListener("click", (event) => {
  const facade = event.target.closest("[data-video-facade]");
  if (!facade) return;
  event.preventDefault();
  const src = facade.getAttribute("data-embed-src");
  const frame = document.createElement("iframe");
  frame.src = src;
  frame.title = facade.getAttribute("data-title") || "Video";
  frame.allow = "accelerometer; encrypted-media; picture-in-picture; fullscreen";
  frame.loading = "lazy";
  frame.className = "video-frame";
  facade.replaceWith(frame);
});

// Booking: show free times in the visitor's own time zone unless they picked one themselves.
function showTimesInVisitorZone(root) {
  const select = root.querySelector && root.querySelector("select[data-detect-zone]");
  if (!select || select.dataset.zoneChosen === "true") return;
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!zone || zone === select.value) return;
  if (![...select.options].some((option) => option.value === zone)) {
    select.add(new Option(zone.replaceAll("_", " "), zone));
  }
  select.value = zone;
  select.dispatchEvent(new Event("change", { bubbles: true }));
}
if (window.htmx) window.htmx.onLoad(showTimesInVisitorZone);
