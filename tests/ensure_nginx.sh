#!/usr/bin/env bash
# Make sure Debian's nginx (and openssl) are there for tests/core/test_deploy.py, which runs the
# deploy/ nginx site in front of gunicorn on loopback.
set -euo pipefail
if command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]]; then
    if command -v openssl >/dev/null; then exit 0; fi
fi
if [[ "$(id -u)" == "0" ]] && command -v apt-get >/dev/null; then
    echo "Installing Debian's nginx and openssl packages for the deployment test..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light openssl >/dev/null \
        || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx openssl >/dev/null
    exit 0
fi
cat >&2 <<'MSG'
The deployment test needs nginx and openssl and did not find them.
  Debian/Ubuntu:  sudo apt-get install nginx openssl
  Elsewhere:      install nginx (with the ssl and http2 modules) and openssl, on the PATH
MSG
exit 1
