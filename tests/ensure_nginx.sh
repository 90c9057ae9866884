#!/usr/bin/env bash
# Make sure Debian's nginx, its brotli module and openssl are there for tests/core/test_deploy.py
# and `python -m bench edge`, which run the deploy/ nginx site in front of gunicorn on loopback.
set -euo pipefail
BROTLI=/usr/lib/nginx/modules/ngx_http_brotli_filter_module.so
if command -v nginx >/dev/null || [[ -x /usr/sbin/nginx ]]; then
    if command -v openssl >/dev/null && [[ -f "$BROTLI" ]]; then exit 0; fi
fi
if [[ "$(id -u)" == "0" ]] && command -v apt-get >/dev/null; then
    echo "Installing Debian's nginx, its brotli module and openssl for the deployment test..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light openssl \
        libnginx-mod-http-brotli-filter >/dev/null \
        || DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx openssl \
            libnginx-mod-http-brotli-filter >/dev/null
    exit 0
fi
cat >&2 <<'MSG'
The deployment test needs nginx with the brotli filter module, and openssl, and did not find them.
  Debian/Ubuntu:  sudo apt-get install nginx libnginx-mod-http-brotli-filter openssl
  Elsewhere:      install nginx (with the ssl, http2 and brotli filter modules) and openssl, on the PATH
MSG
exit 1
