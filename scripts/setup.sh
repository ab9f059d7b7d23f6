#!/usr/bin/env bash
# Installs whatever building (and, with `test`, testing) needs and is
# missing, from the package registries only: rustup's wasm target, Trunk and
# wasm-bindgen-cli from crates.io, binaryen and playwright-core from npm,
# chromium, chromium-driver, fonts-noto-cjk and the kernel check's tools (iproute2,
# iptables, nftables, conntrack, nfacct, iputils-ping, tcpdump) from Debian. Idempotent: quick when everything
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

# Build the two tools quickly rather than small and fast: their release
# profiles ask for fat LTO in one codegen unit, which on a fresh two-core
# machine made `cargo install trunk` alone take about half an hour. Trunk
# only orchestrates (wasm-bindgen and wasm-opt do the heavy work in their
# own processes), so its speed does not matter; wasm-bindgen keeps its
# optimisation level and gives up only whole-program LTO.
quick_profile() {
  CARGO_PROFILE_RELEASE_LTO=false \
  CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
  CARGO_PROFILE_RELEASE_DEBUG=false \
  "$@"
}

# Trunk, pinned (0.22 needs a newer rustc than these machines have), with
# rustls instead of native-tls (no OpenSSL to build or link), and at opt-level 1.
if [ "$(trunk --version 2>/dev/null)" != "trunk $TRUNK_VERSION" ]; then
  say "installing trunk $TRUNK_VERSION (several minutes, once)"
  CARGO_PROFILE_RELEASE_OPT_LEVEL=1 quick_profile \
    cargo install trunk --version "$TRUNK_VERSION" --locked \
    --no-default-features --features rustls
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
  quick_profile cargo install wasm-bindgen-cli --version "$wbg" --force
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
  # Debian's packages, only those missing, in one apt transaction:
  # chromium and its chromedriver (the same build) for the browser tests
  # (never a downloaded browser or driver); a Korean font (Noto Sans CJK KR)
  # for the Korean screenshots, without which Hangul renders as boxes; and
  # the kernel check's tools.
  debs=""
  command -v chromium >/dev/null 2>&1 || debs="$debs chromium"
  [ -x /usr/bin/chromedriver ] || debs="$debs chromium-driver"
  dpkg -s fonts-noto-cjk >/dev/null 2>&1 || debs="$debs fonts-noto-cjk"
  command -v ip >/dev/null 2>&1 || debs="$debs iproute2"
  command -v iptables-nft-restore >/dev/null 2>&1 || debs="$debs iptables"
  command -v conntrack >/dev/null 2>&1 || debs="$debs conntrack"
  command -v nfacct >/dev/null 2>&1 || debs="$debs nfacct"
  command -v sysctl >/dev/null 2>&1 || debs="$debs procps"
  command -v ping >/dev/null 2>&1 || debs="$debs iputils-ping"
  command -v tcpdump >/dev/null 2>&1 || [ -x /usr/bin/tcpdump ] || debs="$debs tcpdump"
  command -v nft >/dev/null 2>&1 || [ -x /usr/sbin/nft ] || debs="$debs nftables"
  if [ -n "$debs" ]; then
    say "installing Debian's$debs"
    sudo_cmd=""
    [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends $debs
  fi
fi
