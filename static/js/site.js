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

// GET filter forms marked data-omit-empty-params leave empty fields out of the URL htmx
// fetches and pushes, so a shared link reads /drills/?direction=rotation, not ...&q=.
document.addEventListener("htmx:configRequest", (event) => {
  if (event.detail.verb !== "get" || !event.detail.elt.closest("[data-omit-empty-params]")) return;
  const params = event.detail.parameters;
  for (const name of Object.keys(params)) {
    if (params[name] === "") delete params[name];
  }
});

// Remember the browser's time zone in a cookie the server reads, so later pages show times in
// it from the first paint. Temporal answers at once; Intl first loads its locale data, a 30-50 ms
// pause of every first view on a busy machine (four times that on a slow phone).
const browserZone = window.Temporal
  ? window.Temporal.Now.timeZoneId()
  : Intl.DateTimeFormat().resolvedOptions().timeZone;
if (browserZone && !/(?:^|;\s*)tz=/.test(document.cookie)) {
  const secure = location.protocol === "https:" ? "; secure" : "";
  document.cookie = `tz=${encodeURIComponent(browserZone)}; path=/; max-age=31536000; samesite=lax${secure}`;
}

// The visitor's clock, 12 or 24 hours, as the browser formats times (its language, refined by
// the device's own setting where the browser follows it): remembered in an `hours` cookie the
// server reads (blueprints/shared/hours.py). Asked once per browser: Intl's first use is slow.
const hoursKnown = /(?:^|;\s*)hours=(?:12|24)(?:;|$)/.test(document.cookie);
if (!hoursKnown) {
  const cycle = new Intl.DateTimeFormat(undefined, { hour: "numeric" }).resolvedOptions().hourCycle;
  const hours = cycle === "h11" || cycle === "h12" ? "12" : "24";
  const secure = location.protocol === "https:" ? "; secure" : "";
  document.cookie = `hours=${hours}; path=/; max-age=31536000; samesite=lax${secure}`;
}

// Booking: unless the server knew the visitor's zone and clock (link, form or cookie), fetch
// the times in the browser's own, once; the page keeps them hidden meanwhile
// (data-zone-default, site.css).
let zoneDetectionTried = false;
function showTimesInVisitorZone(root) {
  const picker = root.id === "slot-picker" ? root : root.querySelector && root.querySelector("#slot-picker");
  if (!picker) return;
  const select = picker.querySelector("select[data-detect-zone]");
  const zoneKnown = select && (select.dataset.zoneChosen === "true" || browserZone === select.value);
  const known = !select || (zoneKnown && hoursKnown);
  if (known || zoneDetectionTried || !browserZone) {
    picker.removeAttribute("data-zone-default");
    return;
  }
  zoneDetectionTried = true;
  if (![...select.options].some((option) => option.value === browserZone)) {
    select.add(new Option(browserZone.replaceAll("_", " "), browserZone));
  }
  select.value = browserZone;
  select.dispatchEvent(new Event("change", { bubbles: true }));
}
if (window.htmx) window.htmx.onLoad(showTimesInVisitorZone);

// A form sent with htmx is replaced by the answer, and the focus would fall back to <body>.
// Put it where the visitor goes next: the first field the server refused, else the message.
let refocus = null;
document.addEventListener("htmx:beforeSwap", (event) => {
  const { target, requestConfig, shouldSwap, xhr } = event.detail;
  const sent = shouldSwap && requestConfig && requestConfig.verb === "post";
  const hadFocus = sent && target.id && target.contains(document.activeElement);
  refocus = hadFocus ? { id: target.id, xhr } : null;
});
document.addEventListener("htmx:afterSettle", (event) => {
  if (!refocus || refocus.xhr !== event.detail.xhr) return;
  const region = document.getElementById(refocus.id);
  refocus = null;
  const answer = '[role="status"], [role="alert"]';
  const next = region && (region.querySelector('[aria-invalid="true"]') ||
    (region.matches(answer) ? region : region.querySelector(answer)));
  if (!next) return;
  if (!next.matches("input, select, textarea, button, a[href]")) next.tabIndex = -1;
  next.focus();
});

// "Print this drill" is a link to the printable view; with a script it opens the print dialog.
document.addEventListener("click", (event) => {
  const link = event.target.closest("a[data-print]");
  if (!link || typeof window.print !== "function") return;
  event.preventDefault();
  window.print();
});

// Less motion asked for: CSS stops CSS animations; SVG's own (SMIL) animations are paused here.
const stillMotion = window.matchMedia("(prefers-reduced-motion: reduce)");
function stillDemonstrations(root) {
  if (!root.querySelectorAll) return;
  const svgs = [...root.querySelectorAll("svg.demo-animated, .demo-animated svg")];
  if (root.matches && root.matches("svg.demo-animated")) svgs.push(root);
  for (const svg of svgs) {
    if (stillMotion.matches) svg.pauseAnimations();
    else svg.unpauseAnimations();
  }
}
if (window.htmx) window.htmx.onLoad(stillDemonstrations);
stillMotion.addEventListener("change", () => stillDemonstrations(document));

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

  // An article's drill card holds a picture of the start position until the first play.
  async function figureOf(button) {
    const holder = button.closest("[data-demo]").querySelector(".demo-animated");
    const src = holder.dataset.demoSrc;
    if (!holder.querySelector("svg") && src) {
      holder.loading ??= fetch(src).then(async (response) => {
        if (!response.ok) return;
        const picture = holder.querySelector("img");
        picture.insertAdjacentHTML("afterend", await response.text());
        picture.remove();
        // A new SVG's clock starts with the next frame; a begin asked for before is lost.
        await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
      });
      await holder.loading;
    }
    return holder.querySelector("svg");
  }

  async function toggle(button) {
    const svg = await figureOf(button);
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
    // Only the verb changes: the rest of the name says which drill (several on one page).
    button.querySelector("[data-demo-verb]").textContent = playing ? "Play" : "Pause";
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

// A silent drill clip (muted, looping) plays by itself, unless the reader asks for less motion;
// asking for it later pauses the clip. The controls are always there.
(() => {
  const still = window.matchMedia("(prefers-reduced-motion: reduce)");
  function playSilentClips(root) {
    if (!root.querySelectorAll) return;
    for (const video of root.querySelectorAll("video[data-autoplay]")) {
      if (still.matches) video.pause();
      else video.play().catch(() => {}); // a browser that refuses keeps the play button
    }
  }
  playSilentClips(document);
  if (window.htmx) window.htmx.onLoad(playSilentClips);
  still.addEventListener("change", () => playSilentClips(document));
})();
