#!/usr/bin/env bash
# kafka.sh - a single-node Apache Kafka 4.x broker (KRaft, combined broker+controller)
# on 127.0.0.1, downloaded from Maven Central on first use (see kafka-pom.xml).
#
#   kafka.sh start [--keep-data]   start (fresh, reformatted data dir unless --keep-data);
#                                  waits until the broker is serving; no-op if running
#   kafka.sh stop                  SIGTERM, wait, SIGKILL after KAFKA_STOP_TIMEOUT; no-op if not running
#   kafka.sh status                exit 0 if running, 1 if not
#   kafka.sh classpath             print the broker/tools classpath (downloads if needed)
#   kafka.sh run-class CLASS ARGS  run a Kafka tool, e.g.
#                                  kafka.sh run-class org.apache.kafka.tools.TopicCommand \
#                                    --bootstrap-server 127.0.0.1:9092 --list
#
# Listeners:  PLAINTEXT://127.0.0.1:$KAFKA_PLAINTEXT_PORT (9092)   no auth, principal ANONYMOUS
#             CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT (9093) PLAINTEXT, KRaft controller
#             SASL_PLAINTEXT://127.0.0.1:$KAFKA_SASL_PORT (9094)   SASL PLAIN, SCRAM-SHA-256, SCRAM-SHA-512
#             SSL://127.0.0.1:$KAFKA_SSL_PORT (9095)               TLS, no client certificate: ANONYMOUS
#             MTLS://127.0.0.1:$KAFKA_MTLS_PORT (9096)             TLS with a required client certificate;
#                                                                  principal User:<CN of the certificate>
#             SASL_SSL://127.0.0.1:$KAFKA_SASL_SSL_PORT (9097)     TLS + SASL PLAIN, SCRAM-SHA-256,
#                                                                  SCRAM-SHA-512 and OAUTHBEARER
# Users (local test credentials only): admin/admin-secret (super user), alice/alice-secret,
#             bob/bob-secret, for PLAIN and for both SCRAM mechanisms (SCRAM credentials are
#             written at format time with `--add-scram`). StandardAuthorizer,
#             allow.everyone.if.no.acl.found=false,
#             super.users=User:admin;User:ANONYMOUS;User:kafka-hub.
# OAUTHBEARER uses Kafka's default *unsecured* validator (test only): it takes any unsigned JWT
#             (header {"alg":"none"}, payload with sub, iat and exp, empty signature) and makes
#             User:<sub> the principal; extensions are accepted as they are.
# TLS files (PEM, made with openssl at the first start, kept while they stay valid for a day)
# in $KAFKA_HUB_STATE_DIR/kafka/tls/:
#             ca.pem                  the local test CA that signed the broker and client certificates
#             broker.pem              the broker's key and certificate (SAN 127.0.0.1, localhost)
#             client.pem, client-key.pem           client certificate CN=kafka-hub (a super user)
#             client-key-encrypted.pem             the same key encrypted with passphrase
#                                                  "client-key-secret"
#             client-store.pem                     key and certificate, for Kafka's own tools
#             untrusted-ca.pem, untrusted-client.pem, untrusted-client-key.pem
#                                     another CA and a client certificate it signed: the broker
#                                     trusts neither (for tests of a wrong CA or client certificate)
# Share groups: enabled by the share.version=1 feature, which format finalizes by default in
#             Kafka 4.3 (see `run-class org.apache.kafka.tools.FeatureCommand ... describe`).
# Client configs are written to $KAFKA_HUB_STATE_DIR/kafka/client-*.properties: <user> (SASL PLAIN),
#             scram-<user> (SCRAM-SHA-512), ssl, mtls, plaintext.
#
# Env: KAFKA_PLAINTEXT_PORT, KAFKA_SASL_PORT, KAFKA_SSL_PORT, KAFKA_MTLS_PORT, KAFKA_SASL_SSL_PORT,
#      KAFKA_CONTROLLER_PORT, KAFKA_START_TIMEOUT (120), KAFKA_STOP_TIMEOUT (30),
#      KAFKA_HEAP_OPTS (-Xms256m -Xmx512m), plus lib.sh's dirs. Every port is checked free at start.
#      KAFKA_INSTANCE (kafka): the instance's name, for a second broker beside this one (see
#      kafka-stage.sh): its pid file, lock, log ($KAFKA_HUB_STATE_DIR/logs/<name>.log) and work
#      dir ($KAFKA_HUB_STATE_DIR/<name>/: configs, data, TLS files with their own test CA).
#      KAFKA_USERS ("admin alice bob"): the SASL users, each with the password <user>-secret.
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

NAME="${KAFKA_INSTANCE:-kafka}"
[[ "$NAME" =~ ^[a-z][a-z0-9-]*$ ]] || die kafka 2 "KAFKA_INSTANCE='$NAME' is not a name like kafka-stage"
HOST=127.0.0.1
KAFKA_PLAINTEXT_PORT="${KAFKA_PLAINTEXT_PORT:-9092}"
KAFKA_SASL_PORT="${KAFKA_SASL_PORT:-9094}"
KAFKA_SSL_PORT="${KAFKA_SSL_PORT:-9095}"
KAFKA_MTLS_PORT="${KAFKA_MTLS_PORT:-9096}"
KAFKA_SASL_SSL_PORT="${KAFKA_SASL_SSL_PORT:-9097}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_START_TIMEOUT="${KAFKA_START_TIMEOUT:-120}"
KAFKA_STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}"

POM="$SERVICES_DIR/kafka-pom.xml"
KAFKA_VERSION="$(sed -n 's:.*<kafka.version>\(.*\)</kafka.version>.*:\1:p' "$POM" | head -n1)"
DIST_DIR="$KAFKA_HUB_CACHE_DIR/kafka-$KAFKA_VERSION"
WORK_DIR="$KAFKA_HUB_STATE_DIR/$NAME"
DATA_DIR="$WORK_DIR/data"
TLS_DIR="$WORK_DIR/tls"
read -r -a USERS <<<"${KAFKA_USERS:-admin alice bob}"
# The client certificate's CN, mapped to User:kafka-hub by ssl.principal.mapping.rules.
CLIENT_CN=kafka-hub
CLIENT_KEY_PASSPHRASE=client-key-secret
LOG="$(log_file "$NAME")"

# JVM flags for short-lived tool runs: start fast, stay small.
TOOL_JVM_OPTS=(-Xmx192m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Djava.awt.headless=true)

fetch() {
  require_java "$NAME" 17
  maven_fetch "$NAME" "$POM" "$DIST_DIR" copy-dependencies
}

classpath() { printf '%s/libs/*\n' "$DIST_DIR"; }

# ---- TLS material (local test CA) ----------------------------------------------

# tls_material_valid -> 0 when every TLS file exists and no certificate expires within a day
tls_material_valid() {
  local f
  for f in ca.pem broker.pem client.pem client-key.pem client-key-encrypted.pem client-store.pem \
      untrusted-ca.pem untrusted-client.pem untrusted-client-key.pem; do
    [[ -s "$TLS_DIR/$f" ]] || return 1
  done
  for f in ca.pem broker.pem client.pem untrusted-ca.pem untrusted-client.pem; do
    openssl x509 -in "$TLS_DIR/$f" -noout -checkend 86400 >/dev/null 2>&1 || return 1
  done
}

# make_ca NAME SUBJECT -> NAME.pem (certificate) and NAME-key.pem in the current directory
make_ca() {
  openssl req -x509 -newkey rsa:2048 -nodes -days 3650 -subj "$2" \
    -keyout "$1-key.pem" -out "$1.pem" \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
}

# sign_cert CA NAME SUBJECT EXTFILE -> NAME.pem signed by CA, with the key NAME-key.pem (PKCS#8)
sign_cert() {
  local ca="$1" name="$2" subject="$3" ext="$4"
  openssl req -newkey rsa:2048 -nodes -subj "$subject" -keyout "$name-key.pem" -out "$name.csr"
  openssl x509 -req -in "$name.csr" -CA "$ca.pem" -CAkey "$ca-key.pem" -CAcreateserial \
    -days 3650 -sha256 -extfile "$ext" -out "$name.pem"
  rm -f "$name.csr"
}

# ensure_tls_material  makes the CA, broker and client certificates once (kept across restarts,
# so clients holding the CA keep working); again when a file is missing or about to expire.
ensure_tls_material() {
  tls_material_valid && return 0
  command -v openssl >/dev/null 2>&1 || apt_install "$NAME" openssl
  require_cmd "$NAME" openssl "install openssl"
  local tmp="$TLS_DIR.tmp"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  if ! (
    cd "$tmp"
    umask 077 # private keys; the tests and the broker run as this user
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n' >broker.ext
    printf 'extendedKeyUsage=clientAuth\n' >client.ext
    make_ca ca "/O=Kafka Hub local test/CN=Kafka Hub local test CA"
    sign_cert ca broker "/O=Kafka Hub local test/CN=localhost" broker.ext
    # Kafka's PEM key store: the private key (PKCS#8) followed by the certificate chain.
    cat broker-key.pem broker.pem ca.pem >broker-store.pem
    mv broker-store.pem broker.pem
    rm -f broker-key.pem
    sign_cert ca client "/CN=$CLIENT_CN" client.ext
    cat client-key.pem client.pem >client-store.pem
    openssl pkcs8 -topk8 -v2 aes-256-cbc -in client-key.pem -out client-key-encrypted.pem \
      -passout "pass:$CLIENT_KEY_PASSPHRASE"
    make_ca untrusted-ca "/O=Kafka Hub local test/CN=Untrusted test CA"
    sign_cert untrusted-ca untrusted-client "/CN=$CLIENT_CN" client.ext
    rm -f ./*.ext ./*.srl ca-key.pem untrusted-ca-key.pem
  ) >>"$LOG" 2>&1; then
    err "$NAME" "making the test certificates in $tmp with openssl failed"
    show_log_tail "$LOG" 20
    return 1
  fi
  rm -rf "$TLS_DIR"
  mv "$tmp" "$TLS_DIR"
  printf '[kafka.sh] made a new local test CA and certificates in %s\n' "$TLS_DIR" >>"$LOG"
}

write_configs() {
  mkdir -p "$WORK_DIR"
  local jaas_users user
  jaas_users="$(for user in "${USERS[@]}"; do printf 'user_%s="%s-secret"\n' "$user" "$user"; done | paste -sd' ')"
  cat >"$WORK_DIR/server.properties" <<EOF
# generated by scripts/services/kafka.sh - single-node KRaft broker for local tests/demo
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$HOST:$KAFKA_CONTROLLER_PORT
controller.listener.names=CONTROLLER
listeners=PLAINTEXT://$HOST:$KAFKA_PLAINTEXT_PORT,SASL_PLAINTEXT://$HOST:$KAFKA_SASL_PORT,SSL://$HOST:$KAFKA_SSL_PORT,MTLS://$HOST:$KAFKA_MTLS_PORT,SASL_SSL://$HOST:$KAFKA_SASL_SSL_PORT,CONTROLLER://$HOST:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://$HOST:$KAFKA_PLAINTEXT_PORT,SASL_PLAINTEXT://$HOST:$KAFKA_SASL_PORT,SSL://$HOST:$KAFKA_SSL_PORT,MTLS://$HOST:$KAFKA_MTLS_PORT,SASL_SSL://$HOST:$KAFKA_SASL_SSL_PORT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT,SSL:SSL,MTLS:SSL,SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT
inter.broker.listener.name=PLAINTEXT

# SASL on the SASL_PLAINTEXT and SASL_SSL listeners (local test credentials only). SCRAM
# credentials live in the cluster metadata (written at format time).
sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512
listener.name.sasl_plaintext.sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512
listener.name.sasl_plaintext.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="admin-secret" $jaas_users;
listener.name.sasl_plaintext.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_ssl.sasl.enabled.mechanisms=PLAIN,SCRAM-SHA-256,SCRAM-SHA-512,OAUTHBEARER
listener.name.sasl_ssl.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="admin" password="admin-secret" $jaas_users;
listener.name.sasl_ssl.scram-sha-256.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
# No sasl.server.callback.handler.class: Kafka's unsecured JWT validator (test only).
listener.name.sasl_ssl.oauthbearer.sasl.jaas.config=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredLoginStringClaim_sub="admin";

# TLS on the SSL, MTLS and SASL_SSL listeners, from PEM files signed by the local test CA.
ssl.keystore.type=PEM
ssl.keystore.location=$TLS_DIR/broker.pem
ssl.truststore.type=PEM
ssl.truststore.location=$TLS_DIR/ca.pem
ssl.client.auth=none
listener.name.mtls.ssl.client.auth=required
# A client certificate's principal is User:<its CN>, so ACLs can name it.
ssl.principal.mapping.rules=RULE:^CN=([^,]+).*$/\$1/,DEFAULT

# ACLs. ANONYMOUS is the principal of the PLAINTEXT listeners (demo + controller) and of
# the SSL listener (no client certificate); kafka-hub is the client certificate's.
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
allow.everyone.if.no.acl.found=false
super.users=User:admin;User:ANONYMOUS;User:$CLIENT_CN

log.dirs=$DATA_DIR
num.partitions=1
default.replication.factor=1
min.insync.replicas=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
delete.topic.enable=true
num.network.threads=2
num.io.threads=4
EOF

  cat >"$WORK_DIR/log4j2.properties" <<'EOF'
# generated by scripts/services/kafka.sh - broker logs go to stdout (redirected to the log file)
name=kafka-hub-broker
appender.out.type=Console
appender.out.name=STDOUT
appender.out.layout.type=PatternLayout
appender.out.layout.pattern=[%d] %p %m (%c)%n
rootLogger.level=INFO
rootLogger.appenderRef.out.ref=STDOUT
logger.kafka.name=kafka
logger.kafka.level=INFO
logger.apache.name=org.apache.kafka
logger.apache.level=INFO
logger.request.name=kafka.request.logger
logger.request.level=WARN
logger.authorizer.name=kafka.authorizer.logger
logger.authorizer.level=INFO
logger.cleaner.name=kafka.log.LogCleaner
logger.cleaner.level=WARN
EOF

  cat >"$WORK_DIR/log4j2-tools.properties" <<'EOF'
# generated by scripts/services/kafka.sh - command-line tools log warnings to stderr
name=kafka-hub-tools
appender.err.type=Console
appender.err.name=STDERR
appender.err.target=SYSTEM_ERR
appender.err.layout.type=PatternLayout
appender.err.layout.pattern=[%d] %p %m (%c)%n
rootLogger.level=WARN
rootLogger.appenderRef.err.ref=STDERR
EOF

  for user in "${USERS[@]}"; do
    cat >"$WORK_DIR/client-$user.properties" <<EOF
# generated by scripts/services/kafka.sh - SASL/PLAIN client config for '$user' (test credentials)
bootstrap.servers=$HOST:$KAFKA_SASL_PORT
security.protocol=SASL_PLAINTEXT
sasl.mechanism=PLAIN
sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="$user" password="$user-secret";
EOF
  done
  for user in "${USERS[@]}"; do
    cat >"$WORK_DIR/client-scram-$user.properties" <<EOF
# generated by scripts/services/kafka.sh - SASL/SCRAM-SHA-512 client config for '$user' (test credentials)
bootstrap.servers=$HOST:$KAFKA_SASL_PORT
security.protocol=SASL_PLAINTEXT
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="$user" password="$user-secret";
EOF
  done
  cat >"$WORK_DIR/client-ssl.properties" <<EOF
# generated by scripts/services/kafka.sh - TLS without a client certificate (principal ANONYMOUS)
bootstrap.servers=$HOST:$KAFKA_SSL_PORT
security.protocol=SSL
ssl.truststore.type=PEM
ssl.truststore.location=$TLS_DIR/ca.pem
EOF
  cat >"$WORK_DIR/client-mtls.properties" <<EOF
# generated by scripts/services/kafka.sh - TLS with the client certificate (principal User:$CLIENT_CN)
bootstrap.servers=$HOST:$KAFKA_MTLS_PORT
security.protocol=SSL
ssl.truststore.type=PEM
ssl.truststore.location=$TLS_DIR/ca.pem
ssl.keystore.type=PEM
ssl.keystore.location=$TLS_DIR/client-store.pem
EOF
  cat >"$WORK_DIR/client-plaintext.properties" <<EOF
# generated by scripts/services/kafka.sh - PLAINTEXT (no auth, super user ANONYMOUS)
bootstrap.servers=$HOST:$KAFKA_PLAINTEXT_PORT
EOF
}

# run_class CLASS ARGS...  runs a Kafka main class with the tools' JVM flags and log config
run_class() {
  local cls="$1"; shift
  fetch
  [[ -f "$WORK_DIR/log4j2-tools.properties" ]] || write_configs
  "$JAVA" "${TOOL_JVM_OPTS[@]}" -Dlog4j2.configurationFile="$WORK_DIR/log4j2-tools.properties" \
    -cp "$(classpath)" "$cls" "$@"
}

random_cluster_id() {
  # Kafka cluster ids are 16 random bytes in URL-safe base64 without padding (22 chars);
  # avoid a leading '-' so the id never looks like a command-line option.
  local id
  while :; do
    id="$(head -c16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"
    [[ "$id" != -* ]] && break
  done
  printf '%s\n' "$id"
}

format_storage() {
  local cid user mechanism scram=()
  rm -rf "$DATA_DIR"
  cid="$(random_cluster_id)"
  # SCRAM credentials of the test users, for both SCRAM mechanisms, in the initial metadata.
  for user in "${USERS[@]}"; do
    for mechanism in SCRAM-SHA-256 SCRAM-SHA-512; do
      scram+=(--add-scram "$mechanism=[name=$user,password=$user-secret]")
    done
  done
  if ! "$JAVA" "${TOOL_JVM_OPTS[@]}" -Dlog4j2.configurationFile="$WORK_DIR/log4j2-tools.properties" \
      -cp "$(classpath)" kafka.tools.StorageTool format --ignore-formatted \
      --cluster-id "$cid" --config "$WORK_DIR/server.properties" "${scram[@]}" >>"$LOG" 2>&1; then
    err "$NAME" "formatting the storage in $DATA_DIR failed"
    show_log_tail "$LOG" 20
    return 1
  fi
}

CLIENT_PORTS=("$KAFKA_PLAINTEXT_PORT" "$KAFKA_SASL_PORT" "$KAFKA_SSL_PORT" "$KAFKA_MTLS_PORT" "$KAFKA_SASL_SSL_PORT")
LISTENERS_TEXT="PLAINTEXT $HOST:$KAFKA_PLAINTEXT_PORT, SASL_PLAINTEXT $HOST:$KAFKA_SASL_PORT, SSL $HOST:$KAFKA_SSL_PORT, MTLS $HOST:$KAFKA_MTLS_PORT, SASL_SSL $HOST:$KAFKA_SASL_SSL_PORT, controller $HOST:$KAFKA_CONTROLLER_PORT"

broker_started() {
  grep -q 'Kafka Server started' "$LOG" 2>/dev/null || return 1
  local p
  for p in "${CLIENT_PORTS[@]}"; do port_open "$HOST" "$p" || return 1; done
}

do_start() {
  local keep_data="$1" pid t0
  if pid="$(read_pid "$NAME")"; then
    log "$NAME" "already running (pid $pid): $LISTENERS_TEXT"
    return 0
  fi
  t0="$(now_s)"
  fetch
  local p
  for p in "${CLIENT_PORTS[@]}" "$KAFKA_CONTROLLER_PORT"; do
    ensure_port_free "$NAME" "$HOST" "$p" || return 1
  done
  [[ -f "$LOG" ]] && mv -f "$LOG" "$LOG.1"
  : >"$LOG"
  ensure_tls_material || return 1
  write_configs
  if [[ "$keep_data" == 1 && -f "$DATA_DIR/meta.properties" ]]; then
    printf '[kafka.sh] starting with existing data in %s\n' "$DATA_DIR" >>"$LOG"
  else
    format_storage || return 1
  fi
  # shellcheck disable=SC2086 # KAFKA_HEAP_OPTS is a list of flags
  start_daemon "$NAME" "$LOG" "$JAVA" $KAFKA_HEAP_OPTS -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true \
    -Dkafkahub.service="$NAME" \
    -Dlog4j2.configurationFile="$WORK_DIR/log4j2.properties" \
    -cp "$(classpath)" kafka.Kafka "$WORK_DIR/server.properties" || return 1
  await_daemon "$NAME" "$LOG" "$KAFKA_START_TIMEOUT" broker_started || return 1
  pid="$DAEMON_PID"
  log "$NAME" "started Kafka $KAFKA_VERSION (pid $pid) in $(($(now_s) - t0))s: $LISTENERS_TEXT (log: $LOG, TLS files: $TLS_DIR)"
}

do_status() {
  local pid
  if pid="$(read_pid "$NAME")"; then
    log "$NAME" "running (pid $pid): $LISTENERS_TEXT"
  else
    log "$NAME" "not running"
    return 1
  fi
}

usage() {
  echo "usage: $0 start [--keep-data] | stop | status | classpath | run-class CLASS [ARGS...]" >&2
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
  stop) with_lock "$NAME" stop_service "$NAME" "$KAFKA_STOP_TIMEOUT" ;;
  status) do_status ;;
  classpath) fetch >&2; classpath ;;
  run-class)
    [[ $# -ge 1 ]] || usage
    run_class "$@"
    ;;
  *) usage ;;
esac
