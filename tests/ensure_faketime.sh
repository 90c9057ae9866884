#!/usr/bin/env bash
# Make sure Debian's faketime (libfaketime) is there for `make test-faketime`.
set -euo pipefail
if command -v faketime >/dev/null; then exit 0; fi
if [[ "$(id -u)" == "0" ]] && command -v apt-get >/dev/null; then
    echo "Installing Debian's faketime package for the faked-clock test run..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq faketime >/dev/null
    exit 0
fi
cat >&2 <<'MSG'
`make test-faketime` runs the suite with the operating system's clock faked by libfaketime,
and no `faketime` command was found.
  Debian/Ubuntu:  sudo apt-get install faketime
  macOS:          brew install libfaketime
MSG
exit 1
