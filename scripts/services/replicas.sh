#!/usr/bin/env bash
# replicas.sh - N processes of the demo backend (packages/backend) on 127.0.0.1 against ONE
# PostgreSQL database, for tests of several replicas (issue 12). Each replica is the real
# node process (no yarn or backstage-cli wrapper, no file watching): `kill` hits the backend
# itself, and a changed file never restarts it.
#
#   replicas.sh start [N] [--config FILE]...  a fresh database, then N replicas (default 2) on
#                                            ports REPLICAS_BASE_PORT, +1, ... (7101, 7102, ...);
#                                            waits until each is ready. FILEs are extra app
#                                            configs for every replica (after app-config.yaml)
#   replicas.sh stop                         stops every replica and drops the database
#   replicas.sh kill I                       kill -9 replica I (1-based)
#   replicas.sh stop-one I                   SIGTERM replica I and wait until it exited
#   replicas.sh restart I                    stops I if it runs, starts it again with the same
#                                            configs and waits until it is ready
#   replicas.sh status                       one line per replica; exit 0 when all run
#   replicas.sh url I | pid I | log I        base URL, pid (exit 1 if not running), log file
#   replicas.sh count | database | token     replicas started, database URL, the service token
#
# Every replica gets a config written here (port, database, a static service token for
# `Authorization: Bearer <token>`), read after app-config.yaml and the extra FILEs. The
# database is `kafka_hub_replicas_<time>` on the project's PostgreSQL (postgres.sh; must be
# running), one schema per plugin (`pluginDivisionMode: schema`). Replica 1 starts alone
# (it creates the schemas and runs the migrations), the others then start together.
#
# Env: REPLICAS_BASE_PORT (7101), REPLICAS_START_TIMEOUT (300 s), REPLICAS_STOP_TIMEOUT
#      (30 s), POSTGRES_PORT / POSTGRES_PASSWORD as for postgres.sh, lib.sh's dirs.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=../toolchain.sh
source "$SERVICES_DIR/../toolchain.sh"

NAME=replicas
HOST=127.0.0.1
ROOT="$(cd "$SERVICES_DIR/../.." && pwd)"
BACKEND_DIR="$ROOT/packages/backend"
NODE_TRANSFORM="$ROOT/node_modules/@backstage/cli-node/config/nodeTransform.cjs"
REPLICAS_BASE_PORT="${REPLICAS_BASE_PORT:-7101}"
REPLICAS_START_TIMEOUT="${REPLICAS_START_TIMEOUT:-300}"
REPLICAS_STOP_TIMEOUT="${REPLICAS_STOP_TIMEOUT:-30}"
POSTGRES_PORT="${POSTGRES_PORT:-5433}"
POSTGRES_PASSWORD="${POSTGRES_PASSWORD:-postgres}"
PG_URL="postgresql://postgres:$POSTGRES_PASSWORD@$HOST:$POSTGRES_PORT"
STATE="$KAFKA_HUB_STATE_DIR/replicas"

usage() {
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed '$d; s/^# \{0,1\}//' >&2
  exit 2
}

replica_name() { printf 'replica-%s\n' "$1"; }
replica_port() { printf '%s\n' $((REPLICAS_BASE_PORT + $1 - 1)); }
replica_url() { printf 'http://%s:%s\n' "$HOST" "$(replica_port "$1")"; }
replica_log() { log_file "$(replica_name "$1")"; }
started_count() { cat "$STATE/count" 2>/dev/null || echo 0; }

# require_index I -> exits 2 unless I names a started replica
require_index() {
  local i="${1:-}" n
  n="$(started_count)"
  [[ "$i" =~ ^[0-9]+$ ]] && ((i >= 1 && i <= n)) \
    || die "$NAME" 2 "no replica '${i}' (started: $n; replicas are numbered from 1)"
}

psql_bin() {
  local p
  p="$(command -v psql 2>/dev/null)" \
    || p="$(ls -d /usr/lib/postgresql/*/bin/psql 2>/dev/null | sort -t/ -k5 -n | tail -n1)"
  [[ -n "$p" && -x "$p" ]] || die "$NAME" "$EXIT_MISSING_TOOL" "psql not found (scripts/services/postgres.sh installs PostgreSQL)"
  printf '%s\n' "$p"
}

# sql STATEMENT -> runs it on the maintenance database
sql() {
  PGPASSWORD="$POSTGRES_PASSWORD" PGCONNECT_TIMEOUT=5 "$(psql_bin)" "$PG_URL/postgres" \
    -XAtq -v ON_ERROR_STOP=1 -c "$1"
}

# The readiness endpoint of the replica whose port is in READY_PORT (set per start).
replica_ready() {
  curl -fsS -o /dev/null --max-time 5 "http://$HOST:$READY_PORT/.backstage/health/v1/readiness"
}

# write_replica_config I -> the harness's own keys for replica I (JSON is valid YAML)
write_replica_config() {
  local i="$1" port
  port="$(replica_port "$i")"
  cat >"$STATE/replica-$i.yaml" <<EOF
{
  "backend": {
    "baseUrl": "http://$HOST:$port",
    "listen": { "port": $port, "host": "$HOST" },
    "database": {
      "client": "pg",
      "pluginDivisionMode": "schema",
      "connection": {
        "host": "$HOST",
        "port": $POSTGRES_PORT,
        "user": "postgres",
        "password": "$POSTGRES_PASSWORD",
        "database": "$(cat "$STATE/database")"
      }
    },
    "auth": {
      "externalAccess": [
        {
          "type": "static",
          "options": { "token": "$(cat "$STATE/token")", "subject": "kafka-hub-replicas" }
        }
      ]
    }
  }
}
EOF
}

# launch I -> starts replica I detached (its pid file holds the node process's pid)
launch() {
  local i="$1" name log args=() cfg
  name="$(replica_name "$i")"
  log="$(replica_log "$i")"
  ensure_port_free "$name" "$HOST" "$(replica_port "$i")" || return 1
  args=(--config "$ROOT/app-config.yaml")
  while IFS= read -r cfg; do
    [[ -n "$cfg" ]] && args+=(--config "$cfg")
  done <"$STATE/configs"
  args+=(--config "$STATE/replica-$i.yaml")
  printf '\n--- %s: %s started by replicas.sh ---\n' "$(date -u +%FT%TZ)" "$name" >>"$log"
  # What `backstage-cli package start` runs in its child, minus the watcher. The last
  # argument is the marker lib.sh's read_pid looks for; the config loader ignores it.
  (
    cd "$BACKEND_DIR"
    export NODE_ENV=development ESBK_TSCONFIG_PATH="$ROOT/tsconfig.json"
    # Started from a Jest worker, a replica must still run as a backend, not as a test.
    unset JEST_WORKER_ID
    start_daemon "$name" "$log" node --enable-source-maps --require "$NODE_TRANSFORM" \
      src/index.ts "${args[@]}" "-Dkafkahub.service=$name"
  )
}

# await_ready I -> waits until replica I answers its readiness check
await_ready() {
  local i="$1" t0="$2" name
  name="$(replica_name "$i")"
  READY_PORT="$(replica_port "$i")"
  await_daemon "$name" "$(replica_log "$i")" "$REPLICAS_START_TIMEOUT" replica_ready || return 1
  log "$name" "ready in $(($(now_s) - t0))s (pid $DAEMON_PID): $(replica_url "$i") (log: $(replica_log "$i"))"
}

start_one() {
  local t0
  t0="$(now_s)"
  launch "$1" && await_ready "$1" "$t0"
}

do_start() {
  local n=2 configs=() i running=0
  while (($#)); do
    case "$1" in
      --config)
        [[ $# -ge 2 && -f "$2" ]] || die "$NAME" 2 "--config needs an existing file (got '${2:-}')"
        configs+=("$(cd "$(dirname "$2")" && pwd)/$(basename "$2")")
        shift 2
        ;;
      *)
        [[ "$1" =~ ^[1-9][0-9]*$ ]] || usage
        n="$1"
        shift
        ;;
    esac
  done
  if [[ -f "$STATE/count" ]]; then
    for ((i = 1; i <= $(started_count); i++)); do
      is_running "$(replica_name "$i")" && running=$((running + 1))
    done
    if ((running == $(started_count) && running == n)); then
      log "$NAME" "already running: $n replicas on $(cat "$STATE/database")"
      return 0
    fi
    die "$NAME" 1 "a previous start left $(started_count) replica(s), $running running: run 'replicas.sh stop' first"
  fi
  [[ -f "$NODE_TRANSFORM" ]] || die "$NAME" 1 "$NODE_TRANSFORM missing: run yarn install first"
  command -v curl >/dev/null 2>&1 || die "$NAME" "$EXIT_MISSING_TOOL" "'curl' not found on PATH"
  for ((i = 1; i <= n; i++)); do
    ensure_port_free "$(replica_name "$i")" "$HOST" "$(replica_port "$i")" \
      || die "$NAME" 1 "replica $i needs port $(replica_port "$i") (set REPLICAS_BASE_PORT to move all replicas)"
  done
  sql 'select 1' >/dev/null || die "$NAME" 1 "PostgreSQL does not answer at $HOST:$POSTGRES_PORT (start it: scripts/services/postgres.sh start)"

  rm -rf "$STATE"
  mkdir -p "$STATE"
  chmod 700 "$STATE"
  local db
  db="kafka_hub_replicas_$(date -u +%Y%m%d%H%M%S)_$$"
  sql "CREATE DATABASE $db" >/dev/null
  printf '%s\n' "$db" >"$STATE/database"
  head -c 24 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' >"$STATE/token"
  printf '%s\n' "${configs[@]}" >"$STATE/configs"
  printf '%s\n' "$n" >"$STATE/count"
  for ((i = 1; i <= n; i++)); do
    [[ -f "$(replica_log "$i")" ]] && mv -f "$(replica_log "$i")" "$(replica_log "$i").1"
    write_replica_config "$i"
  done

  local t0 failed=0
  t0="$(now_s)"
  start_one 1 || failed=1
  if ((failed == 0 && n > 1)); then
    local pids=()
    for ((i = 2; i <= n; i++)); do
      start_one "$i" &
      pids+=($!)
    done
    for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
  fi
  if ((failed)); then
    err "$NAME" "not every replica started; stopping the others and dropping $db"
    do_stop >/dev/null
    return 1
  fi
  log "$NAME" "$n replicas ready in $(($(now_s) - t0))s on database $db"
}

do_stop() {
  local i n
  n="$(started_count)"
  if [[ ! -f "$STATE/count" ]]; then
    log "$NAME" "not running"
    return 0
  fi
  for ((i = 1; i <= n; i++)); do
    stop_service "$(replica_name "$i")" "$REPLICAS_STOP_TIMEOUT" &
  done
  wait
  if [[ -f "$STATE/database" ]]; then
    local db
    db="$(cat "$STATE/database")"
    sql "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null \
      && log "$NAME" "dropped database $db"
  fi
  rm -rf "$STATE"
}

do_kill() {
  require_index "$1"
  local name pid
  name="$(replica_name "$1")"
  pid="$(read_pid "$name")" || die "$NAME" 1 "$name is not running"
  kill -KILL "$pid"
  # Gone, or a zombie waiting for its parent (init) to reap it.
  local _
  for _ in $(seq 1 100); do
    [[ -r "/proc/$pid/stat" ]] || break
    [[ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null)" == Z ]] && break
    sleep 0.1
  done
  rm -f "$(pid_file "$name")"
  log "$name" "killed (kill -9 $pid)"
}

do_stop_one() {
  require_index "$1"
  stop_service "$(replica_name "$1")" "$REPLICAS_STOP_TIMEOUT"
}

do_restart() {
  require_index "$1"
  stop_service "$(replica_name "$1")" "$REPLICAS_STOP_TIMEOUT" >/dev/null
  start_one "$1"
}

do_status() {
  local i n all=0 pid
  n="$(started_count)"
  if ((n == 0)); then
    log "$NAME" "not running"
    return 1
  fi
  for ((i = 1; i <= n; i++)); do
    if pid="$(read_pid "$(replica_name "$i")")"; then
      log "$(replica_name "$i")" "running (pid $pid): $(replica_url "$i")"
    else
      log "$(replica_name "$i")" "not running ($(replica_url "$i"))"
      all=1
    fi
  done
  log "$NAME" "database $(cat "$STATE/database")"
  return "$all"
}

action="${1:-}"
[[ $# -gt 0 ]] && shift
case "$action" in
  start) with_lock "$NAME" do_start "$@" ;;
  stop) with_lock "$NAME" do_stop ;;
  kill) with_lock "$NAME" do_kill "${1:-}" ;;
  stop-one) with_lock "$NAME" do_stop_one "${1:-}" ;;
  restart) with_lock "$NAME" do_restart "${1:-}" ;;
  status) do_status ;;
  url) require_index "${1:-}" && replica_url "$1" ;;
  pid) require_index "${1:-}" && read_pid "$(replica_name "$1")" ;;
  log) require_index "${1:-}" && replica_log "$1" ;;
  count) started_count ;;
  database)
    [[ -f "$STATE/database" ]] || die "$NAME" 1 "not running"
    printf '%s/%s\n' "$PG_URL" "$(cat "$STATE/database")"
    ;;
  token)
    [[ -f "$STATE/token" ]] || die "$NAME" 1 "not running"
    cat "$STATE/token"
    echo
    ;;
  *) usage ;;
esac
