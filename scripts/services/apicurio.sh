#!/usr/bin/env bash
# apicurio.sh - Apicurio Registry 3.x (in-memory H2 storage, no auth) on 127.0.0.1,
# downloaded from Maven Central on first use (see apicurio-pom.xml).
#
#   apicurio.sh start    start and wait until the Confluent-compatible API answers; no-op if running
#   apicurio.sh stop     SIGTERM, wait, SIGKILL after APICURIO_STOP_TIMEOUT; no-op if not running
#   apicurio.sh status   exit 0 if running, 1 if not
#   apicurio.sh url      print the ccompat base URL, e.g. http://127.0.0.1:8081/apis/ccompat/v7
#
# Data lives in memory only: every start is empty.
# Env: APICURIO_PORT (8081), APICURIO_MANAGEMENT_PORT (9081; only used by Apicurio builds that
#      have a separate Quarkus management interface), APICURIO_VERSION (override the pom's
#      version), APICURIO_START_TIMEOUT (120), APICURIO_STOP_TIMEOUT (20),
#      APICURIO_HEAP_OPTS (-Xms64m -Xmx384m), plus lib.sh's dirs.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

NAME=apicurio
HOST=127.0.0.1
APICURIO_PORT="${APICURIO_PORT:-8081}"
APICURIO_MANAGEMENT_PORT="${APICURIO_MANAGEMENT_PORT:-9081}"
APICURIO_START_TIMEOUT="${APICURIO_START_TIMEOUT:-120}"
APICURIO_STOP_TIMEOUT="${APICURIO_STOP_TIMEOUT:-20}"
APICURIO_HEAP_OPTS="${APICURIO_HEAP_OPTS:--Xms64m -Xmx384m}"

POM="$SERVICES_DIR/apicurio-pom.xml"
POM_VERSION="$(sed -n 's:.*<apicurio.version>\(.*\)</apicurio.version>.*:\1:p' "$POM" | head -n1)"
APICURIO_VERSION="${APICURIO_VERSION:-$POM_VERSION}"
DIST_DIR="$KAFKA_HUB_CACHE_DIR/apicurio-$APICURIO_VERSION"
APP_DIR="$DIST_DIR/app"
LOG="$(log_file apicurio)"
BASE_URL="http://$HOST:$APICURIO_PORT"
CCOMPAT_URL="$BASE_URL/apis/ccompat/v7"

# find_launcher -> path of the jar to run with `java -jar`. Apicurio 3.1+ ships the
# fast-jar layout (quarkus-run.jar), 3.0.x the legacy layout (*-runner.jar + lib/).
find_launcher() {
  local f
  for f in "$APP_DIR/quarkus-app/quarkus-run.jar" "$APP_DIR/quarkus-run.jar" "$APP_DIR"/*-runner.jar; do
    [[ -f "$f" ]] && { printf '%s\n' "$f"; return 0; }
  done
  return 1
}

# required_java_major -> Java version the registry's own classes were compiled for
required_java_major() {
  local jar cls major
  for jar in "$APP_DIR"/app/apicurio-registry-app-*.jar "$APP_DIR"/quarkus-app/app/apicurio-registry-app-*.jar \
      "$APP_DIR"/*-runner.jar; do
    [[ -f "$jar" ]] || continue
    cls="$(unzip -Z1 "$jar" 2>/dev/null | grep -m1 '^io/apicurio/registry/.*\.class$')" || continue
    major="$(unzip -p "$jar" "$cls" | od -An -j7 -N1 -tu1 | tr -d ' ')"
    [[ -n "$major" ]] && { printf '%s\n' "$((major - 44))"; return 0; }
  done
  printf '17\n'
}

fetch() {
  require_java "$NAME" 17
  command -v curl >/dev/null 2>&1 || die "$NAME" "$EXIT_MISSING_TOOL" "'curl' not found (apt-get install curl)"
  local mvn_args=("-Dapicurio.version=$APICURIO_VERSION") want tgz
  maven_fetch "$NAME" "$POM" "$DIST_DIR" copy "${mvn_args[@]}"
  want="$(cat "$DIST_DIR/.complete")"
  if [[ "$(cat "$APP_DIR/.unpacked-from" 2>/dev/null)" != "$want" ]] || ! find_launcher >/dev/null; then
    tgz="$(find "$DIST_DIR/libs" -maxdepth 1 -name 'apicurio-registry-app-*.tar.gz' 2>/dev/null | head -n1 || true)"
    if [[ -z "$tgz" ]]; then # tarball already removed after an earlier unpack: download again
      rm -f "$DIST_DIR/.complete"
      maven_fetch "$NAME" "$POM" "$DIST_DIR" copy "${mvn_args[@]}"
      want="$(cat "$DIST_DIR/.complete")"
      tgz="$(find "$DIST_DIR/libs" -maxdepth 1 -name 'apicurio-registry-app-*.tar.gz' 2>/dev/null | head -n1 || true)"
      [[ -n "$tgz" ]] || die "$NAME" 1 "no apicurio-registry-app tarball in $DIST_DIR/libs"
    fi
    rm -rf "$APP_DIR.tmp" "$APP_DIR" && mkdir -p "$APP_DIR.tmp"
    tar -xzf "$tgz" -C "$APP_DIR.tmp" || die "$NAME" 1 "could not unpack $tgz"
    mv "$APP_DIR.tmp" "$APP_DIR"
    find_launcher >/dev/null || die "$NAME" 1 "no quarkus-run.jar or *-runner.jar in $tgz"
    printf '%s\n' "$want" >"$APP_DIR/.unpacked-from"
    rm -f "$tgz" # unpacked; the tarball is not needed any more
  fi
  local need
  need="$(required_java_major)"
  require_java "$NAME (Apicurio Registry $APICURIO_VERSION)" "$need"
}

ccompat_ready() {
  [[ "$(curl -s --noproxy '*' --max-time 5 -o /dev/null -w '%{http_code}' "$CCOMPAT_URL/subjects")" == 200 ]]
}

do_start() {
  local pid t0 launcher
  if pid="$(read_pid "$NAME")"; then
    log "$NAME" "already running (pid $pid) on $BASE_URL"
    return 0
  fi
  t0="$(now_s)"
  fetch
  launcher="$(find_launcher)"
  ensure_port_free "$NAME" "$HOST" "$APICURIO_PORT" || return 1
  [[ -f "$LOG" ]] && mv -f "$LOG" "$LOG.1"
  : >"$LOG"
  mkdir -p "$KAFKA_HUB_STATE_DIR/apicurio-tmp"
  # Storage: the default in-memory H2 database (explicit here). Both HTTP interfaces bind to
  # 127.0.0.1 only. No OpenTelemetry export (off by default), no Kafka event sink: nothing
  # reaches out (verified by starting it in a network namespace that has only loopback).
  # shellcheck disable=SC2086 # APICURIO_HEAP_OPTS is a list of flags
  start_daemon "$NAME" "$LOG" "$JAVA" $APICURIO_HEAP_OPTS -XX:+UseSerialGC \
    -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
    -Dkafkahub.service="$NAME" \
    -Djava.io.tmpdir="$KAFKA_HUB_STATE_DIR/apicurio-tmp" \
    -Dquarkus.http.host="$HOST" -Dquarkus.http.port="$APICURIO_PORT" \
    -Dquarkus.management.host="$HOST" -Dquarkus.management.port="$APICURIO_MANAGEMENT_PORT" \
    -Dapicurio.storage.kind=sql -Dapicurio.storage.sql.kind=h2 \
    -Dapicurio.datasource.jdbc.initial-size=2 -Dapicurio.datasource.jdbc.min-size=2 \
    -Dapicurio.datasource.jdbc.max-size=20 \
    -Dapicurio.import.work-dir="$KAFKA_HUB_STATE_DIR/apicurio-tmp" \
    -Dapicurio.storage.snapshot.location="$KAFKA_HUB_STATE_DIR/apicurio-tmp" \
    -jar "$launcher" || return 1
  await_daemon "$NAME" "$LOG" "$APICURIO_START_TIMEOUT" ccompat_ready || return 1
  pid="$DAEMON_PID"
  log "$NAME" "started Apicurio Registry $APICURIO_VERSION (pid $pid) in $(($(now_s) - t0))s: $CCOMPAT_URL (log: $LOG)"
}

do_status() {
  local pid
  if pid="$(read_pid "$NAME")"; then
    log "$NAME" "running (pid $pid) on $BASE_URL"
  else
    log "$NAME" "not running"
    return 1
  fi
}

case "${1:-}" in
  start) with_lock "$NAME" do_start ;;
  stop) with_lock "$NAME" stop_service "$NAME" "$APICURIO_STOP_TIMEOUT" ;;
  status) do_status ;;
  url) printf '%s\n' "$CCOMPAT_URL" ;;
  *)
    echo "usage: $0 start | stop | status | url" >&2
    exit 2
    ;;
esac
