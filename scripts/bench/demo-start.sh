#!/usr/bin/env bash
# Measures the demo command (scripts/demo.sh) from its start: seconds until
# the backend is ready, until the frontend at :3000 serves, and until the
# guest sees a provisioned application (orders-service `completed`, on dev
# and stage, read with the guest's own token); then sends Ctrl-C (SIGINT)
# and checks that everything it started has stopped. Nothing of the demo may
# run before (its services are started, and counted, by the demo).
# Run it on a warm machine (dependencies installed, Maven artifacts cached)
# for the warm start; with empty caches for the cold one.
#
#   bash scripts/bench/demo-start.sh
#
# Env: DEMO_START_TIMEOUT (seconds, default 1200).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
TIMEOUT="${DEMO_START_TIMEOUT:-1200}"
# The demo's ports: frontend, backend, dev broker, stage broker, Apicurio.
PORTS=(3000 7007 9092 9093 9094 9292 9293 9294 8081)
BACKEND=http://127.0.0.1:7007

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

for port in "${PORTS[@]}"; do
  if listening "$port"; then
    echo "port $port is in use: stop what runs there first (e.g. bash scripts/services/all.sh stop)" >&2
    exit 1
  fi
done

LOG="$(mktemp)"
started=$(date +%s)
set -m
bash scripts/demo.sh >"$LOG" 2>&1 &
DEMO=$!
set +m

backend_ready() { curl -fs -o /dev/null "$BACKEND/.backstage/health/v1/readiness"; }
frontend_serves() { curl -fs -o /dev/null http://localhost:3000/; }
# The guest's view of its team's orders-service: provisioned in every
# environment it declares (dev and stage).
guest_sees_provisioned() {
  local token
  token="$(curl -fs -H 'X-Requested-With: XMLHttpRequest' "$BACKEND/api/auth/guest/refresh" |
    node -e 'process.stdout.write(JSON.parse(require("fs").readFileSync(0)).backstageIdentity.token)' 2>/dev/null)" ||
    return 1
  curl -fs -H "Authorization: Bearer $token" \
    "$BACKEND/api/kafka-hub/applications/component%3Adefault%2Forders-service" |
    node -e 'process.exit(JSON.parse(require("fs").readFileSync(0)).status === "completed" ? 0 : 1)' 2>/dev/null
}

services_at="" backend_at="" frontend_at="" provisioned_at=""
while [ -z "$provisioned_at" ] || [ -z "$frontend_at" ]; do
  if ! kill -0 "$DEMO" 2>/dev/null; then
    echo "demo exited before serving; log: $LOG" >&2
    tail -30 "$LOG" >&2
    exit 1
  fi
  elapsed=$(($(date +%s) - started))
  if ((elapsed > TIMEOUT)); then
    echo "demo not serving after ${TIMEOUT}s; log: $LOG" >&2
    kill -INT -- -"$DEMO"
    wait "$DEMO" || true
    exit 1
  fi
  # demo.sh starts the seed once Kafka (dev, stage) and Apicurio serve.
  if [ -z "$services_at" ] && grep -q '^\[demo\] seeding demo data' "$LOG"; then
    services_at=$elapsed
  fi
  if [ -z "$backend_at" ] && backend_ready; then backend_at=$elapsed; fi
  if [ -z "$frontend_at" ] && frontend_serves; then frontend_at=$elapsed; fi
  if [ -n "$backend_at" ] && [ -z "$provisioned_at" ] && guest_sees_provisioned; then
    provisioned_at=$elapsed
  fi
  sleep 1
done
echo "services (Kafka dev and stage, Apicurio) up after ${services_at:-?}s"
echo "backend ready after ${backend_at}s"
echo "frontend serving after ${frontend_at}s"
echo "guest sees orders-service provisioned after ${provisioned_at}s"
echo "demo serving after $((provisioned_at > frontend_at ? provisioned_at : frontend_at))s"

stop_started=$(date +%s)
kill -INT -- -"$DEMO"
wait "$DEMO" || true
echo "demo stopped $(($(date +%s) - stop_started))s after Ctrl-C"
left=""
for port in "${PORTS[@]}"; do
  if listening "$port"; then left="$left $port"; fi
done
if [ -n "$left" ]; then
  echo "still listening after Ctrl-C:$left (log: $LOG)" >&2
  exit 1
fi
echo "nothing left listening on ${PORTS[*]}"
echo "demo log: $LOG"
