#!/usr/bin/env bash
# Installs whatever building (and, with `test`, testing) needs and is
# missing, from the package registries only: rustup's wasm target, Trunk and
# wasm-bindgen-cli from crates.io, binaryen and playwright-core from npm,
# chromium, chromium-driver and fonts-noto-cjk from Debian. Idempotent: quick when everything
# is present.
#
#   scripts/setup.sh build   # what `scripts/run.sh` needs
#   scripts/setup.sh test    # also what `scripts/test.sh` needs
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-build}

TRUNK_VERSION=0.21.14
say() { printf 'setup: %s\n' "$*" >&2; }

export PATH="$HOME/.cargo/bin:$PWD/node_modules/.bin:$PATH"

# Rust: the wasm target and the lint tools.
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi
for component in clippy rustfmt; do
  if ! rustup component list --installed | grep -q "^$component"; then
    say "adding rustup component $component"
    rustup component add "$component"
  fi
done

# Trunk, pinned (0.22 needs a newer rustc than these machines have).
if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
  say "installing trunk $TRUNK_VERSION (a few minutes, once)"
  cargo install trunk --version "$TRUNK_VERSION" --locked
fi

# wasm-bindgen-cli must equal the wasm-bindgen crate in Cargo.lock, and
# Trunk.toml must name the same version.
wbg=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)
if [ -z "$wbg" ]; then
  say "cannot find wasm-bindgen in Cargo.lock"; exit 1
fi
if ! grep -q "^wasm_bindgen = \"$wbg\"" Trunk.toml; then
  say "Trunk.toml [tools] wasm_bindgen must be \"$wbg\" (the version in Cargo.lock)"; exit 1
fi
if [ "$(wasm-bindgen --version 2>/dev/null | cut -d' ' -f1-2)" != "wasm-bindgen $wbg" ]; then
  say "installing wasm-bindgen-cli $wbg (a few minutes, once)"
  # Without --locked: its lockfile does not build with this rustc.
  cargo install wasm-bindgen-cli --version "$wbg" --force
fi

# npm tools: wasm-opt (binaryen 132) and playwright-core, as package-lock.json pins them.
npm_in_sync() {
  node -e '
    const lock = require("./package-lock.json").packages;
    for (const [path, meta] of Object.entries(lock)) {
      if (!path) continue;
      try { if (require("./" + path + "/package.json").version !== meta.version) process.exit(1); }
      catch (e) { process.exit(1); }
    }' 2>/dev/null
}
if ! npm_in_sync; then
  say "installing npm tools (binaryen, playwright-core)"
  npm ci --no-audit --no-fund --loglevel=error
fi

if [ "$what" = test ]; then
  # The benchmark also runs compiled to WebAssembly under node's WASI.
  if ! rustup target list --installed | grep -qx wasm32-wasip1; then
    say "adding the wasm32-wasip1 target (for the wasm benchmark)"
    rustup target add wasm32-wasip1
  fi
  # Debian's chromium for the browser tests (never a downloaded browser).
  if ! command -v chromium >/dev/null 2>&1; then
    say "installing Debian's chromium"
    sudo_cmd=""
    [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends chromium
  fi
  # A Korean font (Noto Sans CJK KR) for the Korean screenshots: without
  # one, Hangul renders as boxes.
  if ! dpkg -s fonts-noto-cjk >/dev/null 2>&1; then
    say "installing Debian's fonts-noto-cjk"
    sudo_cmd=""
    [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends fonts-noto-cjk
  fi
  # Debian's chromedriver (the same build as chromium) for the wasm-bindgen
  # browser tests (tests/web.rs); never a downloaded driver.
  if [ ! -x /usr/bin/chromedriver ]; then
    say "installing Debian's chromium-driver"
    sudo_cmd=""
    [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends chromium-driver
  fi
  # The kernel check's tools (Debian packages), only when missing.
  kernel_pkgs=""
  command -v ip >/dev/null 2>&1 || kernel_pkgs="$kernel_pkgs iproute2"
  command -v iptables-nft-restore >/dev/null 2>&1 || kernel_pkgs="$kernel_pkgs iptables"
  command -v conntrack >/dev/null 2>&1 || kernel_pkgs="$kernel_pkgs conntrack"
  command -v nfacct >/dev/null 2>&1 || kernel_pkgs="$kernel_pkgs nfacct"
  command -v sysctl >/dev/null 2>&1 || kernel_pkgs="$kernel_pkgs procps"
  if [ -n "$kernel_pkgs" ]; then
    say "installing the kernel check's tools:$kernel_pkgs"
    sudo_cmd=""
    [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends $kernel_pkgs
  fi
fi
