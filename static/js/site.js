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
