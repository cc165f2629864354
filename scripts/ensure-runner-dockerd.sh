#!/usr/bin/env bash
# Start the second Docker engine ("runner host 2") when it does not answer, and give it the
# images it needs. Idempotent: a no-op when the daemon answers and has every image.
#
# Host 1 is the main engine (scripts/ensure-dockerd.sh, default bridge, /var/run/docker.sock).
# Host 2 must not touch host 1's networking: PITFALLS.md saw a second daemon on the default
# bridge delete docker0. So this one runs with no bridge and no iptables rules at all (sandboxes
# have no network anyway), its own socket, data root (persistent: warm runs do not reload
# images), exec root, pidfile and an empty config file (never /etc/docker/daemon.json).
#
# Images come from host 1 (`docker save | docker -H … load`), only those missing; nothing is
# built, pruned or restarted on host 1.
#
# Usage: ensure-runner-dockerd.sh [IMAGE…]   (default: onsite/python:trixie onsite/c:trixie)
# Environment: ONSITE_RUNNER2_DIR (default /run/onsite-runner2),
#              ONSITE_RUNNER2_DATA (default /var/lib/onsite-runner2).
set -euo pipefail
run_dir=${ONSITE_RUNNER2_DIR:-/run/onsite-runner2}
data_root=${ONSITE_RUNNER2_DATA:-/var/lib/onsite-runner2}
sock="unix://$run_dir/docker.sock"
log=/var/log/onsite-runner2-dockerd.log
images=("$@")
[ ${#images[@]} -eq 0 ] && images=(onsite/python:trixie onsite/c:trixie)

answers() { docker -H "$sock" info >/dev/null 2>&1; }

if ! answers; then
  mkdir -p "$run_dir" "$data_root"
  pidfile="$run_dir/docker.pid"
  if [ -s "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    echo "==> runner host 2: dockerd $(cat "$pidfile") is starting; waiting for it"
  else
    echo '{}' >"$run_dir/daemon.json"
    echo "==> starting runner host 2's dockerd ($sock, log: $log)"
    nohup dockerd \
      --config-file "$run_dir/daemon.json" \
      -H "$sock" \
      --data-root "$data_root" \
      --exec-root "$run_dir/exec" \
      --pidfile "$pidfile" \
      --bridge=none --iptables=false --ip-forward=false --ip-masq=false \
      >>"$log" 2>&1 &
  fi
  for _ in $(seq 1 60); do
    answers && break
    sleep 0.5
  done
  if ! answers; then
    echo "error: runner host 2's dockerd did not answer within 30 s; its log:" >&2
    tail -n 40 "$log" >&2 || true
    exit 1
  fi
fi

for image in "${images[@]}"; do
  if docker -H "$sock" image inspect "$image" >/dev/null 2>&1; then
    # Present; reload only if host 1 has a different build under the same tag.
    want=$(docker image inspect --format '{{.Id}}' "$image" 2>/dev/null || true)
    have=$(docker -H "$sock" image inspect --format '{{.Id}}' "$image")
    [ -z "$want" ] || [ "$want" = "$have" ] && continue
  fi
  if ! docker image inspect "$image" >/dev/null 2>&1; then
    echo "error: $image is missing on the main engine too; build it with 'make images'" >&2
    exit 1
  fi
  echo "==> runner host 2: loading $image from the main engine"
  docker save "$image" | docker -H "$sock" load -q
done
