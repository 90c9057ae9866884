#!/usr/bin/env bash
# Make sure Debian's wrk (the HTTP load generator `python -m bench throughput` drives) is there.
set -euo pipefail
if command -v wrk >/dev/null; then exit 0; fi
if [[ "$(id -u)" == "0" ]] && command -v apt-get >/dev/null; then
    echo "Installing Debian's wrk package for the throughput benchmark..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
    exit 0
fi
cat >&2 <<'MSG'
The throughput benchmark needs wrk and none was found.
  Debian/Ubuntu:  sudo apt-get install wrk
  Elsewhere:      install wrk (https://github.com/wg/wrk) so that `wrk` is on the PATH
MSG
exit 1
