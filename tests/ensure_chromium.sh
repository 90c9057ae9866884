#!/usr/bin/env bash
# Make sure a Chromium is there for the browser tests (Playwright drives it; it never downloads one).
set -euo pipefail
if [[ -n "${CHROMIUM_PATH:-}" && -x "${CHROMIUM_PATH}" ]]; then exit 0; fi
if [[ -x /usr/bin/chromium ]]; then exit 0; fi
if [[ "$(id -u)" == "0" ]] && command -v apt-get >/dev/null; then
    echo "Installing Debian's chromium package for the browser tests..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
    exit 0
fi
cat >&2 <<'MSG'
The browser tests need Chromium and none was found.
  Debian/Ubuntu:  sudo apt-get install chromium
  Elsewhere:      install Chromium and set CHROMIUM_PATH=/path/to/chromium
MSG
exit 1
