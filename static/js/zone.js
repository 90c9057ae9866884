// Runs before the page is drawn (no defer): remember the browser's time zone in a cookie the
// server reads, so every later page shows times in it from the first paint. On the very first
// visit the server could not know it yet: mark the page so times in a guessed zone stay hidden
// until site.js has fetched them in the right one.
(() => {
  document.documentElement.classList.add("js");
  if (/(?:^|;\s*)tz=/.test(document.cookie)) return;
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  if (!zone) return;
  const secure = location.protocol === "https:" ? "; secure" : "";
  document.cookie = `tz=${encodeURIComponent(zone)}; path=/; max-age=31536000; samesite=lax${secure}`;
  document.documentElement.classList.add("zone-unknown");
})();
