#!/usr/bin/env bash
# Proof of adoption: builds and packs the three Kafka Hub packages, creates two
# fresh Backstage apps outside the monorepo that depend on the registry and on
# those tarballs only (new frontend system with feature discovery; legacy
# frontend system with App.tsx routes and EntityPage.tsx tabs), installs,
# builds and starts each (its backend serving the built app, on PostgreSQL with
# databases of its own, against the local Kafka and Apicurio Registry) and runs
# a browser check per app.
# Stops what it started; exits non-zero on any failure; prints a timing summary.
#
#   scripts/adoption/verify.sh [--cold] [new|legacy ...]
#
# Needs Kafka on 127.0.0.1:9092, Apicurio on 127.0.0.1:8081 and the project's
# PostgreSQL (`bash scripts/services/all.sh start kafka apicurio postgres`) and
# Debian's Chromium.
#
#   --cold                      forget the yarn cache and the apps first
#   KAFKA_HUB_ADOPTION_DIR      work dir: tarballs, apps, logs, screenshots
#                               (default $KAFKA_HUB_STATE_DIR/adoption)
#   KAFKA_HUB_ADOPTION_CACHE    yarn cache shared by both apps and every run
#                               (default $KAFKA_HUB_CACHE_DIR/adoption)
#   KAFKA_HUB_ADOPTION_REBUILD=1  build the apps even when nothing changed
#   KAFKA_HUB_ADOPTION_REPORTS  copy each app's Playwright JSON report there
#
# What makes the second run fast: the shared yarn cache; each app's
# node_modules, kept between runs (its sources are rewritten from the
# templates every run, so the app is still created from scratch); and the
# frontend build, reused when the app's sources, config and yarn.lock
# (which carries the tarballs' checksums) are unchanged.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ADOPTION="$ROOT/scripts/adoption"
cd "$ROOT"
# shellcheck source=../toolchain.sh
source scripts/toolchain.sh
# shellcheck source=../services/lib.sh
source scripts/services/lib.sh

NAME=adoption
COLD=false
APPS=()
for arg in "$@"; do
  case "$arg" in
    --cold) COLD=true ;;
    new | legacy) APPS+=("$arg") ;;
    *)
      echo "usage: $0 [--cold] [new|legacy ...]" >&2
      exit 2
      ;;
  esac
done
[ ${#APPS[@]} -gt 0 ] || APPS=(new legacy)

WORK="${KAFKA_HUB_ADOPTION_DIR:-$KAFKA_HUB_STATE_DIR/adoption}"
CACHE="${KAFKA_HUB_ADOPTION_CACHE:-$KAFKA_HUB_CACHE_DIR/adoption}"
TARBALLS="$WORK/tarballs"
LOGS="$WORK/logs"
RESULTS="$WORK/results"
case "$WORK" in "$ROOT" | "$ROOT"/*)
  die "$NAME" 2 "KAFKA_HUB_ADOPTION_DIR must be outside the monorepo ($WORK)" ;;
esac

STARTED_AT=$(date +%s)
TIMINGS=()
BACKEND_PID=""
PACKING_DIR=""

# timed LABEL CMD...  runs CMD and records how long it took.
timed() {
  local label="$1" start rc=0
  shift
  start=$(date +%s)
  "$@" || rc=$?
  TIMINGS+=("$(printf '%-34s %4ss%s' "$label" "$(($(date +%s) - start))" \
    "$([ "$rc" = 0 ] || echo "  FAILED")")")
  return "$rc"
}

summary() {
  echo
  echo "=== Adoption timings ($([ "$COLD" = true ] && echo cold || echo "as found: $CACHE_STATE"))"
  printf '  %s\n' "${TIMINGS[@]}"
  printf '  %-34s %4ss\n' "total" "$(($(date +%s) - STARTED_AT))"
}

stop_backend() {
  if [ -n "$BACKEND_PID" ]; then
    kill -TERM -- "-$BACKEND_PID" 2>/dev/null || true
    for _ in $(seq 1 100); do
      kill -0 "$BACKEND_PID" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL -- "-$BACKEND_PID" 2>/dev/null || true
    wait "$BACKEND_PID" 2>/dev/null || true
    BACKEND_PID=""
  fi
}

cleanup() {
  local code=$?
  stop_backend
  if [ -n "$PACKING_DIR" ] && [ -f "$PACKING_DIR/package.json-prepack" ]; then
    (cd "$PACKING_DIR" && yarn backstage-cli package postpack) || true
  fi
  summary
  if [ "$code" = 0 ]; then
    echo "adoption: both fresh apps passed (screenshots: $RESULTS)"
  else
    echo "adoption: FAILED (exit $code; logs: $LOGS)" >&2
  fi
  exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

phase() { echo; echo "=== [adoption $(($(date +%s) - STARTED_AT))s] $*"; }

# ---- preflight ---------------------------------------------------------------

SERVICES_HINT="start them with: bash scripts/services/all.sh start kafka apicurio postgres"
port_open 127.0.0.1 9092 || die "$NAME" 1 \
  "Kafka is not reachable on 127.0.0.1:9092; $SERVICES_HINT"
port_open 127.0.0.1 8081 || die "$NAME" 1 \
  "Apicurio Registry is not reachable on 127.0.0.1:8081; $SERVICES_HINT"
bash scripts/services/postgres.sh status >/dev/null 2>&1 || die "$NAME" 1 \
  "the project's PostgreSQL is not running; $SERVICES_HINT"
POSTGRES_URL="$(bash scripts/services/postgres.sh url)"
CHROMIUM="$(bash scripts/services/chromium.sh ensure)"
export KAFKA_HUB_CHROMIUM="$CHROMIUM"

if [ "$COLD" = true ]; then
  echo "adoption: --cold: deleting $WORK/apps and $CACHE (not timed)"
  rm -rf "$WORK/apps" "$WORK/stamps" "$CACHE"
  STARTED_AT=$(date +%s)
fi
CACHE_STATE="$([ -d "$CACHE/yarn-cache" ] && echo warm || echo cold)"
mkdir -p "$TARBALLS" "$LOGS" "$WORK/apps" "$WORK/stamps" "$CACHE/yarn-cache"
rm -rf "$RESULTS" "$LOGS"/*
mkdir -p "$RESULTS"

# ---- build and pack ----------------------------------------------------------

# pack DIR ROLE  builds and packs plugins/DIR into $TARBALLS/ROLE-<sha>.tgz; the
# content hash in the name makes yarn fetch a changed package again.
pack() {
  local dir="$1" role="$2" tmp sum size
  tmp="$TARBALLS/.$role.tgz"
  (cd "plugins/$dir" && yarn backstage-cli package build) \
    >"$LOGS/build-$role.log" 2>&1 || {
    show_log_tail "$LOGS/build-$role.log" 40
    return 1
  }
  # prepack/postpack point package.json at dist for the tarball only;
  # cleanup puts it back if verify.sh is stopped in between.
  PACKING_DIR="plugins/$dir"
  (cd "plugins/$dir" && yarn pack --out "$tmp") >"$LOGS/pack-$role.log" 2>&1 || {
    show_log_tail "$LOGS/pack-$role.log" 40
    return 1
  }
  PACKING_DIR=""
  sum="$(sha256sum "$tmp" | cut -c1-12)" || return 1
  find "$TARBALLS" -name "$role-*.tgz" ! -name "$role-$sum.tgz" -delete
  mv "$tmp" "$TARBALLS/$role-$sum.tgz" || return 1
  size="$(stat -c %s "$TARBALLS/$role-$sum.tgz")"
  printf -v "TGZ_${role^^}" '%s' "$TARBALLS/$role-$sum.tgz"
  PACKED+=("$(printf '%-48s %7s KiB packed, %7s KiB unpacked, %4s files' \
    "$(jq -r .name "plugins/$dir/package.json")" "$((size / 1024))" \
    "$(($(tar xzOf "$TARBALLS/$role-$sum.tgz" | wc -c) / 1024))" \
    "$(tar tzf "$TARBALLS/$role-$sum.tgz" | wc -l)")")
}

build_and_pack() {
  # The packages' type declarations come from the repository's tsc output.
  yarn tsc >"$LOGS/tsc.log" 2>&1 || {
    show_log_tail "$LOGS/tsc.log" 40
    return 1
  }
  PACKED=()
  # Called through timed (an `||` context, where set -e is off): every
  # step's failure is returned by hand.
  pack kafka-hub-common common || return 1
  pack kafka-hub-backend backend || return 1
  pack kafka-hub frontend || return 1
  printf '  %s\n' "${PACKED[@]}"
}

phase "Build and pack the three packages"
timed "build + pack (tsc, 3 packages)" build_and_pack

phase "Seed Kafka and Apicurio for the apps' application (adoption-shop)"
timed "seed" node "$ADOPTION/seed.mjs"

# ---- one app -----------------------------------------------------------------

free_port() {
  local used port
  used="$(ss -ltnH | awk '{print $4}' | sed 's/.*://' | sort -u)"
  for _ in $(seq 1 200); do
    port=$((20000 + RANDOM % 12000))
    grep -qx "$port" <<<"$used" || {
      echo "$port"
      return 0
    }
  done
  echo "no free port found" >&2
  return 1
}

install_app() {
  local dir="$1" kind="$2" pins used
  # --no-immutable: yarn turns immutable installs on under CI, but the app's
  # yarn.lock starts as the monorepo's and yarn must trim and extend it.
  (cd "$dir" && yarn install --no-immutable) >"$LOGS/install-$kind.log" 2>&1 || {
    show_log_tail "$LOGS/install-$kind.log" 40
    return 1
  }
  # The registry-gap pins (root package.json "resolutions") that this app's
  # dependency tree needs: without them the install above fails with YN0082.
  pins="$(jq '.resolutions | keys | map(select(test("@[0-9]"))) | length' "$dir/package.json")"
  used="$(jq -r '.resolutions | to_entries[] | select(.key | test("@[0-9]")) | "\(.key | sub("@[0-9].*$"; ""))@npm:\(.value)"' "$dir/package.json" |
    while read -r locator; do grep -qF "resolution: \"$locator\"" "$dir/yarn.lock" && echo "$locator"; done | wc -l)"
  echo "  $kind: installed; $used of $pins registry-gap pins resolved in its yarn.lock ($(du -sh "$dir/node_modules" | cut -f1) node_modules)"
}

build_app() {
  local dir="$1" kind="$2" stamp_file="$WORK/stamps/$kind-app" stamp
  stamp="$( (cd "$dir" && find packages/app -path packages/app/node_modules -prune -o \
    -path packages/app/dist -prune -o -type f -print0 | sort -z | xargs -0 sha256sum
    sha256sum app-config.yaml yarn.lock) | sha256sum | cut -c1-16)"
  if [ "${KAFKA_HUB_ADOPTION_REBUILD:-}" != 1 ] && [ -f "$dir/packages/app/dist/index.html" ] &&
    [ "$(cat "$stamp_file" 2>/dev/null)" = "$stamp" ]; then
    echo "  $kind: frontend unchanged since its last build (stamp $stamp), build reused"
  else
    rm -rf "$dir/packages/app/dist" "$stamp_file"
    (cd "$dir/packages/app" && yarn backstage-cli package build) >"$LOGS/build-$kind-app.log" 2>&1 || {
      show_log_tail "$LOGS/build-$kind-app.log" 40
      return 1
    }
    echo "$stamp" >"$stamp_file"
    echo "  $kind: frontend built ($(du -sh "$dir/packages/app/dist" | cut -f1))"
  fi
  rm -rf "$dir/packages/backend/dist"
  (cd "$dir/packages/backend" && yarn backstage-cli package build --skip-build-dependencies) \
    >"$LOGS/build-$kind-backend.log" 2>&1 || {
    show_log_tail "$LOGS/build-$kind-backend.log" 40
    return 1
  }
  # The backend build is a deployable bundle; run its compiled entry point
  # against the app's installed node_modules.
  tar xzf "$dir/packages/backend/dist/bundle.tar.gz" -C "$dir/packages/backend/dist" \
    --strip-components=3 packages/backend/dist/index.cjs.js || return 1
  echo "  $kind: backend built"
}

start_app() {
  local dir="$1" kind="$2" port deadline
  port="$(free_port)" || return 1
  APP_URL="http://127.0.0.1:$port"
  local prefix="kafka_hub_adoption_${kind}_"
  node "$ADOPTION/fresh-databases.mjs" "$POSTGRES_URL" "$prefix" || return 1
  cat >"$dir/app-config.runtime.yaml" <<EOF
app:
  baseUrl: $APP_URL
backend:
  baseUrl: $APP_URL
  listen:
    port: $port
  database:
    connection: $POSTGRES_URL
    prefix: $prefix
EOF
  local log="$LOGS/backend-$kind.log"
  set -m
  (cd "$dir" && exec node packages/backend --config app-config.yaml --config app-config.runtime.yaml) \
    >"$log" 2>&1 &
  BACKEND_PID=$!
  set +m
  deadline=$(($(date +%s) + 180))
  until curl -fsS -o /dev/null "$APP_URL/.backstage/health/v1/readiness" 2>/dev/null; do
    if ! kill -0 "$BACKEND_PID" 2>/dev/null; then
      err "$NAME" "the $kind app's backend exited during start-up"
      show_log_tail "$log" 40
      return 1
    fi
    if (($(date +%s) >= deadline)); then
      err "$NAME" "the $kind app's backend was not ready within 180s"
      show_log_tail "$log" 40
      return 1
    fi
    sleep 0.5
  done
  echo "  $kind: backend ready at $APP_URL (pid $BACKEND_PID, log $log)"
}

check_app() {
  # Called through timed (an `||` context, where set -e is off): the
  # browser checks' exit code is kept by hand and returned last.
  local kind="$1" rc=0
  KAFKA_HUB_ADOPTION_URL="$APP_URL" KAFKA_HUB_ADOPTION_APP="$kind" \
    KAFKA_HUB_ADOPTION_SCREENSHOTS="$RESULTS" \
    KAFKA_HUB_ADOPTION_TEST_OUTPUT="$RESULTS/test-output-$kind" \
    PLAYWRIGHT_JSON_OUTPUT_NAME="$RESULTS/adoption-$kind.json" \
    yarn playwright test -c "$ADOPTION/playwright.config.ts" \
    --reporter=list,json || rc=$?
  # scripts/test.sh counts these checks in its closing line.
  if [ -n "${KAFKA_HUB_ADOPTION_REPORTS:-}" ] &&
    [ -f "$RESULTS/adoption-$kind.json" ]; then
    cp "$RESULTS/adoption-$kind.json" "$KAFKA_HUB_ADOPTION_REPORTS/"
  fi
  return "$rc"
}

for kind in "${APPS[@]}"; do
  dir="$WORK/apps/$kind"
  phase "App ($kind frontend system): create, install, build, start, check"
  node "$ADOPTION/create-app.mjs" "$kind" "$dir" \
    --frontend "$TGZ_FRONTEND" --backend "$TGZ_BACKEND" --common "$TGZ_COMMON" \
    --yarn-cache "$CACHE/yarn-cache"
  timed "$kind: install" install_app "$dir" "$kind"
  timed "$kind: build (app + backend)" build_app "$dir" "$kind"
  timed "$kind: start" start_app "$dir" "$kind"
  timed "$kind: browser checks" check_app "$kind"
  stop_backend
done
