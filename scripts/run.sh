#!/usr/bin/env bash
# Installs what is missing (scripts/setup.sh build) and serves the
# playground on http://127.0.0.1:8080 with the default scenario.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh build
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"
exec trunk serve --release "$@"
