#!/usr/bin/env bash
# Install the Debian packages Onsite needs when they are missing (CI starts from a bare machine).
# Runs as root, as CI does; with nothing missing it returns at once and touches no network.
set -euo pipefail
need=()
command -v dockerd >/dev/null || need+=(docker.io)
command -v debootstrap >/dev/null || need+=(debootstrap)
[ -x /usr/bin/chromium ] || need+=(chromium)
ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 || need+=(postgresql)
command -v node >/dev/null || need+=(nodejs npm)
command -v turnserver >/dev/null || need+=(coturn)
command -v redis-server >/dev/null || need+=(redis-server)
command -v haproxy >/dev/null || need+=(haproxy)
if [ ${#need[@]} -gt 0 ]; then
  echo "==> installing Debian packages: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${need[@]}" ca-certificates
fi
