#!/usr/bin/env bash
# registry-proxy.sh - the Schema Registry fault proxy (registry-proxy.mjs) as a service: a
# loopback HTTP proxy in front of Apicurio that answers 500s, hangs, resets connections or
# returns garbage on command, while backend processes sync through it.
#
#   registry-proxy.sh start [REGISTRY_URL]   start (default upstream: Apicurio's ccompat API,
#                                            http://127.0.0.1:$APICURIO_PORT/apis/ccompat/v7);
#                                            no-op if running
#   registry-proxy.sh stop | kill            SIGTERM / kill -9; no-op if not running
#   registry-proxy.sh restart                stop, then start (new ports: see url)
#   registry-proxy.sh status                 exit 0 if running
#   registry-proxy.sh url | control-url      the registry's base URL through the proxy /
#                                            the control API's base URL
#   registry-proxy.sh fault JSON             POST JSON to /faults, e.g.
#                                            '{"fault":"status","status":500,"path":"^/subjects"}'
#   registry-proxy.sh reset                  every request passes again
#
# Ports are picked free by the system at each start (no port is assumed free); the URLs
# are in $KAFKA_HUB_STATE_DIR/run/registry-proxy.json. Control API: registry-proxy.mjs.
# Env: APICURIO_PORT (8081), REGISTRY_PROXY_START_TIMEOUT (60 s), lib.sh's dirs.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=../toolchain.sh
source "$SERVICES_DIR/../toolchain.sh"

NAME=registry-proxy
LOG="$(log_file "$NAME")"
STATE_FILE="$KAFKA_HUB_STATE_DIR/run/$NAME.json"
DEFAULT_UPSTREAM="http://127.0.0.1:${APICURIO_PORT:-8081}/apis/ccompat/v7"
REGISTRY_PROXY_START_TIMEOUT="${REGISTRY_PROXY_START_TIMEOUT:-60}"

usage() {
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' >&2
  exit 2
}

# json_field KEY -> a field of the state file (empty if there is none)
json_field() {
  [[ -f "$STATE_FILE" ]] || return 1
  node -e 'const s = require(process.argv[1]); process.stdout.write(String(s[process.argv[2]] ?? "") + "\n")' \
    "$STATE_FILE" "$1"
}

# state_field KEY -> json_field of a running proxy, else exits 1 with a clear message
state_field() {
  [[ -f "$STATE_FILE" ]] && is_running "$NAME" \
    || die "$NAME" 1 "not running (start it: scripts/services/registry-proxy.sh start)"
  json_field "$1"
}

# The state file is written once both servers listen; then the control API must answer.
control_answers() {
  local base
  base="$(json_field controlUrl)" && [[ -n "$base" ]] \
    && curl -fsS -o /dev/null --max-time 2 "$base/status"
}

do_start() {
  local upstream="${1:-$DEFAULT_UPSTREAM}" pid t0
  t0="$(now_s)"
  if pid="$(read_pid "$NAME")"; then
    log "$NAME" "already running (pid $pid): $(state_field url) -> $(state_field registryUrl)"
    return 0
  fi
  command -v curl >/dev/null 2>&1 || die "$NAME" "$EXIT_MISSING_TOOL" "'curl' not found on PATH"
  curl -fsS -o /dev/null --max-time 5 "$upstream/subjects" \
    || die "$NAME" 1 "the registry does not answer at $upstream/subjects (start it: scripts/services/apicurio.sh start)"
  rm -f "$STATE_FILE"
  [[ -f "$LOG" ]] && mv -f "$LOG" "$LOG.1"
  : >"$LOG"
  # The trailing marker is what lib.sh's read_pid looks for; the script ignores it.
  start_daemon "$NAME" "$LOG" node "$SERVICES_DIR/registry-proxy.mjs" "$upstream" "$STATE_FILE" \
    "-Dkafkahub.service=$NAME" || return 1
  await_daemon "$NAME" "$LOG" "$REGISTRY_PROXY_START_TIMEOUT" control_answers || return 1
  log "$NAME" "started (pid $DAEMON_PID) in $(($(now_s) - t0))s: $(state_field url) -> $upstream; control: $(state_field controlUrl) (log: $LOG)"
}

do_stop() {
  stop_service "$NAME" 10
  rm -f "$STATE_FILE"
}

do_kill() {
  local pid
  if pid="$(read_pid "$NAME")"; then
    kill -KILL "$pid"
    rm -f "$(pid_file "$NAME")" "$STATE_FILE"
    log "$NAME" "killed (kill -9 $pid)"
  else
    log "$NAME" "not running"
  fi
}

do_restart() {
  do_stop
  do_start "$@"
}

# control METHOD PATH [JSON] -> the control API's answer; exit 1 on an error status
control() {
  local base
  base="$(state_field controlUrl)"
  curl -sS --max-time 5 -X "$1" -H 'Content-Type: application/json' ${3:+--data "$3"} \
    --fail-with-body "$base$2"
  echo
}

action="${1:-}"
[[ $# -gt 0 ]] && shift
case "$action" in
  start) with_lock "$NAME" do_start "$@" ;;
  stop) with_lock "$NAME" do_stop ;;
  kill) with_lock "$NAME" do_kill ;;
  restart) with_lock "$NAME" do_restart "$@" ;;
  status)
    if pid="$(read_pid "$NAME")"; then
      log "$NAME" "running (pid $pid): $(state_field url) -> $(state_field registryUrl); control: $(state_field controlUrl)"
    else
      log "$NAME" "not running"
      exit 1
    fi
    ;;
  url) state_field url ;;
  control-url) state_field controlUrl ;;
  fault)
    [[ $# -eq 1 ]] || usage
    control POST /faults "$1"
    ;;
  reset) control POST /reset ;;
  *) usage ;;
esac
