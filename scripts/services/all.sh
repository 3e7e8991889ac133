#!/usr/bin/env bash
# all.sh start|stop|status [kafka] [apicurio] [postgres]
#   Starts/stops several services at once (default: all three). Starts run in parallel
#   (Kafka and Apicurio each take a CPU core for ~10 s; downloads are serialised by a lock).
#   Exit code: 0 all ok; 3 if every failure was "tool missing" (java/mvn/apt), else 1.
set -euo pipefail
DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

action="${1:-}"
[[ $# -gt 0 ]] && shift
case "$action" in start | stop | status) ;; *)
  echo "usage: $0 start|stop|status [kafka] [apicurio] [postgres]" >&2
  exit 2
  ;;
esac
services=("$@")
[[ ${#services[@]} -gt 0 ]] || services=(kafka apicurio postgres)
for s in "${services[@]}"; do
  case "$s" in kafka | apicurio | postgres) ;; *)
    echo "all.sh: unknown service '$s' (kafka, apicurio, postgres)" >&2
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
