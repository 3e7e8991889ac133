#!/usr/bin/env bash
# Checks what the published packages promise, without services:
# - the backend's OpenAPI contract is valid and linted, and the server and
#   client code generated from it is current;
# - the API reports (report*.api.md) match the exports;
# - knip finds no unused file, export or dependency;
# - changesets can read the release plan.
# Run by scripts/test.sh after the type check (the API reports are read from
# the type check's output). Exits non-zero on the first failure.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$ROOT"
# shellcheck source=../toolchain.sh
source scripts/toolchain.sh

step() { echo "--- $*"; }

GENERATED=(
  plugins/kafka-hub-backend/src/schema/openapi/generated
  plugins/kafka-hub/src/schema/openapi/generated
)

step "OpenAPI contract: the copy in the generated router matches openapi.yaml"
# repo-tools loads the generated router through Node; .ts needs the CLI's transform.
NODE_OPTIONS="--require @backstage/cli/config/nodeTransform.cjs" \
  yarn backstage-repo-tools repo schema openapi validate

step "OpenAPI contract: lint"
yarn backstage-repo-tools repo schema openapi lint

# The generator jar repo-tools pins, fetched once through Maven (checksums
# checked, cached in ~/.m2). Left to itself, openapi-generator-cli downloads it
# while repo-tools starts the server and client generations at once, and one
# of them can open the jar before the download has finished.
ensure_generator_jar() {
  local version dir jar
  version="$(node -p "require('@backstage/repo-tools/openapitools.json')['generator-cli'].version")"
  dir="$(dirname "$(node -p "require.resolve('@openapitools/openapi-generator-cli/package.json')")")/versions"
  jar="$dir/$version.jar"
  if [ -s "$jar" ] && unzip -tqq "$jar" >/dev/null 2>&1; then
    return 0
  fi
  mkdir -p "$dir"
  rm -f "$jar" "$dir/openapi-generator-cli-$version.jar"
  mvn -q -B dependency:copy \
    -Dartifact="org.openapitools:openapi-generator-cli:$version" \
    -DoutputDirectory="$dir"
  mv "$dir/openapi-generator-cli-$version.jar" "$jar"
}

step "OpenAPI contract: generated server and client are current"
ensure_generator_jar
# The generator exits 0 even when it fails, so start from nothing: a failed
# generation leaves files missing, which the status check below reports.
# Needs Java 11+; the first run downloads the generator jar from Maven Central.
rm -rf "${GENERATED[@]}"
(cd plugins/kafka-hub-backend &&
  yarn run -T backstage-repo-tools package schema openapi generate \
    --server --client-package plugins/kafka-hub)
if [ -n "$(git status --porcelain -- "${GENERATED[@]}")" ]; then
  git status --short -- "${GENERATED[@]}"
  git --no-pager diff --stat -- "${GENERATED[@]}"
  echo "The code generated from plugins/kafka-hub-backend/src/schema/openapi.yaml is not current (or generation failed)." >&2
  echo "Regenerate: cd plugins/kafka-hub-backend && yarn run -T backstage-repo-tools package schema openapi generate --server --client-package plugins/kafka-hub" >&2
  exit 1
fi

step "API reports are current"
# Regenerate without --ci. ae-wrong-input-file-type: the workspace-linked
# common package resolves to its .ts sources, not to a published .d.ts.
yarn backstage-repo-tools api-reports --ci -o ae-wrong-input-file-type \
  --validate-release-tags \
  plugins/kafka-hub plugins/kafka-hub-backend plugins/kafka-hub-common

step "knip: no unused files, exports or dependencies"
yarn knip

step "changesets: release plan readable"
yarn changeset status
