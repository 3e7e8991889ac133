#!/usr/bin/env bash
# all.sh start|stop|status [kafka] [apicurio] [postgres] [kafka-stage]
#   Starts/stops several services at once (default: kafka, apicurio and postgres; `stop`
#   without names also stops kafka-stage, the demo's second broker). Starts run in parallel
#   (Kafka and Apicurio each take a CPU core for ~10 s; downloads are serialised by a lock).
#   Exit code: 0 all ok; 3 if every failure was "tool missing" (java/mvn/apt), else 1.
set -euo pipefail
DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

action="${1:-}"
[[ $# -gt 0 ]] && shift
case "$action" in start | stop | status) ;; *)
  echo "usage: $0 start|stop|status [kafka] [apicurio] [postgres] [kafka-stage]" >&2
  exit 2
  ;;
esac
services=("$@")
if [[ ${#services[@]} -eq 0 ]]; then
  services=(kafka apicurio postgres)
  # Whatever may run is stopped; stopping one that does not run is a no-op.
  [[ "$action" == stop ]] && services+=(kafka-stage)
fi
for s in "${services[@]}"; do
  case "$s" in kafka | apicurio | postgres | kafka-stage) ;; *)
    echo "all.sh: unknown service '$s' (kafka, apicurio, postgres, kafka-stage)" >&2
    exit 2
    ;;
  esac
done

declare -A pids=()
for s in "${services[@]}"; do
  "$DIR/$s.sh" "$action" &
  pids[$s]=$!
done

failed=0 missing_tool_only=1
for s in "${services[@]}"; do
  rc=0
  wait "${pids[$s]}" || rc=$?
  if ((rc != 0)); then
    failed=$((failed + 1))
    ((rc == 3)) || missing_tool_only=0
  fi
done

if ((failed == 0)); then exit 0; fi
if [[ "$action" == status ]]; then exit 1; fi
echo "all.sh: $action failed for $failed of ${#services[@]} service(s)" >&2
((missing_tool_only)) && exit 3
exit 1
