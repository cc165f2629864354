#!/usr/bin/env bash
# Start a Docker engine when none answers. Only one dockerd may run per machine:
# a second daemon on the default bridge breaks the first, so never start one if
# a process named dockerd already exists — wait for it instead.
set -euo pipefail
if docker info >/dev/null 2>&1; then exit 0; fi
if ! pgrep -x dockerd >/dev/null; then
  echo "==> starting dockerd (log: /var/log/onsite-dockerd.log)"
  nohup dockerd >/var/log/onsite-dockerd.log 2>&1 &
fi
for _ in $(seq 1 60); do
  if docker info >/dev/null 2>&1; then echo "==> docker engine is up"; exit 0; fi
  sleep 1
done
echo "error: the Docker engine did not answer within 60 s; see /var/log/onsite-dockerd.log" >&2
exit 1
