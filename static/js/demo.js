// Drill demonstrations: the figure is SVG animated with SMIL, waiting (begin="indefinite") for
// this button. Play starts or resumes it, Pause freezes it where it is. With reduced motion the
// button stays hidden and the stylesheet shows the start and end positions instead.
(() => {
  const still = window.matchMedia("(prefers-reduced-motion: reduce)");

  function wire(root) {
    for (const button of root.querySelectorAll("[data-demo-play]")) {
      if (button.dataset.wired) continue;
      button.dataset.wired = "true";
      button.hidden = still.matches;
      button.addEventListener("click", () => toggle(button));
    }
  }

  function toggle(button) {
    const svg = button.closest("[data-demo]").querySelector(".demo-animated svg");
    if (!svg) return;
    const playing = button.dataset.state === "playing";
    if (playing) {
      svg.pauseAnimations();
    } else if (button.dataset.state === "paused") {
      svg.unpauseAnimations();
    } else {
      svg.unpauseAnimations();
      for (const animation of svg.querySelectorAll("animate, animateTransform")) {
        animation.beginElement();
      }
    }
    button.dataset.state = playing ? "paused" : "playing";
    button.textContent = playing ? "Play the demonstration" : "Pause the demonstration";
  }

  // Turning reduced motion on mid-visit stops a playing figure and hides its button.
  still.addEventListener("change", () => {
    for (const button of document.querySelectorAll("[data-demo-play]")) {
      if (still.matches && button.dataset.state === "playing") toggle(button);
      button.hidden = still.matches;
    }
  });

  document.addEventListener("DOMContentLoaded", () => wire(document));
  document.addEventListener("htmx:load", (event) => wire(event.target));
})();
