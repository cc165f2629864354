#!/usr/bin/env bash
# The pytest suite as two halves at once on the 2-core machines it runs on: the engine and
# browser tests (mostly waiting on containers and Chromium) beside the server tests (Python, CPU
# bound). The server half runs on two pytest-xdist workers (whole files per worker, so module
# fixtures such as the three-process cluster start once): with one worker it was the long pole,
# and the engine half leaves a core partly idle while it waits.
# The engine/browser half prints as it goes; the server half is shown when both are done.
# Exit status: non-zero if either half failed (a half that selects no test counts as passed,
# unless neither selected any: pytest's 5).
set -u
py=$1
shift
log=$(mktemp -t onsite-pytest-server.XXXXXX.log)
"$py" -m pytest -p no:cacheprovider --durations=15 -n "${ONSITE_TEST_SERVER_WORKERS:-2}" \
  --dist loadfile -m "not docker and not browser" "$@" >"$log" 2>&1 &
server=$!
echo "==> engine and browser tests (the server tests run beside them: $log)"
"$py" -m pytest -p no:cacheprovider --durations=15 -m "docker or browser" "$@"
engine_rc=$?
wait "$server"
server_rc=$?
echo "==> server tests"
cat "$log"
rm -f "$log"
if [ "$engine_rc" -eq 5 ] && [ "$server_rc" -eq 5 ]; then exit 5; fi
[ "$engine_rc" -eq 5 ] && engine_rc=0
[ "$server_rc" -eq 5 ] && server_rc=0
[ "$engine_rc" -eq 0 ] && [ "$server_rc" -eq 0 ] && exit 0
echo "==> failed: engine/browser exit $engine_rc, server exit $server_rc" >&2
exit 1
