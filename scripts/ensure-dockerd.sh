#!/usr/bin/env bash
# Start the main Docker engine when none answers. Never a second one on the default bridge: that
# breaks the first (PITFALLS.md), so when the main daemon (its pidfile names a live process) is
# still starting, wait for it instead. Runner host 2 has its own script and pidfile.
set -euo pipefail
if docker info >/dev/null 2>&1; then exit 0; fi
# (The runner-host daemon of scripts/ensure-runner-dockerd.sh has its own pidfile; only a
# dockerd holding the main pidfile counts here.)
main_pid=$(cat /var/run/docker.pid 2>/dev/null || true)
if [ -z "$main_pid" ] || ! kill -0 "$main_pid" 2>/dev/null; then
  echo "==> starting dockerd (log: /var/log/onsite-dockerd.log)"
  nohup dockerd >/var/log/onsite-dockerd.log 2>&1 &
fi
for _ in $(seq 1 60); do
  if docker info >/dev/null 2>&1; then echo "==> docker engine is up"; exit 0; fi
  sleep 1
done
echo "error: the Docker engine did not answer within 60 s; see /var/log/onsite-dockerd.log" >&2
exit 1
