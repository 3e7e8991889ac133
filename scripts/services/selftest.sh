#!/usr/bin/env bash
# selftest.sh [kafka] [apicurio] [postgres]
#   Checks that the local services really work (default: all three). Services that are not
#   running are started first and stopped again at the end; running ones are left running.
#   Kafka:    PLAINTEXT listing works; alice and bob authenticate over SASL; a wrong password
#             is rejected; alice may not create a topic, admin may; an ACL granted by admin
#             lets alice (not bob) see a topic; SCRAM-SHA-512 and -256 work; the TLS listener
#             serves the test CA's certificate; the mTLS listener maps the client certificate
#             to User:kafka-hub (a super user) and refuses a client without one; SASL_SSL
#             takes SCRAM over TLS.
#   Apicurio: register / read / delete an Avro schema through the ccompat v7 API.
#   Postgres: password login, CREATE/DROP DATABASE, wrong password rejected.
#   Prints "N passed, N failed"; exits non-zero if anything failed.
set -euo pipefail
DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=lib.sh
source "$DIR/lib.sh"

services=("$@")
[[ ${#services[@]} -gt 0 ]] || services=(kafka apicurio postgres)

passed=0 failed=0
started=()
OUT="$(mktemp)"

cleanup() {
  local s
  for s in "${started[@]}"; do "$DIR/$s.sh" stop || true; done  # on abnormal exit
  rm -f "$OUT"
}
trap cleanup EXIT

pass() { passed=$((passed + 1)); printf 'ok   - %s\n' "$1"; }
fail() {
  failed=$((failed + 1))
  printf 'FAIL - %s\n' "$1"
  [[ -s "$OUT" ]] && tail -n 8 "$OUT" | sed 's/^/       | /'
  return 0
}

# expect_ok DESC CMD...             CMD must succeed
expect_ok() {
  local desc="$1"; shift
  if "$@" >"$OUT" 2>&1; then pass "$desc"; else fail "$desc"; fi
}
# expect_fail DESC REGEX CMD...     CMD must fail and its output match REGEX
expect_fail() {
  local desc="$1" re="$2"; shift 2
  if "$@" >"$OUT" 2>&1; then
    fail "$desc (unexpectedly succeeded)"
  elif grep -qE "$re" "$OUT"; then
    pass "$desc"
  else
    fail "$desc (failed, but output does not match /$re/)"
  fi
}
# expect_output DESC REGEX CMD...   CMD must succeed and its output match REGEX
expect_output() {
  local desc="$1" re="$2"; shift 2
  if "$@" >"$OUT" 2>&1 && grep -qE "$re" "$OUT"; then pass "$desc"; else fail "$desc"; fi
}
# expect_no_output DESC REGEX CMD...  CMD must succeed and its output NOT match REGEX
expect_no_output() {
  local desc="$1" re="$2"; shift 2
  if "$@" >"$OUT" 2>&1 && ! grep -qE "$re" "$OUT"; then pass "$desc"; else fail "$desc"; fi
}

ensure_started() {
  local s="$1"
  if ! "$DIR/$s.sh" status >/dev/null 2>&1; then
    "$DIR/$s.sh" start || { failed=$((failed + 1)); echo "FAIL - $s did not start"; return 1; }
    started+=("$s")
  fi
}

# ---------------------------------------------------------------- Kafka
test_kafka() {
  ensure_started kafka || return 0
  local st="$KAFKA_HUB_STATE_DIR/kafka" k="$DIR/kafka.sh"
  local pt="127.0.0.1:${KAFKA_PLAINTEXT_PORT:-9092}" sasl="127.0.0.1:${KAFKA_SASL_PORT:-9094}"
  local topic="selftest-$$-$RANDOM"
  local wrong="$st/client-alice-wrong-password.properties"
  sed 's/password="alice-secret"/password="not-the-password"/' "$st/client-alice.properties" >"$wrong"
  local TOPICS=org.apache.kafka.tools.TopicCommand ACLS=org.apache.kafka.tools.AclCommand
  local APIV=org.apache.kafka.tools.BrokerApiVersionsCommand

  expect_ok "kafka: PLAINTEXT listener $pt lists topics" \
    timeout 60 "$k" run-class $TOPICS --bootstrap-server "$pt" --list
  expect_output "kafka: alice authenticates over SASL/PLAIN on $sasl" "Produce\(0\)" \
    timeout 60 "$k" run-class $APIV --bootstrap-server "$sasl" --command-config "$st/client-alice.properties"
  expect_output "kafka: bob authenticates over SASL/PLAIN on $sasl" "Produce\(0\)" \
    timeout 60 "$k" run-class $APIV --bootstrap-server "$sasl" --command-config "$st/client-bob.properties"
  expect_fail "kafka: a wrong password is rejected" "SaslAuthenticationException|Authentication failed" \
    timeout 60 "$k" run-class $TOPICS --bootstrap-server "$sasl" --command-config "$wrong" --list
  expect_fail "kafka: alice may not create a topic" "TopicAuthorizationException|Authorization failed" \
    timeout 60 "$k" run-class $TOPICS --bootstrap-server "$sasl" --command-config "$st/client-alice.properties" \
    --create --topic "$topic"
  expect_ok "kafka: admin creates topic $topic over SASL" \
    timeout 60 "$k" run-class $TOPICS --bootstrap-server "$sasl" --command-config "$st/client-admin.properties" \
    --create --topic "$topic" --partitions 1 --replication-factor 1
  expect_no_output "kafka: alice cannot see $topic without an ACL" "^$topic\$" \
    timeout 60 "$k" run-class $TOPICS --bootstrap-server "$sasl" --command-config "$st/client-alice.properties" --list
  expect_ok "kafka: admin grants alice DESCRIBE on $topic (AclCommand)" \
    timeout 60 "$k" run-class $ACLS --bootstrap-server "$sasl" --command-config "$st/client-admin.properties" \
    --add --allow-principal User:alice --operation Describe --topic "$topic"
  expect_output "kafka: alice now sees $topic" "^$topic\$" \
    timeout 60 "$k" run-class $TOPICS --bootstrap-server "$sasl" --command-config "$st/client-alice.properties" --list
  expect_no_output "kafka: bob still cannot see $topic" "^$topic\$" \
    timeout 60 "$k" run-class $TOPICS --bootstrap-server "$sasl" --command-config "$st/client-bob.properties" --list
  expect_ok "kafka: admin removes the ACL" \
    timeout 60 "$k" run-class $ACLS --bootstrap-server "$sasl" --command-config "$st/client-admin.properties" \
    --remove --force --allow-principal User:alice --operation Describe --topic "$topic"
  expect_ok "kafka: PLAINTEXT (ANONYMOUS super user) deletes $topic" \
    timeout 60 "$k" run-class $TOPICS --bootstrap-server "$pt" --delete --topic "$topic"
  rm -f "$wrong"

  local ssl="127.0.0.1:${KAFKA_SSL_PORT:-9095}" mtls="127.0.0.1:${KAFKA_MTLS_PORT:-9096}"
  local sasl_ssl="127.0.0.1:${KAFKA_SASL_SSL_PORT:-9097}"
  local scram256="$st/client-scram-alice-256.properties" no_cert="$st/client-mtls-no-cert.properties"
  local scram_tls="$st/client-scram-admin-tls.properties"
  sed 's/SCRAM-SHA-512/SCRAM-SHA-256/' "$st/client-scram-alice.properties" >"$scram256"
  grep -v '^ssl.keystore' "$st/client-mtls.properties" >"$no_cert"
  sed -e "s/^security.protocol=.*/security.protocol=SASL_SSL/" "$st/client-scram-admin.properties" >"$scram_tls"
  grep '^ssl.truststore' "$st/client-ssl.properties" >>"$scram_tls"
  expect_output "kafka: admin authenticates with SCRAM-SHA-512 on $sasl" "Produce\(0\)" \
    timeout 60 "$k" run-class $APIV --bootstrap-server "$sasl" --command-config "$st/client-scram-admin.properties"
  expect_output "kafka: alice authenticates with SCRAM-SHA-256 on $sasl" "Produce\(0\)" \
    timeout 60 "$k" run-class $APIV --bootstrap-server "$sasl" --command-config "$scram256"
  expect_output "kafka: TLS listener $ssl verified against the test CA" "Produce\(0\)" \
    timeout 60 "$k" run-class $APIV --bootstrap-server "$ssl" --command-config "$st/client-ssl.properties"
  expect_ok "kafka: the client certificate (User:kafka-hub, a super user) creates $topic over mTLS on $mtls" \
    timeout 60 "$k" run-class $TOPICS --bootstrap-server "$mtls" --command-config "$st/client-mtls.properties" \
    --create --topic "$topic" --partitions 1 --replication-factor 1
  expect_fail "kafka: a client without a certificate is refused on $mtls" "SslAuthenticationException|SSL handshake failed" \
    timeout 60 "$k" run-class $TOPICS --bootstrap-server "$mtls" --command-config "$no_cert" --list
  expect_ok "kafka: admin deletes $topic with SCRAM over TLS on $sasl_ssl" \
    timeout 60 "$k" run-class $TOPICS --bootstrap-server "$sasl_ssl" --command-config "$scram_tls" --delete --topic "$topic"
  rm -f "$scram256" "$no_cert" "$scram_tls"
}

# ---------------------------------------------------------------- Apicurio
test_apicurio() {
  ensure_started apicurio || return 0
  local base subject="selftest-$$-value"
  base="$("$DIR/apicurio.sh" url)"
  local c=(curl -sS --noproxy '*' --max-time 20 -H 'Content-Type: application/vnd.schemaregistry.v1+json')
  local schema='{"schema":"{\"type\":\"record\",\"name\":\"SelfTest\",\"namespace\":\"kafkahub\",\"fields\":[{\"name\":\"id\",\"type\":\"string\"}]}"}'
  expect_output "apicurio: GET /subjects answers" '^\[' "${c[@]}" -f "$base/subjects"
  expect_output "apicurio: register an Avro schema under $subject" '"id": ?[0-9]+' \
    "${c[@]}" -f -X POST --data "$schema" "$base/subjects/$subject/versions"
  expect_output "apicurio: $subject is listed" "\"$subject\"" "${c[@]}" -f "$base/subjects"
  expect_output "apicurio: latest version of $subject is 1" '"version": ?1' \
    "${c[@]}" -f "$base/subjects/$subject/versions/latest"
  expect_ok "apicurio: soft-delete $subject" "${c[@]}" -f -X DELETE "$base/subjects/$subject"
  expect_ok "apicurio: permanently delete $subject" "${c[@]}" -f -X DELETE "$base/subjects/$subject?permanent=true"
  expect_no_output "apicurio: $subject is gone" "\"$subject\"" "${c[@]}" -f "$base/subjects"
}

# ---------------------------------------------------------------- Postgres
test_postgres() {
  ensure_started postgres || return 0
  local url psql db="selftest_$$"
  url="$("$DIR/postgres.sh" url)"
  psql="$(command -v psql || find /usr/lib/postgresql -path '*/bin/psql' 2>/dev/null | sort | tail -n1)"
  local q=(env PGCONNECT_TIMEOUT=10 "$psql" -XAtq)
  expect_output "postgres: password login over TCP" '^1$' "${q[@]}" "$url/postgres" -c 'select 1'
  expect_output "postgres: user is a superuser" '^t$' "${q[@]}" "$url/postgres" \
    -c 'select rolsuper from pg_roles where rolname = current_user'
  expect_ok "postgres: CREATE DATABASE $db" "${q[@]}" "$url/postgres" -c "create database $db"
  expect_output "postgres: connect to $db" "^$db\$" "${q[@]}" "$url/$db" -c 'select current_database()'
  expect_ok "postgres: DROP DATABASE $db" "${q[@]}" "$url/postgres" -c "drop database $db"
  expect_fail "postgres: a wrong password is rejected" "password authentication failed" \
    "${q[@]}" "postgresql://postgres:not-the-password@${url##*@}/postgres" -c 'select 1'
}

for s in "${services[@]}"; do
  case "$s" in
    kafka) test_kafka ;;
    apicurio) test_apicurio ;;
    postgres) test_postgres ;;
    *) echo "selftest: unknown service '$s'" >&2; exit 2 ;;
  esac
done

# stop what we started before the summary, so that the summary is the last line
for s in "${started[@]}"; do "$DIR/$s.sh" stop || true; done
started=()
echo "$passed passed, $failed failed"
((failed == 0))
