# shellcheck shell=bash
# Shared helpers for scripts/services/*.sh. Source it; do not execute it.
#
#   KAFKA_HUB_STATE_DIR  runtime state: pid files, logs, data   (default /tmp/kafka-hub-services)
#   KAFKA_HUB_CACHE_DIR  downloads (jars, tarballs), kept        (default $HOME/.cache/kafka-hub)
#   KAFKA_HUB_MAVEN_REPO optional Maven local repository (passed as -Dmaven.repo.local)
#   KAFKA_HUB_VERBOSE=1  also echo log lines of helper commands to stderr
#
# Exit codes used by the service scripts:
#   0 ok, 1 failure (start timed out, process died, ...), 2 usage,
#   3 a required tool (java, mvn, apt-get) is missing -> callers may carry on without the service.

set -euo pipefail

# shellcheck disable=SC2034 # used by the scripts that source this file
SERVICES_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
KAFKA_HUB_STATE_DIR="${KAFKA_HUB_STATE_DIR:-/tmp/kafka-hub-services}"
KAFKA_HUB_CACHE_DIR="${KAFKA_HUB_CACHE_DIR:-${HOME:-/root}/.cache/kafka-hub}"
export KAFKA_HUB_STATE_DIR KAFKA_HUB_CACHE_DIR

EXIT_MISSING_TOOL=3

mkdir -p "$KAFKA_HUB_STATE_DIR/logs" "$KAFKA_HUB_STATE_DIR/run" "$KAFKA_HUB_CACHE_DIR"

# ---- logging ---------------------------------------------------------------

# log NAME MESSAGE...  -> one status line on stdout
log() { local name="$1"; shift; printf '%s: %s\n' "$name" "$*"; }
# warn/err go to stderr
warn() { local name="$1"; shift; printf '%s: warning: %s\n' "$name" "$*" >&2; }
err() { local name="$1"; shift; printf '%s: error: %s\n' "$name" "$*" >&2; }
# die NAME CODE MESSAGE...
die() { local name="$1" code="$2"; shift 2; err "$name" "$*"; exit "$code"; }

log_file() { printf '%s/logs/%s.log\n' "$KAFKA_HUB_STATE_DIR" "$1"; }

# show_log_tail FILE [N] -> last N lines of FILE on stderr, indented
show_log_tail() {
  local file="$1" n="${2:-30}"
  if [[ -s "$file" ]]; then
    printf '  --- last %s lines of %s ---\n' "$n" "$file" >&2
    tail -n "$n" "$file" | sed 's/^/  | /' >&2
  else
    printf '  (log %s is empty or missing)\n' "$file" >&2
  fi
}

# now_s -> seconds since epoch (integer)
now_s() { date +%s; }

# ---- tools -----------------------------------------------------------------

# require_cmd NAME CMD [HINT]  exits 3 with one line when CMD is not on PATH
require_cmd() {
  local name="$1" cmd="$2" hint="${3:-}"
  command -v "$cmd" >/dev/null 2>&1 \
    || die "$name" "$EXIT_MISSING_TOOL" "'$cmd' not found on PATH${hint:+ ($hint)}; cannot start $name"
}

# JAVA: $JAVA_HOME/bin/java when JAVA_HOME is set, else java from PATH
JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"

# java_major -> e.g. 17
java_major() {
  "$JAVA" -XshowSettings:properties -version 2>&1 \
    | sed -n 's/^ *java\.specification\.version = \(1\.\)\{0,1\}\([0-9]*\).*/\2/p' | head -n1
}

# require_java NAME [MIN_MAJOR]  exits 3 when java is missing or older than MIN_MAJOR (17)
require_java() {
  local name="$1" min="${2:-17}" major
  command -v "$JAVA" >/dev/null 2>&1 \
    || die "$name" "$EXIT_MISSING_TOOL" "'java' not found (install a Java $min+ runtime, e.g. apt-get install openjdk-17-jre-headless); cannot start $name"
  major="$(java_major)"
  [[ -n "$major" && "$major" -ge "$min" ]] \
    || die "$name" "$EXIT_MISSING_TOOL" "Java $min+ needed, found '${major:-unknown}' ($JAVA); cannot start $name"
}
require_mvn() { require_cmd "$1" mvn "install Maven, e.g. apt-get install maven"; }

# maven_fetch NAME POM DEST GOAL [MVN_ARGS...]
#   Runs maven-dependency-plugin's GOAL (copy-dependencies: the POM's runtime dependencies;
#   copy: the POM's configured artifactItems) into DEST/libs once. The POM pins the plugin
#   version. POM is copied to DEST/pom.xml;
#   DEST/.complete records a hash of the POM and MVN_ARGS, so editing the POM (or a version
#   override) downloads again. Prints nothing when cached.
maven_fetch() {
  local name="$1" pom="$2" dest="$3" goal="$4"; shift 4
  local want logf
  want="$( { cat "$pom"; printf '%s\n' "$goal" "$@"; } | sha256sum | cut -c1-16)"
  if [[ -f "$dest/.complete" && "$(cat "$dest/.complete")" == "$want" ]]; then
    return 0
  fi
  require_mvn "$name"
  logf="$(log_file "$name-download")"
  mkdir -p "$dest"
  : >"$logf"
  log "$name" "downloading from Maven Central into $dest (log: $logf)" >&2
  rm -rf "$dest/libs" "$dest/libs.tmp" "$dest/.complete"
  cp "$pom" "$dest/pom.xml"
  ( cd "$dest" && mvn_run "$name" "$logf" -f pom.xml "$@" \
      "dependency:$goal" \
      -DincludeScope=runtime -DoutputDirectory=libs.tmp ) || return 1
  mv "$dest/libs.tmp" "$dest/libs"
  printf '%s\n' "$want" >"$dest/.complete"
}

# mvn_run NAME LOGFILE ARGS...  runs Maven quietly in batch mode, serialised with a lock
# because concurrent Maven runs on one local repository can corrupt downloads.
mvn_run() {
  local name="$1" logf="$2"; shift 2
  local repo_args=()
  [[ -n "${KAFKA_HUB_MAVEN_REPO:-}" ]] && repo_args=("-Dmaven.repo.local=$KAFKA_HUB_MAVEN_REPO")
  if ! flock "$KAFKA_HUB_CACHE_DIR/.maven.lock" \
      mvn -B -q -ntp "${repo_args[@]}" "$@" >>"$logf" 2>&1; then
    err "$name" "Maven download failed (log: $logf)"
    show_log_tail "$logf" 20
    return 1
  fi
}

# ---- pid files -------------------------------------------------------------

pid_file() { printf '%s/run/%s.pid\n' "$KAFKA_HUB_STATE_DIR" "$1"; }

# read_pid NAME -> prints pid if the pid file exists and its process still runs AND
# its command line carries the marker "-Dkafkahub.service=NAME" (guards against pid reuse).
read_pid() {
  local name="$1" f pid
  f="$(pid_file "$name")"
  [[ -f "$f" ]] || return 1
  pid="$(tr -dc '0-9' <"$f")"
  [[ -n "$pid" && -r "/proc/$pid/cmdline" ]] || return 1
  # One argument exactly: "kafka" must not match kafka-stage's "-Dkafkahub.service=kafka-stage".
  tr '\0' '\n' <"/proc/$pid/cmdline" 2>/dev/null | grep -qFx -- "-Dkafkahub.service=$name" || return 1
  printf '%s\n' "$pid"
}

is_running() { read_pid "$1" >/dev/null; }

# A `bash -c` snippet that closes every fd above 2 (such as the start/stop lock) and then
# exec's "$@": long-running services must not inherit our lock or callers' pipes. No
# redirection on the loop: bash would keep stderr's saved copy in a high fd, the loop would
# close it, and the service would start with no stderr (a crash at start-up left an empty
# log). The listing's own fd is gone by the time the loop reaches it, hence the -e.
# shellcheck disable=SC2016 # expanded by the inner shell
CLOSE_FDS_AND_EXEC='for f in /proc/$$/fd/*; do f=${f##*/}; [ "$f" -gt 2 ] && [ -e "/proc/$$/fd/$f" ] && eval "exec $f>&-"; done; exec "$@"'

# start_daemon NAME LOGFILE CMD...  starts CMD detached (own session, stdin from /dev/null,
# stdout+stderr to LOGFILE so callers' pipes are never held open) and records its pid.
start_daemon() {
  local name="$1" logf="$2"; shift 2
  local pf
  pf="$(pid_file "$name")"
  rm -f "$pf"
  # The inner shell writes its own pid and then exec's the command, so the pid is the
  # service's own pid.
  # shellcheck disable=SC2016 # expanded by the inner shell
  setsid bash -c 'echo $$ >"$1"; shift; '"$CLOSE_FDS_AND_EXEC" _ "$pf" "$@" \
    </dev/null >>"$logf" 2>&1 &
  local _
  for _ in $(seq 1 50); do [[ -s "$pf" ]] && return 0; sleep 0.1; done
  err "$name" "could not record the pid of the started process"
  return 1
}

# stop_pid NAME PID [TIMEOUT]  SIGTERM, wait up to TIMEOUT seconds (default 30), then SIGKILL
stop_pid() {
  local name="$1" pid="$2" timeout="${3:-30}" waited=0
  kill -TERM "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null; do
    if ((waited >= timeout * 10)); then
      warn "$name" "pid $pid still running after ${timeout}s; sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.5
      break
    fi
    sleep 0.1
    waited=$((waited + 1))
  done
}

# stop_service NAME [TIMEOUT]  no-op (with a message) when not running
stop_service() {
  local name="$1" timeout="${2:-30}" pid
  if pid="$(read_pid "$name")"; then
    stop_pid "$name" "$pid" "$timeout"
    rm -f "$(pid_file "$name")"
    log "$name" "stopped (pid $pid)"
  else
    rm -f "$(pid_file "$name")"
    log "$name" "not running"
  fi
}

# ---- ports -----------------------------------------------------------------

# port_open HOST PORT -> 0 if something accepts TCP connections there
port_open() {
  local host="$1" port="$2"
  # shellcheck disable=SC2016 # expanded by the inner shell
  timeout 2 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$host" "$port" 2>/dev/null
}

# ensure_port_free NAME HOST PORT  fails if another process already listens there
ensure_port_free() {
  local name="$1" host="$2" port="$3"
  if port_open "$host" "$port"; then
    err "$name" "port $host:$port is already in use by another process:"
    ss -ltnpH "sport = :$port" 2>/dev/null | sed 's/^/  /' >&2 || true
    return 1
  fi
}

# wait_for_port HOST PORT TIMEOUT NAME [PID]
#   waits until HOST:PORT accepts connections; fails early if PID dies.
wait_for_port() {
  local host="$1" port="$2" timeout="$3" name="$4" pid="${5:-}"
  local deadline=$(($(now_s) + timeout))
  until port_open "$host" "$port"; do
    if [[ -n "$pid" ]] && ! kill -0 "$pid" 2>/dev/null; then
      err "$name" "process $pid exited before $host:$port opened"
      return 1
    fi
    if (($(now_s) >= deadline)); then
      err "$name" "timed out after ${timeout}s waiting for $host:$port"
      return 1
    fi
    sleep 0.5
  done
}

# wait_until TIMEOUT NAME PID CMD...  polls CMD every 0.5 s until it succeeds
wait_until() {
  local timeout="$1" name="$2" pid="$3"; shift 3
  local deadline=$(($(now_s) + timeout))
  until "$@" >/dev/null 2>&1; do
    if [[ -n "$pid" ]] && ! kill -0 "$pid" 2>/dev/null; then
      err "$name" "process $pid exited during start-up"
      return 1
    fi
    if (($(now_s) >= deadline)); then
      err "$name" "timed out after ${timeout}s waiting until ready"
      return 1
    fi
    sleep 0.5
  done
}

# with_lock NAME CMD...  serialises start/stop of one service across concurrent callers
with_lock() {
  local name="$1"; shift
  exec {__lock_fd}>"$KAFKA_HUB_STATE_DIR/run/$name.lock"
  flock "$__lock_fd"
  "$@"
  local rc=$?
  flock -u "$__lock_fd"
  return "$rc"
}

# ---- apt -------------------------------------------------------------------

# apt_install NAME PACKAGE...  installs Debian packages non-interactively. Runs
# `apt-get update` first (once per state dir lifetime, and again if the install fails).
# Needs root or passwordless sudo. Set APT_NO_RECOMMENDS=1 for --no-install-recommends.
apt_install() {
  local name="$1"; shift
  local logf sudo=() opts=(-y)
  logf="$(log_file apt)"
  [[ "${APT_NO_RECOMMENDS:-0}" == 1 ]] && opts+=(--no-install-recommends)
  if ((EUID != 0)); then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo=(sudo -n)
    else
      die "$name" "$EXIT_MISSING_TOOL" "need root to apt-get install $*; install it yourself"
    fi
  fi
  command -v apt-get >/dev/null 2>&1 \
    || die "$name" "$EXIT_MISSING_TOOL" "apt-get not available; install $* yourself"
  log "$name" "installing $* with apt-get (log: $logf)"
  local marker="$KAFKA_HUB_STATE_DIR/run/apt-updated"
  local apt=("${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300)
  if ! (
    exec 9>"$KAFKA_HUB_CACHE_DIR/.apt.lock"
    flock 9
    if [[ ! -f "$marker" ]]; then "${apt[@]}" update && touch "$marker"; fi
    "${apt[@]}" install "${opts[@]}" "$@" \
      || { "${apt[@]}" update && touch "$marker" && "${apt[@]}" install "${opts[@]}" "$@"; }
  ) >>"$logf" 2>&1; then
    err "$name" "apt-get install $* failed (log: $logf)"
    show_log_tail "$logf" 15
    return 1
  fi
}

# Waits until a daemon just started by start_daemon serves (check function
# CHECK), and sets DAEMON_PID. On failure shows the end of its log, stops
# what is left of it and forgets its pid file.
await_daemon() {
  local name="$1" log="$2" timeout="$3" check="$4"
  DAEMON_PID="$(read_pid "$name")" || {
    err "$name" "exited immediately"
    show_log_tail "$log" 30
    return 1
  }
  if ! wait_until "$timeout" "$name" "$DAEMON_PID" "$check"; then
    show_log_tail "$log" 30
    is_running "$name" && stop_pid "$name" "$DAEMON_PID" 10
    rm -f "$(pid_file "$name")"
    return 1
  fi
}
