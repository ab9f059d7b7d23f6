#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs what is missing
# (scripts/setup.sh test), then lints, runs the native tests, builds the
# site as it ships, checks its size and tests it in Debian's chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"

step() { printf '\n== %s\n' "$*"; }

step "format"
cargo fmt --check

step "clippy (native and wasm32)"
cargo clippy --all-targets --locked -- -D warnings
cargo clippy --target wasm32-unknown-unknown --lib --bins --locked -- -D warnings

step "native tests"
cargo test --locked

step "release build of the site (trunk, offline)"
trunk build --release

step "size"
scripts/size-check.sh

step "browser tests (Debian chromium via playwright-core)"
mkdir -p target
node --test tests/e2e/*.test.mjs
