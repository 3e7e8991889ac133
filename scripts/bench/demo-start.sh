#!/usr/bin/env bash
# Measures the demo command: seconds until the app serves (frontend page and
# backend readiness), then sends Ctrl-C (SIGINT) and checks that everything it
# started has stopped. Run it twice for cold and warm numbers.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
LOG="$(mktemp)"
started=$(date +%s)
set -m
bash scripts/demo.sh >"$LOG" 2>&1 &
DEMO=$!
set +m

ready() {
  curl -fs -o /dev/null http://localhost:3000/ &&
    curl -fs -o /dev/null http://127.0.0.1:7007/.backstage/health/v1/readiness
}
until ready; do
  if ! kill -0 "$DEMO" 2>/dev/null; then
    echo "demo exited before serving; log: $LOG" >&2
    tail -30 "$LOG" >&2
    exit 1
  fi
  if (($(date +%s) - started > 1200)); then
    echo "demo not serving after 1200 s; log: $LOG" >&2
    kill -INT -- -"$DEMO"
    exit 1
  fi
  sleep 2
done
serving=$(($(date +%s) - started))
echo "demo serving after ${serving}s"

stop_started=$(date +%s)
kill -INT -- -"$DEMO"
wait "$DEMO" || true
echo "demo stopped $(($(date +%s) - stop_started))s after Ctrl-C"
left=""
for port in 3000 7007 9092 9094 8081; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then left="$left $port"; fi
done
if [ -n "$left" ]; then
  echo "still listening after Ctrl-C:$left (log: $LOG)" >&2
  exit 1
fi
echo "nothing left listening on 3000, 7007, 9092, 9094, 8081"
