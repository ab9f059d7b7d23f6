#!/usr/bin/env bash
# The wasm-bindgen browser tests (tests/web.rs) in Debian's headless
# chromium through Debian's chromedriver: `cargo test` runs the compiled
# test with wasm-bindgen-test-runner (installed with wasm-bindgen-cli by
# scripts/setup.sh), which serves it on 127.0.0.1 and drives chromium. The
# browser gets a fresh profile and flags that keep it off the network;
# nothing is downloaded. Extra arguments go to `cargo test`.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

profile=$(mktemp -d "${TMPDIR:-/tmp}/netlab-wbt-XXXXXX")
trap 'rm -rf "$profile"' EXIT
# The runner reads the browser's capabilities from this file; it adds
# headless, no-sandbox and disable-dev-shm-usage itself too.
cat >"$profile/webdriver.json" <<JSON
{
  "goog:chromeOptions": {
    "binary": "/usr/bin/chromium",
    "args": [
      "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
      "--disable-background-networking", "--disable-component-update",
      "--disable-sync", "--no-first-run",
      "--user-data-dir=$profile/chromium"
    ]
  }
}
JSON

export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
export CHROMEDRIVER=/usr/bin/chromedriver
export WASM_BINDGEN_TEST_WEBDRIVER_JSON="$profile/webdriver.json"
cargo test --locked --target wasm32-unknown-unknown --test web --test web_components "$@"
