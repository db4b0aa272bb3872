#!/usr/bin/env bash
# Proves the front door the way a newcomer meets it: with no builds in dist/ and no Nx cache,
# `npm start` (with its own NATS and MongoDB-compatible server on ports of their own) must reach
# ready, the printed demo key must answer GET /api/v1/locations with 200, `npm run demo` must
# load the shop and a second run must add nothing, SIGTERM must leave none of the processes it
# started running, and `npm run demo` against a stopped stack must say so and exit non-zero.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
port=${CHECK_START_PORT:-3300}
nats_port=${CHECK_START_NATS_PORT:-4223}
mongo_port=${CHECK_START_MONGO_PORT:-27018}
log=.data/check-start/npm-start.log
fail() { echo "check-start: FAILED: $*"; [ -f "$log" ] && tail -n 40 "$log"; exit 1; }
answers() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

for p in "$port" "$nats_port" "$mongo_port"; do answers "$p" && fail "port $p is taken"; done
rm -rf dist .data/check-start .data/demo-admin-key
mkdir -p .data/check-start
started=$(date +%s)
# setsid: its own process group, so the check can tell what it started and clean up after a failure.
NX_SKIP_NX_CACHE=true PORT=$port CIRCULATE_NS=checkstart \
  NATS_URL=nats://127.0.0.1:$nats_port MONGO_URL=mongodb://127.0.0.1:$mongo_port \
  setsid npm start > "$log" 2>&1 &
npm_pid=$!
pgid=$npm_pid
cleanup() { kill -KILL -- "-$pgid" 2>/dev/null || true; }
trap cleanup EXIT

deadline=$((started + 600))
until grep -q '\[circulate\] ready:' "$log"; do
  kill -0 "$npm_pid" 2>/dev/null || fail "npm start exited before it was ready"
  [ "$(date +%s)" -lt "$deadline" ] || fail "npm start was not ready within 600 s"
  sleep 1
done
echo "check-start: npm start ready in $(( $(date +%s) - started ))s (fresh dist/, Nx cache skipped, own NATS and MongoDB-compatible server)"

key=$(sed -n 's/.*demo tenant admin key: \([^ ]*\).*/\1/p' "$log" | head -1)
[ -n "$key" ] || fail "npm start printed no demo key"
status=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $key" "http://127.0.0.1:$port/api/v1/locations")
[ "$status" = 200 ] || fail "GET /api/v1/locations with the printed key answered $status"
echo "check-start: the printed key answers GET /api/v1/locations with 200"

PORT=$port npm run demo --silent > .data/check-start/demo-1.log 2>&1 || { cat .data/check-start/demo-1.log; fail "npm run demo"; }
grep '^\[demo\]' .data/check-start/demo-1.log | sed 's/^/  /'
PORT=$port npm run demo --silent > .data/check-start/demo-2.log 2>&1 || { cat .data/check-start/demo-2.log; fail "npm run demo (second run)"; }
grep -q 'done: 0 created' .data/check-start/demo-2.log || { cat .data/check-start/demo-2.log; fail "a second npm run demo created records"; }
echo "check-start: a second npm run demo added nothing ($(grep -o 'done: .*' .data/check-start/demo-2.log))"
lookup=$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $key" "http://127.0.0.1:$port/api/v1/stock-items/lookup?code=4006381333931")
[ "$lookup" = 200 ] || fail "the demo camera's barcode lookup answered $lookup"

# What npm start runs: its process group (npm, the launcher, the six apps, the servers it started).
members=$(pgrep -g "$pgid" | tr '\n' ' ')
echo "check-start: SIGTERM to npm start (processes: $members)"
kill -TERM "$npm_pid"
for _ in $(seq 1 60); do
  left=$(pgrep -g "$pgid" || true)
  [ -z "$left" ] && break
  sleep 0.5
done
[ -z "${left:-}" ] || { ps -o pid,cmd -p "$(echo $left | tr ' ' ',')" || true; fail "processes left running after SIGTERM: $left"; }
for p in "$port" "$nats_port" "$mongo_port"; do answers "$p" && fail "port $p still answers after SIGTERM"; done
pgrep -f "$root/dist/apps/" > /dev/null && fail "an app of this checkout is still running"
echo "check-start: SIGTERM stopped everything it started"

set +e
out=$(PORT=$port npm run demo --silent 2>&1)
code=$?
set -e
[ "$code" -ne 0 ] || fail "npm run demo against a stopped stack exited 0"
[ "$(echo "$out" | wc -l)" -eq 1 ] || { echo "$out"; fail "npm run demo against a stopped stack printed more than one line"; }
echo "check-start: npm run demo with nothing running says: $out (exit $code)"
trap - EXIT
echo "check-start: passed in $(( $(date +%s) - started ))s"
