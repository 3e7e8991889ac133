#!/usr/bin/env bash
# chromium.sh ensure  - make sure Debian's /usr/bin/chromium is installed; print its path.
# Never downloads a browser through Playwright. Exit 3 if it cannot be installed
# (no root / no apt-get).
set -euo pipefail
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

NAME=chromium
CHROMIUM_BIN="${CHROMIUM_BIN:-/usr/bin/chromium}"

case "${1:-ensure}" in
  ensure)
    if [[ ! -x "$CHROMIUM_BIN" ]]; then
      apt_install "$NAME" chromium >&2 || exit 1
      [[ -x "$CHROMIUM_BIN" ]] || die "$NAME" 1 "apt-get install chromium did not provide $CHROMIUM_BIN"
    fi
    printf '%s\n' "$CHROMIUM_BIN"
    ;;
  *)
    echo "usage: $0 ensure" >&2
    exit 2
    ;;
esac
