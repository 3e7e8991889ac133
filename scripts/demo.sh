#!/usr/bin/env bash
# Starts the Kafka Hub demo: installs what is missing, starts local Kafka and
# Apicurio Registry for dev and a second Kafka broker for stage (unless
# KAFKA_HUB_DEV_BROKERS points elsewhere; no stage broker either when
# KAFKA_HUB_STAGE_BROKERS does), seeds demo topics, schemas and consumer
# groups that keep consuming on both clusters, and runs Backstage (frontend
# http://localhost:3000, backend http://localhost:7007, SQLite).
# Ctrl-C stops everything it started.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=toolchain.sh
source scripts/toolchain.sh

STATE_DIR="${KAFKA_HUB_STATE_DIR:-/tmp/kafka-hub-services}"
mkdir -p "$STATE_DIR/logs"
SEED_PID=""
APP_PID=""
SERVICES=(kafka apicurio)
SERVICES_STARTED=false

cleanup() {
  trap - EXIT INT TERM
  echo
  echo "[demo] stopping"
  if [ -n "$SEED_PID" ]; then
    kill "$SEED_PID" 2>/dev/null || true
    wait "$SEED_PID" 2>/dev/null || true
  fi
  if [ -n "$APP_PID" ]; then
    kill -INT -- -"$APP_PID" 2>/dev/null || true
    wait "$APP_PID" 2>/dev/null || true
  fi
  if [ "$SERVICES_STARTED" = true ]; then
    bash scripts/services/all.sh stop "${SERVICES[@]}" || true
  fi
  # The backend finishes its shutdown hooks after its `yarn start` returns.
  for _ in $(seq 1 30); do
    if ! (exec 3<>/dev/tcp/127.0.0.1/7007) 2>/dev/null; then break; fi
    sleep 0.5
  done
  echo "[demo] stopped"
}
trap cleanup EXIT INT TERM

kh_yarn_install

# The frontend's dev server needs none of the services: it compiles its
# bundle while they start (its own process group, stopped by cleanup).
echo "[demo] starting the frontend: http://localhost:3000"
set -m
yarn workspace app start &
APP_PID=$!
set +m

if [ -n "${KAFKA_HUB_DEV_BROKERS:-}" ]; then
  echo "[demo] KAFKA_HUB_DEV_BROKERS is set: using $KAFKA_HUB_DEV_BROKERS, no local Kafka started"
else
  if [ -n "${KAFKA_HUB_STAGE_BROKERS:-}" ]; then
    echo "[demo] KAFKA_HUB_STAGE_BROKERS is set: using $KAFKA_HUB_STAGE_BROKERS for stage, not seeded"
    export KAFKA_HUB_DEMO_STAGE_BROKERS=none
  else
    SERVICES+=(kafka-stage)
  fi
  # The demo's brokers and registry carry little traffic: only the quick JIT
  # compiler (C1), which starts them in about half the CPU time (the
  # services' README); the tests' services keep the default.
  export KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m -XX:TieredStopAtLevel=1}"
  export APICURIO_HEAP_OPTS="${APICURIO_HEAP_OPTS:--Xms64m -Xmx384m -XX:TieredStopAtLevel=1}"
  # Stopped on exit even when one of them failed to start.
  SERVICES_STARTED=true
  set +e
  bash scripts/services/all.sh start "${SERVICES[@]}"
  code=$?
  set -e
  if [ "$code" -eq 0 ]; then
    node scripts/demo/seed.mjs >"$STATE_DIR/logs/demo-seed.log" 2>&1 &
    SEED_PID=$!
    echo "[demo] seeding demo data; traffic keeps running (log: $STATE_DIR/logs/demo-seed.log)"
  elif [ "$code" -eq 3 ]; then
    echo "[demo] WARNING: Java or Maven is missing, so NO local Kafka or Schema Registry was started."
    echo "[demo]          Backstage starts anyway; Kafka Hub will show the clusters as unreachable."
  else
    echo "[demo] a local Kafka broker or Apicurio failed to start (exit $code); see the lines above" >&2
    exit "$code"
  fi
fi

# The backend starts once Kafka is up, so its first provisioning run finds it.
echo "[demo] starting the backend: http://localhost:7007 (frontend http://localhost:3000)"
yarn workspace backend start
