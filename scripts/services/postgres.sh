#!/usr/bin/env bash
# postgres.sh - a private PostgreSQL cluster (Debian's postgresql package, 15 on bookworm) on
# 127.0.0.1, separate from the system's own clusters: its data, socket and config live in
# $KAFKA_HUB_STATE_DIR/postgres, it runs as the OS user 'postgres' (when started as root).
#
#   postgres.sh start    install postgresql if missing, initdb once, start; no-op if running
#   postgres.sh stop     fast shutdown; no-op if not running
#   postgres.sh status   exit 0 if running, 1 if not
#   postgres.sh url      print the connection string, e.g. postgresql://postgres:postgres@127.0.0.1:5433
#
# User 'postgres' (superuser, so it can create/drop databases) with password $POSTGRES_PASSWORD
# (default 'postgres': local test credentials only); scram-sha-256 auth on TCP and the socket.
# The cluster is tuned for throw-away test data: fsync/synchronous_commit/full_page_writes off.
# Data survives stop/start; delete $KAFKA_HUB_STATE_DIR/postgres (while stopped) for a fresh one.
#
# Env: POSTGRES_PORT (5433), POSTGRES_PASSWORD (postgres), POSTGRES_START_TIMEOUT (60),
#      plus lib.sh's dirs.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

NAME=postgres
HOST=127.0.0.1
POSTGRES_PORT="${POSTGRES_PORT:-5433}"
POSTGRES_PASSWORD="${POSTGRES_PASSWORD:-postgres}"
POSTGRES_START_TIMEOUT="${POSTGRES_START_TIMEOUT:-60}"
PG_DIR="$KAFKA_HUB_STATE_DIR/postgres"
DATA_DIR="$PG_DIR/data"
SOCKET_DIR="$PG_DIR/run"
LOG="$(log_file postgres)"
URL="postgresql://postgres:$POSTGRES_PASSWORD@$HOST:$POSTGRES_PORT"

# pg_bindir -> newest /usr/lib/postgresql/<major>/bin that has initdb
pg_bindir() {
  local d
  # shellcheck disable=SC2012 # fixed, simple paths
  d="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k5 -n | tail -n1)"
  [[ -n "$d" && -x "$d/initdb" ]] || return 1
  printf '%s\n' "$d"
}

# as_pg CMD...  run CMD as the OS user 'postgres' when we are root (initdb refuses root)
as_pg() {
  if ((EUID == 0)); then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

ensure_installed() {
  if pg_bindir >/dev/null; then return 0; fi
  # Note which clusters already run: installing the package creates and may start the
  # system's 'main' cluster, which we stop again so we leave nothing running we did not ask for.
  local before=""
  command -v pg_lsclusters >/dev/null 2>&1 && before="$(pg_lsclusters -h 2>/dev/null | awk '$4=="online"{print $1"/"$2}')"
  apt_install "$NAME" postgresql || exit 1
  pg_bindir >/dev/null || die "$NAME" 1 "postgresql installed but no /usr/lib/postgresql/*/bin/initdb found"
  local c
  for c in $(pg_lsclusters -h 2>/dev/null | awk '$4=="online"{print $1"/"$2}'); do
    if ! grep -qx "$c" <<<"$before"; then
      pg_ctlcluster "${c%/*}" "${c#*/}" stop >>"$(log_file apt)" 2>&1 \
        && log "$NAME" "stopped the system cluster $c that the package install started"
    fi
  done
}

running_pid() {
  local bin
  bin="$(pg_bindir)" || return 1
  [[ -f "$DATA_DIR/postmaster.pid" ]] || return 1
  as_pg "$bin/pg_ctl" -D "$DATA_DIR" status >/dev/null 2>&1 || return 1
  head -n1 "$DATA_DIR/postmaster.pid"
}

init_cluster() {
  local bin="$1" pwfile
  mkdir -p "$PG_DIR"
  ((EUID == 0)) && chown postgres:postgres "$PG_DIR"
  as_pg test -w "$PG_DIR" \
    || die "$NAME" 1 "the postgres user cannot write $PG_DIR (is KAFKA_HUB_STATE_DIR under a private directory?)"
  rm -rf "$DATA_DIR"
  pwfile="$(as_pg mktemp "$PG_DIR/.pw.XXXXXX")"
  printf '%s\n' "$POSTGRES_PASSWORD" | as_pg tee "$pwfile" >/dev/null
  local locale_args=(--locale=C.UTF-8)
  locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$' || locale_args=(--no-locale)
  if ! as_pg "$bin/initdb" -D "$DATA_DIR" -U postgres --pwfile="$pwfile" -E UTF8 "${locale_args[@]}" \
      --auth=scram-sha-256 >>"$LOG" 2>&1; then
    rm -f "$pwfile"
    err "$NAME" "initdb failed"
    show_log_tail "$LOG" 20
    return 1
  fi
  rm -f "$pwfile"
  # Our settings go last so they win over the generated defaults.
  as_pg tee -a "$DATA_DIR/postgresql.conf" >/dev/null <<EOF

# --- scripts/services/postgres.sh: local test cluster ---
listen_addresses = '$HOST'
unix_socket_directories = '$SOCKET_DIR'
max_connections = 200
shared_buffers = 128MB
# throw-away test data: trade durability for speed
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
  # TCP on 127.0.0.1 only, password (scram) everywhere.
  as_pg tee "$DATA_DIR/pg_hba.conf" >/dev/null <<'EOF'
# scripts/services/postgres.sh: local test cluster
local   all   all                  scram-sha-256
host    all   all   127.0.0.1/32   scram-sha-256
EOF
  printf '%s\n' "$POSTGRES_PASSWORD" | as_pg tee "$PG_DIR/.password" >/dev/null
}

do_start() {
  local bin pid t0
  t0="$(now_s)"
  ensure_installed
  bin="$(pg_bindir)"
  if pid="$(running_pid)"; then
    log "$NAME" "already running (pid $pid): $URL"
    return 0
  fi
  # A changed password or a missing/half-made cluster means: make a new one.
  if [[ ! -f "$DATA_DIR/PG_VERSION" || "$(cat "$PG_DIR/.password" 2>/dev/null)" != "$POSTGRES_PASSWORD" ]]; then
    init_cluster "$bin" || return 1
  fi
  ensure_port_free "$NAME" "$HOST" "$POSTGRES_PORT" || return 1
  as_pg mkdir -p "$SOCKET_DIR"
  [[ -f "$LOG" ]] && mv -f "$LOG" "$LOG.1"
  : >"$LOG"
  ((EUID == 0)) && chown postgres:postgres "$LOG"
  # pg_ctl -w waits until the server accepts connections; the server detaches into its
  # own session and writes to $LOG.
  if ! as_pg bash -c "$CLOSE_FDS_AND_EXEC" _ "$bin/pg_ctl" -D "$DATA_DIR" -l "$LOG" \
      -o "-p $POSTGRES_PORT" -w -t "$POSTGRES_START_TIMEOUT" start </dev/null >>"$LOG.ctl" 2>&1; then
    err "$NAME" "did not start within ${POSTGRES_START_TIMEOUT}s"
    show_log_tail "$LOG" 30
    return 1
  fi
  if ! PGPASSWORD="$POSTGRES_PASSWORD" PGCONNECT_TIMEOUT=5 "$bin/psql" "$URL/postgres" -XAtqc 'select 1' \
      >/dev/null 2>>"$LOG.ctl"; then
    err "$NAME" "server started but a password login as 'postgres' over $HOST:$POSTGRES_PORT failed"
    show_log_tail "$LOG.ctl" 10
    return 1
  fi
  pid="$(running_pid)" || pid="?"
  log "$NAME" "started PostgreSQL $(cat "$DATA_DIR/PG_VERSION") (pid $pid) in $(($(now_s) - t0))s: $URL (log: $LOG)"
}

do_stop() {
  local bin pid
  if ! bin="$(pg_bindir)" || ! pid="$(running_pid)"; then
    log "$NAME" "not running"
    return 0
  fi
  if ! as_pg "$bin/pg_ctl" -D "$DATA_DIR" -m fast -w -t 30 stop >>"$LOG.ctl" 2>&1; then
    warn "$NAME" "fast shutdown timed out; trying immediate shutdown"
    as_pg "$bin/pg_ctl" -D "$DATA_DIR" -m immediate -w -t 30 stop >>"$LOG.ctl" 2>&1 || true
  fi
  if running_pid >/dev/null; then
    err "$NAME" "still running (pid $pid)"
    return 1
  fi
  log "$NAME" "stopped (pid $pid)"
}

do_status() {
  local pid
  if pid="$(running_pid)"; then
    log "$NAME" "running (pid $pid): $URL"
  else
    log "$NAME" "not running"
    return 1
  fi
}

case "${1:-}" in
  start) with_lock "$NAME" do_start ;;
  stop) with_lock "$NAME" do_stop ;;
  status) do_status ;;
  url) printf '%s\n' "$URL" ;;
  *)
    echo "usage: $0 start | stop | status | url" >&2
    exit 2
    ;;
esac
