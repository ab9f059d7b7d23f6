#!/usr/bin/env bash
# Builds this probe (src/lib.rs) for wasm32 in the release profile, runs
# wasm-bindgen and wasm-opt as Trunk does, prints gzip -9 sizes.
set -euo pipefail
cd "$(dirname "$0")"
root=$(cd ../.. && pwd)
label=${1:-probe}
CARGO_TARGET_DIR="$root/target" cargo build --release --target wasm32-unknown-unknown 2>&1 | grep -E "^(error|warning)" -A7 || true
wasm=$root/target/wasm32-unknown-unknown/release/size_probe.wasm
out=${TMPDIR:-/tmp}/size-probe-$label
rm -rf $out; mkdir -p $out
wasm-bindgen --target web --no-typescript --out-dir $out --out-name probe $wasm
$root/node_modules/.bin/wasm-opt -O2 -ocimfs 0 --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue $out/probe_bg.wasm -o $out/probe_opt.wasm
# a name-section copy for twiggy
$root/node_modules/.bin/wasm-opt -O2 -ocimfs 0 --debuginfo --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue $out/probe_bg.wasm -o $out/probe_named.wasm
w=$(gzip -9 -c $out/probe_opt.wasm | wc -c)
j=$(gzip -9 -c $out/probe.js | wc -c)
printf '%s: wasm %d raw, %d gz; js %d gz; total %.1f KB\n' "$label" $(stat -c %s $out/probe_opt.wasm) $w $j $(awk -v t=$((w+j)) 'BEGIN{print t/1024}')
