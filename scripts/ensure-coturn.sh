#!/usr/bin/env bash
# Start the installation's own TURN/STUN server (coturn) for `make run` when it is not running.
# Its configuration (port, realm, the shared secret generated into data/secrets/) comes from the
# same settings `onsite serve` hands TURN credentials out with: `onsite turn-config` writes it.
set -euo pipefail
onsite=${1:-.venv/bin/onsite}
dir=${ONSITE_DATA_DIR:-data}/coturn
mkdir -p "$dir"
if [ -f "$dir/turnserver.pid" ] && kill -0 "$(cat "$dir/turnserver.pid")" 2>/dev/null; then exit 0; fi
"$onsite" turn-config --output "$dir/turnserver.conf" --pidfile "$PWD/$dir/turnserver.pid" \
    --log-file "$PWD/$dir/turnserver.log" || exit 0   # [turn] enabled = false: nothing to start
echo "==> starting coturn (TURN/STUN; log: $dir/turnserver.log)"
nohup turnserver -c "$dir/turnserver.conf" >/dev/null 2>&1 &
for _ in $(seq 1 20); do
  [ -f "$dir/turnserver.pid" ] && exit 0
  sleep 0.25
done
echo "warning: coturn did not write its pidfile; video may not connect through firewalls" >&2
