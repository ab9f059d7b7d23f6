#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs what is missing
# (scripts/setup.sh test), then lints, runs the native tests and the
# wasm-bindgen browser tests (scripts/web-test.sh), checks the
# engine against a real kernel in network namespaces, builds the site as it
# ships, checks its size and tests it in Debian's chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"

step() { printf '\n== %s\n' "$*"; }

step "format"
cargo fmt --check

step "clippy (native and wasm32)"
cargo clippy --all-targets --locked -- -D warnings
cargo clippy --target wasm32-unknown-unknown --lib --bins --tests --locked -- -D warnings

step "native tests"
cargo test --locked

step "browser unit tests (wasm-bindgen-test in Debian's headless chromium)"
# tests/web.rs: the share link's compression and local storage.
scripts/web-test.sh

step "kernel check: the engine against Linux in network namespaces"
# Every preset, every engine test scenario, the real clusters' captures
# (tests/data/clusters: inferred networks, public LB addresses, pods on the
# node network), and KERNEL_CHECK_RANDOM (default 50) seeded random scenarios. It needs root and network namespaces; without them it fails
# loudly (exit 3) rather than passing.
cargo build --locked --bin netlab
kernel_check=(target/debug/netlab kernel-check static/scenarios/*.yaml tests/data/engine/*.yaml
  tests/data/clusters/*
  --random "${KERNEL_CHECK_RANDOM:-50}" --seed "${KERNEL_CHECK_SEED:-1}")
if [ "$(id -u)" -eq 0 ]; then
  "${kernel_check[@]}"
else
  sudo -E "${kernel_check[@]}"
fi

step "benchmarks (figures, not a timed test): native and wasm"
scripts/bench.sh small

step "release build of the site (trunk, offline)"
trunk build --release

step "size"
scripts/size-check.sh

step "browser tests (Debian chromium via playwright-core)"
mkdir -p target
node --test tests/e2e/*.test.mjs
