#!/usr/bin/env bash
# Runs every test of Kafka Hub on a fresh machine: installs what is missing,
# starts real Kafka, Apicurio Registry and PostgreSQL on 127.0.0.1, then type
# check, lint, the package checks (OpenAPI contract and generated code, API
# reports, knip, changesets), unit and integration tests (SQLite and
# PostgreSQL), the browser end-to-end tests against the running demo, and the
# proof of adoption (the packed packages in two fresh Backstage apps). Stops
# what it started.
# Exits non-zero on any failure.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=toolchain.sh
source scripts/toolchain.sh

export CI="${CI:-true}"
RESULTS="$(mktemp -d)"
STARTED_AT=$(date +%s)
DEMO_PID=""
APP_PID=""
SEED_PID=""

phase() { echo; echo "=== [$(($(date +%s) - STARTED_AT))s] $*"; }

cleanup() {
  local code=$?
  for pid in "$DEMO_PID" "$APP_PID" "$SEED_PID"; do
    if [ -n "$pid" ]; then
      kill -- -"$pid" 2>/dev/null || true
      wait "$pid" 2>/dev/null || true
    fi
  done
  bash scripts/services/all.sh stop >/dev/null 2>&1 || true
  exit "$code"
}
trap cleanup EXIT INT TERM

phase "Toolchain: node $(node --version), yarn $(yarn --version)"
kh_yarn_install

phase "Services: Kafka, Apicurio Registry, PostgreSQL; Chromium"
bash scripts/services/chromium.sh ensure >/dev/null
bash scripts/services/all.sh start kafka apicurio postgres

export BACKSTAGE_TEST_DISABLE_DOCKER=1
BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING="$(bash scripts/services/postgres.sh url)"
export BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING
export KAFKA_HUB_REQUIRE_POSTGRES=true

phase "Type check"
yarn tsc

phase "Lint and formatting"
yarn backstage-cli repo lint
yarn prettier --check .

phase "Packages: OpenAPI contract and generated code, API reports, knip, changesets"
bash scripts/packages/check.sh

phase "Unit and integration tests (SQLite and PostgreSQL, real Kafka and Apicurio)"
yarn backstage-cli repo test --json --outputFile="$RESULTS/jest.json"

phase "Fault tests: the broker stopped and restarted under a running backend"
(cd plugins/kafka-hub-backend && yarn backstage-cli package test \
  --testPathIgnorePatterns=/node_modules/ --testMatch='**/*.fault.test.ts' \
  --json --outputFile="$RESULTS/fault.json")

phase "Chaos suite: real backend replicas, a three-broker cluster, killed processes, a misbehaving registry, rollbacks"
# One file at a time: the scenarios start their own replicas, cluster and
# proxy on fixed ports. Each records its figures; the table is printed after.
export KAFKA_HUB_CHAOS_FIGURES="$RESULTS/chaos-figures.jsonl"
# The table is printed even when a test failed: it shows which guarantee broke.
chaos_status=0
(cd plugins/kafka-hub-backend && yarn backstage-cli package test \
  --testPathIgnorePatterns=/node_modules/ --testMatch='**/*.chaos.test.ts' \
  --runInBand --json --outputFile="$RESULTS/chaos.json") || chaos_status=$?
node scripts/chaos/report.mjs "$KAFKA_HUB_CHAOS_FIGURES" || chaos_status=1
[ "$chaos_status" -eq 0 ] || exit "$chaos_status"

phase "End-to-end tests: the demo in Debian's Chromium"
# The demo's ports must be ours: a stranger answering on them would pass the
# readiness waits below and fail every test for a reason they would not say.
for port in 3000 7007; do
  if ss -ltnH "sport = :$port" | grep -q .; then
    echo "port $port is in use (the demo's app and backend need 3000 and 7007):" >&2
    ss -ltnpH "sport = :$port" >&2 || true
    exit 1
  fi
done
# The demo's stage is a second broker (SASL, ACLs), needed by the seed and
# the demo's backend only; `all.sh stop` in cleanup stops it too.
bash scripts/services/all.sh start kafka-stage
# Seeded like the demo, with live traffic on both clusters: consumer groups
# need members, commits and a producer for their lag to move.
set -m
node scripts/demo/seed.mjs >"$RESULTS/demo-seed.log" 2>&1 &
SEED_PID=$!
set +m
for _ in $(seq 1 300); do
  grep -q '] running:' "$RESULTS/demo-seed.log" && break
  if ! kill -0 "$SEED_PID" 2>/dev/null; then
    cat "$RESULTS/demo-seed.log"
    echo "the demo seed stopped before its traffic started" >&2
    exit 1
  fi
  sleep 1
done
grep -q '] running:' "$RESULTS/demo-seed.log" || {
  cat "$RESULTS/demo-seed.log"
  echo "the demo seed did not start its traffic within 300s" >&2
  exit 1
}
# The app's production build (config embedded), served as static files: a
# navigation loads in about 2 s where the dev server's unminified bundles
# take 8-20 s on two cores.
yarn workspace app build >"$RESULTS/demo-app-build.log" 2>&1 || {
  tail -n 40 "$RESULTS/demo-app-build.log"
  exit 1
}
# start_app build|dev: the production build, or the dev server for the
# walks through every page (tagged @tour): React only warns in its
# development build, and a walk loads the app once, then follows its links.
start_app() {
  local log="$RESULTS/demo-app-$1.log"
  set -m
  if [ "$1" = dev ]; then
    yarn workspace app start >"$log" 2>&1 &
  else
    node scripts/e2e/serve-app.mjs 3000 >"$log" 2>&1 &
  fi
  APP_PID=$!
  set +m
  # The dev server answers once its bundle is compiled.
  node scripts/wait-for-http.mjs http://localhost:3000 300 "$log"
}
stop_app() {
  kill -- -"$APP_PID" 2>/dev/null || true
  wait "$APP_PID" 2>/dev/null || true
  APP_PID=""
}
start_app build

# The backend runs twice: with the guest as a team member, then with the
# guest's team among the admin groups, for the admin page's tests.
start_backend() {
  local log="$RESULTS/demo-backend-$1.log"
  set -m
  KAFKA_HUB_DEMO_ADMIN_GROUP="$2" yarn workspace backend start >"$log" 2>&1 &
  DEMO_PID=$!
  set +m
  node scripts/wait-for-http.mjs http://127.0.0.1:7007/.backstage/health/v1/readiness 300 "$log"
  node scripts/e2e/wait-for-guest.mjs http://127.0.0.1:7007 120 "$log"
}
stop_backend() {
  kill -- -"$DEMO_PID" 2>/dev/null || true
  wait "$DEMO_PID" 2>/dev/null || true
  DEMO_PID=""
}

# The walks through every page (@tour: axe, word breaks, console warnings)
# run against the dev server, between the production build's tests: React
# warns only in its development build. Each page's axe counts go to a
# report, printed after the walks.
export KAFKA_HUB_AXE_REPORT="$RESULTS/axe.jsonl"
start_backend member group:default/kafka-platform
PLAYWRIGHT_JSON_OUTPUT_NAME="$RESULTS/e2e-member.json" \
  yarn playwright test --grep-invert '@admin|@tour' --reporter=list,json
stop_app
start_app dev
PLAYWRIGHT_JSON_OUTPUT_NAME="$RESULTS/e2e-member-tour.json" \
  yarn playwright test --grep @tour --grep-invert @admin --reporter=list,json
stop_backend

start_backend admin group:default/team-orders
PLAYWRIGHT_JSON_OUTPUT_NAME="$RESULTS/e2e-admin-tour.json" \
  yarn playwright test --grep '@tour.*@admin' --reporter=list,json
node scripts/e2e/axe-report.mjs "$KAFKA_HUB_AXE_REPORT"
unset KAFKA_HUB_AXE_REPORT
stop_app
start_app build
PLAYWRIGHT_JSON_OUTPUT_NAME="$RESULTS/e2e-admin.json" \
  yarn playwright test --grep @admin --grep-invert @tour --reporter=list,json
stop_backend
stop_app

phase "Proof of adoption: the packed packages in two fresh Backstage apps"
KAFKA_HUB_ADOPTION_REPORTS="$RESULTS" bash scripts/adoption/verify.sh

node scripts/test-summary.mjs "$RESULTS"/e2e-*.json "$RESULTS"/adoption-*.json \
  "$RESULTS/jest.json" "$RESULTS/fault.json" "$RESULTS/chaos.json"
phase "All tests passed"
