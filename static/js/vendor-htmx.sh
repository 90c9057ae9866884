#!/usr/bin/env bash
# Re-fetch the vendored htmx from the npm registry by version and check its hash.
# Usage: static/js/vendor-htmx.sh   (edit VERSION and SHA256 together to upgrade)
set -euo pipefail
VERSION="2.0.11"
SHA256="d6fdc75f204e6bdefa99b69bf1e6d4ac69b8a364f77929f45c13476b4000f717"
here="$(cd "$(dirname "$0")" && pwd)"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "htmx.org@${VERSION}" >/dev/null)
tar -xzf "$tmp"/htmx.org-"${VERSION}".tgz -C "$tmp"
actual="$(sha256sum "$tmp/package/dist/htmx.min.js" | cut -d' ' -f1)"
if [[ "$actual" != "$SHA256" ]]; then
    echo "htmx ${VERSION}: sha256 ${actual} does not match the pinned ${SHA256}" >&2
    exit 1
fi
cp "$tmp/package/dist/htmx.min.js" "$here/htmx.min.js"
cp "$tmp/package/LICENSE" "$here/htmx.LICENSE"
echo "htmx ${VERSION} vendored, sha256 ${actual}"
