#!/usr/bin/env bash
# kafka-stage.sh - the demo's second Kafka broker, its `stage` environment: kafka.sh's
# single-node KRaft broker as the instance `kafka-stage`, on its own ports, data, log and
# test CA, so that dev and stage are different clusters. Same commands as kafka.sh:
#
#   kafka-stage.sh start [--keep-data] | stop | status | classpath | run-class CLASS ARGS...
#
# Ports (base 9292): PLAINTEXT 9292, CONTROLLER 9293, SASL_PLAINTEXT 9294, SSL 9295, MTLS 9296,
#             SASL_SSL 9297 (each overridable with kafka.sh's KAFKA_*_PORT variables).
# Users: kafka.sh's admin (super user), alice and bob, plus kafka-hub-stage/kafka-hub-stage-secret,
#             the principal the demo's Kafka Hub connects to stage as (not a super user: the demo
#             seed grants it the ACLs the backend README lists, see scripts/demo/stage.mjs).
# Files: $KAFKA_HUB_STATE_DIR/kafka-stage/ (configs, data, tls/), log
#             $KAFKA_HUB_STATE_DIR/logs/kafka-stage.log, pid file run/kafka-stage.pid.
set -euo pipefail

export KAFKA_INSTANCE=kafka-stage
export KAFKA_USERS="admin alice bob kafka-hub-stage"
export KAFKA_PLAINTEXT_PORT="${KAFKA_PLAINTEXT_PORT:-9292}"
export KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9293}"
export KAFKA_SASL_PORT="${KAFKA_SASL_PORT:-9294}"
export KAFKA_SSL_PORT="${KAFKA_SSL_PORT:-9295}"
export KAFKA_MTLS_PORT="${KAFKA_MTLS_PORT:-9296}"
export KAFKA_SASL_SSL_PORT="${KAFKA_SASL_SSL_PORT:-9297}"
# A demo cluster with little traffic: less heap than the test broker's, and
# only the quick JIT compiler (C1), which starts it in about half the CPU time.
export KAFKA_HEAP_OPTS="${KAFKA_STAGE_HEAP_OPTS:--Xms128m -Xmx384m -XX:TieredStopAtLevel=1}"

exec "$(dirname "${BASH_SOURCE[0]}")/kafka.sh" "$@"
