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
