#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs what is missing
# (scripts/setup.sh test), then lints, runs the native tests and the
# wasm-bindgen browser tests (scripts/web-test.sh), checks the
# engine against a real kernel in network namespaces, builds the site as it
# ships, checks its size and tests it in Debian's chromium.
set -euo pipefail
cd "$(dirname "$0")/.."
# Each step prints its title and, when the next one starts, how long it took
# (CI's budget is a total; this says where it goes).
step_name="" step_start=$SECONDS
step_done() { [ -z "$step_name" ] || printf '== %s: %d s\n' "$step_name" $((SECONDS - step_start)); }
step() { step_done; step_name="$*" step_start=$SECONDS; printf '\n== %s\n' "$*"; }
trap 'step_done; printf "== total: %d s\n" "$SECONDS"' EXIT

step "setup (installs what is missing)"
scripts/setup.sh test
export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"

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
# node network), and KERNEL_CHECK_RANDOM (default 15; larger sweeps by hand, see the README) seeded random scenarios
# (each hop's tcpdump runs for the files' scenarios, not the random ones). It needs root and network namespaces; without them it fails
# loudly (exit 3) rather than passing.
cargo build --locked --bin netlab
kernel_check=(target/debug/netlab kernel-check static/scenarios/*.yaml tests/data/engine/*.yaml
  tests/data/clusters/*
  --random "${KERNEL_CHECK_RANDOM:-15}" --seed "${KERNEL_CHECK_SEED:-1}"
  --mode "${KERNEL_CHECK_MODE:-both}")
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
