#!/usr/bin/env bash
# kafka-cluster.sh - a three-node Apache Kafka KRaft cluster on 127.0.0.1 for fault tests:
# each node is a combined broker + controller (3 voters), with the same Kafka jars as
# kafka.sh (`kafka.sh classpath`). Separate from kafka.sh's single broker: own ports, data
# dirs, pid files and logs. Plain PLAINTEXT listeners, no auth, no ACLs.
#
#   kafka-cluster.sh start [--keep-data]  start the three nodes (freshly formatted data unless
#                                         --keep-data) and wait until every node serves and
#                                         the cluster has its 3 brokers registered (unfenced);
#                                         nodes already running are kept, missing ones join
#                                         on their existing data
#   kafka-cluster.sh stop                 stop every node (SIGTERM, SIGKILL after
#                                         KAFKA_CLUSTER_STOP_TIMEOUT); no-op if none runs
#   kafka-cluster.sh status               one line per node; exit 0 only if all three run
#   kafka-cluster.sh bootstrap            print the bootstrap string (host:port,host:port,...)
#   kafka-cluster.sh brokers              print the brokers the controllers have registered
#                                         and not fenced (one node id a line)
#   kafka-cluster.sh kill NODE            kill -9 one node (1, 2 or 3), like a crash
#   kafka-cluster.sh stop-node NODE       stop one node gracefully (controlled shutdown)
#   kafka-cluster.sh start-node NODE      start one node on its existing data and wait until
#                                         it serves and is registered again
#   kafka-cluster.sh restart NODE         stop-node, then start-node
#
# Ports (every one is checked free before its node starts):
#   node 1: broker 127.0.0.1:29092, controller 127.0.0.1:29093
#   node 2: broker 127.0.0.1:29192, controller 127.0.0.1:29193
#   node 3: broker 127.0.0.1:29292, controller 127.0.0.1:29293
# Replication: default.replication.factor=3, min.insync.replicas=2, and the internal topics
#   (consumer offsets, transaction state, share-group state) with replication factor 3 and
#   min ISR 2; auto.create.topics.enable=false; group.initial.rebalance.delay.ms=0.
# Files: $KAFKA_HUB_STATE_DIR/kafka-cluster/node-N/{server.properties,data/},
#   $KAFKA_HUB_STATE_DIR/kafka-cluster/cluster-id, logs in
#   $KAFKA_HUB_STATE_DIR/logs/kafka-cluster-N.log (the previous run's as .log.1).
#
# Env: KAFKA_CLUSTER_BROKER_PORTS ("29092 29192 29292"), KAFKA_CLUSTER_CONTROLLER_PORTS
#      ("29093 29193 29293"), KAFKA_CLUSTER_HEAP_OPTS (-Xms128m -Xmx384m, per node),
#      KAFKA_CLUSTER_START_TIMEOUT (180 s), KAFKA_CLUSTER_STOP_TIMEOUT (30 s), plus lib.sh's dirs.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

NAME=kafka-cluster
HOST=127.0.0.1
NODES=(1 2 3)
read -r -a BROKER_PORTS <<<"${KAFKA_CLUSTER_BROKER_PORTS:-29092 29192 29292}"
read -r -a CONTROLLER_PORTS <<<"${KAFKA_CLUSTER_CONTROLLER_PORTS:-29093 29193 29293}"
KAFKA_CLUSTER_HEAP_OPTS="${KAFKA_CLUSTER_HEAP_OPTS:--Xms128m -Xmx384m}"
KAFKA_CLUSTER_START_TIMEOUT="${KAFKA_CLUSTER_START_TIMEOUT:-180}"
KAFKA_CLUSTER_STOP_TIMEOUT="${KAFKA_CLUSTER_STOP_TIMEOUT:-30}"
WORK_DIR="$KAFKA_HUB_STATE_DIR/kafka-cluster"
CLUSTER_ID_FILE="$WORK_DIR/cluster-id"

((${#BROKER_PORTS[@]} == 3 && ${#CONTROLLER_PORTS[@]} == 3)) \
  || die "$NAME" 2 "KAFKA_CLUSTER_BROKER_PORTS and KAFKA_CLUSTER_CONTROLLER_PORTS need three ports each"

# JVM flags for short-lived tool runs: start fast, stay small.
TOOL_JVM_OPTS=(-Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true)

node_name() { printf '%s-%s\n' "$NAME" "$1"; }
node_dir() { printf '%s/node-%s\n' "$WORK_DIR" "$1"; }
node_log() { log_file "$(node_name "$1")"; }
broker_port() { printf '%s\n' "${BROKER_PORTS[$(($1 - 1))]}"; }
controller_port() { printf '%s\n' "${CONTROLLER_PORTS[$(($1 - 1))]}"; }

bootstrap() {
  local n out=()
  for n in "${NODES[@]}"; do out+=("$HOST:$(broker_port "$n")"); done
  (IFS=,; printf '%s\n' "${out[*]}")
}

voters() {
  local n out=()
  for n in "${NODES[@]}"; do out+=("$n@$HOST:$(controller_port "$n")"); done
  (IFS=,; printf '%s\n' "${out[*]}")
}

bootstrap_controllers() {
  local n out=()
  for n in "${NODES[@]}"; do out+=("$HOST:$(controller_port "$n")"); done
  (IFS=,; printf '%s\n' "${out[*]}")
}

valid_node() {
  case "${1:-}" in 1 | 2 | 3) return 0 ;; esac
  err "$NAME" "unknown node '${1:-}' (nodes are 1, 2 and 3)"
  exit 2
}

CLASSPATH_CACHE=""
classpath() {
  # The same jars as the single broker, downloaded by kafka.sh on first use.
  if [[ -z "$CLASSPATH_CACHE" ]]; then
    CLASSPATH_CACHE="$(bash "$SERVICES_DIR/kafka.sh" classpath)" || return 1
  fi
  printf '%s\n' "$CLASSPATH_CACHE"
}

# port_listened PORT -> 0 when some process listens on PORT (any address)
port_listened() { ss -ltnH "sport = :$1" 2>/dev/null | grep -q .; }

# check_node_ports NODE  fails with the port, its role and the listener when one is taken
check_node_ports() {
  local n="$1" port role
  for role in broker controller; do
    port="$("${role}_port" "$n")"
    if port_listened "$port"; then
      err "$NAME" "port $port ($role port of node $n) is already in use:"
      ss -ltnpH "sport = :$port" 2>/dev/null | sed 's/^/  /' >&2 || true
      return 1
    fi
  done
}

write_shared_configs() {
  mkdir -p "$WORK_DIR"
  cat >"$WORK_DIR/log4j2.properties" <<'EOF'
# generated by scripts/services/kafka-cluster.sh - node logs go to stdout (redirected to the log file)
name=kafka-hub-cluster-node
appender.out.type=Console
appender.out.name=STDOUT
appender.out.layout.type=PatternLayout
appender.out.layout.pattern=[%d] %p %m (%c)%n
rootLogger.level=INFO
rootLogger.appenderRef.out.ref=STDOUT
logger.request.name=kafka.request.logger
logger.request.level=WARN
logger.cleaner.name=kafka.log.LogCleaner
logger.cleaner.level=WARN
EOF
  cat >"$WORK_DIR/log4j2-tools.properties" <<'EOF'
# generated by scripts/services/kafka-cluster.sh - command-line tools log warnings to stderr
name=kafka-hub-cluster-tools
appender.err.type=Console
appender.err.name=STDERR
appender.err.target=SYSTEM_ERR
appender.err.layout.type=PatternLayout
appender.err.layout.pattern=[%d] %p %m (%c)%n
rootLogger.level=WARN
rootLogger.appenderRef.err.ref=STDERR
EOF
  cat >"$WORK_DIR/tools-client.properties" <<'EOF'
# generated by scripts/services/kafka-cluster.sh - the tools' admin client gives up quickly
request.timeout.ms=5000
default.api.timeout.ms=10000
EOF
}

write_node_config() {
  local n="$1" dir
  dir="$(node_dir "$n")"
  mkdir -p "$dir"
  cat >"$dir/server.properties" <<EOF
# generated by scripts/services/kafka-cluster.sh - node $n of the local three-node KRaft cluster
process.roles=broker,controller
node.id=$n
controller.quorum.voters=$(voters)
controller.listener.names=CONTROLLER
listeners=PLAINTEXT://$HOST:$(broker_port "$n"),CONTROLLER://$HOST:$(controller_port "$n")
advertised.listeners=PLAINTEXT://$HOST:$(broker_port "$n")
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT

log.dirs=$dir/data
num.partitions=1
default.replication.factor=3
min.insync.replicas=2
offsets.topic.replication.factor=3
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=3
transaction.state.log.min.isr=2
transaction.state.log.num.partitions=10
share.coordinator.state.topic.replication.factor=3
share.coordinator.state.topic.min.isr=2
share.coordinator.state.topic.num.partitions=10
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
delete.topic.enable=true

# Small: three of these share two cores with the single broker, Apicurio and PostgreSQL.
num.network.threads=2
num.io.threads=2
num.replica.fetchers=1
background.threads=4
log.cleaner.threads=1
log.cleaner.dedupe.buffer.size=16777216
EOF
}

random_cluster_id() {
  # 16 random bytes, URL-safe base64 without padding; never a leading '-'.
  local id
  while :; do
    id="$(head -c16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"
    [[ "$id" != -* ]] && break
  done
  printf '%s\n' "$id"
}

# format_node NODE CLUSTER_ID  fresh data dir for one node
format_node() {
  local n="$1" cid="$2" dir logf
  dir="$(node_dir "$n")"
  logf="$(node_log "$n")"
  rm -rf "$dir/data"
  if ! "$JAVA" "${TOOL_JVM_OPTS[@]}" -Dlog4j2.configurationFile="$WORK_DIR/log4j2-tools.properties" \
      -cp "$(classpath)" kafka.tools.StorageTool format \
      --cluster-id "$cid" --config "$dir/server.properties" >>"$logf" 2>&1; then
    err "$NAME" "formatting the storage of node $n in $dir/data failed"
    show_log_tail "$logf" 20
    return 1
  fi
}

has_data() { [[ -f "$(node_dir "$1")/data/meta.properties" ]]; }

# registered_brokers -> ids of the brokers the controllers have registered and not fenced
registered_brokers() {
  local out
  out="$("$JAVA" "${TOOL_JVM_OPTS[@]}" -Dlog4j2.configurationFile="$WORK_DIR/log4j2-tools.properties" \
    -cp "$(classpath)" org.apache.kafka.tools.ClusterTool list-endpoints \
    --bootstrap-server "$(bootstrap)" --command-config "$WORK_DIR/tools-client.properties" \
    --include-fenced-brokers 2>/dev/null)" || return 1
  # Header "ID HOST PORT RACK STATE ENDPOINT_TYPE", then one row per broker.
  awk 'NR > 1 && $1 ~ /^[0-9]+$/ && $5 == "unfenced" { print $1 }' <<<"$out" | sort -n -u
}

# node_serves NODE -> its log says the server started and its broker port accepts connections
node_serves() {
  grep -q 'Kafka Server started' "$(node_log "$1")" 2>/dev/null && port_open "$HOST" "$(broker_port "$1")"
}

# new_log NODE  keeps the node's previous log as .log.1 and starts an empty one
new_log() {
  local logf
  logf="$(node_log "$1")"
  if [[ -f "$logf" ]]; then mv -f "$logf" "$logf.1"; fi
  : >"$logf"
}

# launch_node NODE  starts the node's JVM (data must be formatted); does not wait
launch_node() {
  local n="$1" name logf
  name="$(node_name "$n")"
  logf="$(node_log "$n")"
  check_node_ports "$n" || return 1
  write_node_config "$n"
  # shellcheck disable=SC2086 # KAFKA_CLUSTER_HEAP_OPTS is a list of flags
  start_daemon "$name" "$logf" "$JAVA" $KAFKA_CLUSTER_HEAP_OPTS -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
    -Dkafkahub.service="$name" \
    -Dlog4j2.configurationFile="$WORK_DIR/log4j2.properties" \
    -cp "$(classpath)" kafka.Kafka "$(node_dir "$n")/server.properties"
}

# await_nodes DEADLINE NODE...  waits until every NODE serves and is registered; on failure
# names the node, shows the end of its log and kills what this call started.
await_nodes() {
  local deadline="$1"; shift
  local n pid pending=("$@") still=()
  while ((${#pending[@]} > 0)); do
    still=()
    for n in "${pending[@]}"; do
      if ! pid="$(read_pid "$(node_name "$n")")"; then
        err "$NAME" "node $n exited during start-up"
        show_log_tail "$(node_log "$n")" 30
        kill_started "$@"
        return 1
      fi
      node_serves "$n" || still+=("$n")
    done
    pending=("${still[@]}")
    ((${#pending[@]} == 0)) && break
    if (($(now_s) >= deadline)); then
      for n in "${pending[@]}"; do
        err "$NAME" "node $n did not serve on $HOST:$(broker_port "$n") within ${KAFKA_CLUSTER_START_TIMEOUT}s"
        show_log_tail "$(node_log "$n")" 30
      done
      kill_started "$@"
      return 1
    fi
    sleep 0.5
  done
  # Serving is not enough: the controllers must have registered (and unfenced) the brokers.
  local registered=""
  while :; do
    registered="$(registered_brokers || true)"
    local missing=0
    for n in "$@"; do grep -qx "$n" <<<"$registered" || missing=1; done
    ((missing == 0)) && break
    if (($(now_s) >= deadline)); then
      err "$NAME" "node(s) $* not registered as unfenced brokers within ${KAFKA_CLUSTER_START_TIMEOUT}s (registered and unfenced: [$(tr '\n' ' ' <<<"$registered")])"
      for n in "$@"; do show_log_tail "$(node_log "$n")" 20; done
      kill_started "$@"
      return 1
    fi
    sleep 1
  done
}

# kill_started NODE...  kills half-started nodes and forgets their pid files
kill_started() {
  local n name pid
  for n in "$@"; do
    name="$(node_name "$n")"
    if pid="$(read_pid "$name")"; then stop_pid "$name" "$pid" 10; fi
    rm -f "$(pid_file "$name")"
  done
}

do_start() {
  local keep_data="$1" t0 n cid="" running=() missing=()
  t0="$(now_s)"
  for n in "${NODES[@]}"; do
    if is_running "$(node_name "$n")"; then running+=("$n"); else missing+=("$n"); fi
  done
  if ((${#missing[@]} == 0)); then
    log "$NAME" "already running: brokers $(bootstrap)"
    return 0
  fi
  require_java "$NAME" 17
  classpath >/dev/null || return 1
  for n in "${missing[@]}"; do check_node_ports "$n" || return 1; done
  write_shared_configs
  if ((${#running[@]} > 0)); then
    # Never reformat under running nodes: the missing ones rejoin on their data.
    for n in "${missing[@]}"; do
      has_data "$n" || die "$NAME" 1 "node(s) ${running[*]} run but node $n has no data in $(node_dir "$n")/data; run '$0 stop' then '$0 start'"
    done
    log "$NAME" "node(s) ${running[*]} already running; starting node(s) ${missing[*]} on their existing data"
  elif [[ "$keep_data" == 1 ]]; then
    for n in "${NODES[@]}"; do
      has_data "$n" || die "$NAME" 1 "--keep-data: node $n has no data in $(node_dir "$n")/data; start without --keep-data"
    done
  else
    cid="$(random_cluster_id)"
    local pids=() rc=0
    for n in "${NODES[@]}"; do
      write_node_config "$n"
      new_log "$n"
      format_node "$n" "$cid" &
      pids+=($!)
    done
    for p in "${pids[@]}"; do wait "$p" || rc=1; done
    ((rc == 0)) || return 1
    printf '%s\n' "$cid" >"$CLUSTER_ID_FILE"
  fi
  for n in "${missing[@]}"; do
    [[ -n "$cid" ]] || new_log "$n"
    launch_node "$n" || { kill_started "${missing[@]}"; return 1; }
  done
  await_nodes $((t0 + KAFKA_CLUSTER_START_TIMEOUT)) "${missing[@]}" || return 1
  log "$NAME" "started node(s) ${missing[*]} in $(($(now_s) - t0))s: brokers $(bootstrap), controllers $(bootstrap_controllers) (logs: $KAFKA_HUB_STATE_DIR/logs/$NAME-N.log)"
}

# Grace for the last node left: once the other voters are gone it has no controller quorum,
# and its own shutdown can wait for one until KAFKA_CLUSTER_STOP_TIMEOUT.
LAST_NODE_GRACE=5

do_stop() {
  local n name pid t0 deadline last_exit=0 killed=0
  declare -A running=()
  for n in "${NODES[@]}"; do
    name="$(node_name "$n")"
    if pid="$(read_pid "$name")"; then
      running[$n]="$pid"
      kill -TERM "$pid" 2>/dev/null || true
    else
      rm -f "$(pid_file "$name")"
      log "$name" "not running"
    fi
  done
  t0="$(now_s)"
  deadline=$((t0 + KAFKA_CLUSTER_STOP_TIMEOUT))
  # All at once: each node's controlled shutdown needs the others' quorum while it lasts.
  while ((${#running[@]} > 0)); do
    for n in "${!running[@]}"; do
      pid="${running[$n]}"
      if ! alive "$pid"; then
        unset "running[$n]"
        rm -f "$(pid_file "$(node_name "$n")")"
        log "$(node_name "$n")" "stopped (pid $pid) after $(($(now_s) - t0))s"
        last_exit="$(now_s)"
      fi
    done
    ((${#running[@]} == 0)) && break
    local lone=0
    ((${#running[@]} == 1 && last_exit > 0 && $(now_s) - last_exit >= LAST_NODE_GRACE)) && lone=1
    if ((killed == 1 && $(now_s) >= deadline)); then
      err "$NAME" "node(s) ${!running[*]} still exist 10 s after SIGKILL"
      return 1
    fi
    if ((lone == 1 || $(now_s) >= deadline)); then
      for n in "${!running[@]}"; do
        pid="${running[$n]}"
        if ((lone == 1)); then
          log "$(node_name "$n")" "the last node has no controller quorum left for its shutdown; SIGKILL ${LAST_NODE_GRACE}s after the others stopped"
        else
          warn "$(node_name "$n")" "pid $pid still running after ${KAFKA_CLUSTER_STOP_TIMEOUT}s; sending SIGKILL"
        fi
        kill -KILL "$pid" 2>/dev/null || true
      done
      deadline=$(($(now_s) + 10))
      killed=1
    fi
    sleep 0.2
  done
}

# alive PID -> the process exists and is not a zombie waiting to be reaped
alive() {
  local state
  state="$(sed -n 's/^State:[[:space:]]*\([A-Z]\).*/\1/p' "/proc/$1/status" 2>/dev/null)" || return 1
  [[ -n "$state" && "$state" != Z ]]
}

do_kill() {
  local n="$1" name pid
  name="$(node_name "$n")"
  if ! pid="$(read_pid "$name")"; then
    rm -f "$(pid_file "$name")"
    log "$name" "not running"
    return 0
  fi
  kill -KILL "$pid"
  local _
  for _ in $(seq 1 100); do alive "$pid" || break; sleep 0.1; done
  if alive "$pid"; then
    err "$name" "pid $pid still exists 10 s after SIGKILL"
    return 1
  fi
  rm -f "$(pid_file "$name")"
  log "$name" "killed (kill -9, pid $pid)"
}

do_stop_node() { stop_service "$(node_name "$1")" "$KAFKA_CLUSTER_STOP_TIMEOUT"; }

do_restart() { do_stop_node "$1" && do_start_node "$1"; }

do_start_node() {
  local n="$1" name pid t0
  name="$(node_name "$n")"
  t0="$(now_s)"
  if pid="$(read_pid "$name")"; then
    log "$name" "already running (pid $pid): broker $HOST:$(broker_port "$n")"
    return 0
  fi
  has_data "$n" || die "$NAME" 1 "node $n has no data in $(node_dir "$n")/data; run '$0 start' first"
  require_java "$NAME" 17
  classpath >/dev/null || return 1
  write_shared_configs
  new_log "$n"
  launch_node "$n" || { kill_started "$n"; return 1; }
  await_nodes $((t0 + KAFKA_CLUSTER_START_TIMEOUT)) "$n" || return 1
  pid="$(read_pid "$name")"
  log "$name" "started on its existing data (pid $pid) in $(($(now_s) - t0))s: broker $HOST:$(broker_port "$n"), registered again"
}

do_status() {
  local n name pid up=0
  for n in "${NODES[@]}"; do
    name="$(node_name "$n")"
    if pid="$(read_pid "$name")"; then
      log "$name" "running (pid $pid): broker $HOST:$(broker_port "$n"), controller $HOST:$(controller_port "$n")"
      up=$((up + 1))
    else
      log "$name" "not running"
    fi
  done
  ((up == ${#NODES[@]}))
}

usage() {
  echo "usage: $0 start [--keep-data] | stop | status | bootstrap | brokers | kill NODE | stop-node NODE | start-node NODE | restart NODE   (NODE: 1, 2 or 3)" >&2
  exit 2
}

cmd="${1:-}"
[[ $# -gt 0 ]] && shift
case "$cmd" in
  start)
    keep=0
    for a in "$@"; do
      case "$a" in --keep-data) keep=1 ;; *) usage ;; esac
    done
    with_lock "$NAME" do_start "$keep"
    ;;
  stop) [[ $# -eq 0 ]] || usage; with_lock "$NAME" do_stop ;;
  status) do_status ;;
  bootstrap) bootstrap ;;
  brokers)
    write_shared_configs
    registered_brokers
    ;;
  kill | stop-node | start-node | restart)
    [[ $# -eq 1 ]] || usage
    valid_node "$1"
    case "$cmd" in
      kill) with_lock "$NAME" do_kill "$1" ;;
      stop-node) with_lock "$NAME" do_stop_node "$1" ;;
      start-node) with_lock "$NAME" do_start_node "$1" ;;
      restart) with_lock "$NAME" do_restart "$1" ;;
    esac
    ;;
  *) usage ;;
esac
