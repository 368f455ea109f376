#!/usr/bin/env bash
# Lints the Dockerfile with dockerfilelint, pinned, from the npm registry (hadolint, the usual choice, is not
# installable from any registry reachable here). Installs it once into a cache directory; prints the findings
# and exits non-zero when there are any. Where Node.js or the registry is missing it says "skipped" and exits 0,
# so that an offline build is not failed by a tool it cannot fetch (DockerfileLintIT reports that as skipped).
#
# usage: scripts/lint-dockerfile.sh [DOCKERFILE]
set -euo pipefail
cd "$(dirname "$0")/.."
dockerfile="${1:-Dockerfile}"
linter=dockerfilelint@1.8.0
tools="${RELENGAPI_PROXY_LINT_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/relengapi-proxy/lint-tools}"

if ! command -v npm >/dev/null 2>&1; then
  echo "lint-dockerfile: skipped: npm (Node.js) is not installed"
  exit 0
fi
if [ ! -x "$tools/node_modules/.bin/dockerfilelint" ]; then
  mkdir -p "$tools"
  # Bounded: a registry that never answers must not hang the build that runs this.
  if ! timeout 180 npm install --prefix "$tools" --no-audit --no-fund --no-save --silent "$linter" >/dev/null 2>&1; then
    echo "lint-dockerfile: skipped: cannot install $linter from the npm registry within 180 s"
    exit 0
  fi
fi
timeout 120 "$tools/node_modules/.bin/dockerfilelint" "$dockerfile"
