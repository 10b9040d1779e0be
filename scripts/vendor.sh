#!/usr/bin/env bash
# Re-fetch the front-end assets okg ships inside the package (no CDN: the page works offline).
# Usage: scripts/vendor.sh [VERSION]   (default: the version recorded in src/okg/web/vendor/README.md)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
vendor="$root/src/okg/web/vendor"
version="${1:-$(sed -n 's/^- vis-network \([0-9][0-9.]*\).*/\1/p' "$vendor/README.md")}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
(cd "$tmp" && npm pack --silent "vis-network@$version" >/dev/null && tar xzf vis-network-*.tgz)
cp "$tmp/package/standalone/umd/vis-network.min.js" "$vendor/vis-network.min.js"
cp "$tmp/package/LICENSE-MIT" "$vendor/vis-network.LICENSE-MIT"
cp "$tmp/package/LICENSE-APACHE-2.0" "$vendor/vis-network.LICENSE-APACHE-2.0"
sha=$(sha256sum "$vendor/vis-network.min.js" | cut -d' ' -f1)
echo "vis-network $version vendored (sha256 $sha)"
echo "update the version and checksum in $vendor/README.md if they changed"
