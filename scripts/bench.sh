#!/usr/bin/env bash
# Runs the engine benchmark natively and compiled to WebAssembly (wasm32-wasip1
# under node's WASI) and prints both, with the wasm/native ratio of a trace.
#   scripts/bench.sh          # every size, up to Kubernetes' thresholds (native)
#   scripts/bench.sh small    # the two small sizes, native and wasm (CI runs this)
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-all}
args=()
[ "$size" = small ] && args=(small)

# The engine alone (--no-default-features: no UI, no web crates), which is
# all the benchmark uses; its build at opt-level 3 is the step's cost in CI.
native=$(cargo bench --locked --no-default-features --bench engine -- "${args[@]}" 2>/dev/null | grep '^bench:')
printf '%s\n' "$native" | sed 's/^bench:/bench native:/'

if [ "$size" = small ]; then
  if ! rustup target list --installed | grep -qx wasm32-wasip1; then
    rustup target add wasm32-wasip1   # scripts/setup.sh test does this too
  fi
  wasm_file=$(cargo bench --locked --no-default-features --bench engine --target wasm32-wasip1 --no-run --message-format=json 2>/dev/null \
    | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{for(const l of s.split("\n")){try{const m=JSON.parse(l);if(m.reason==="compiler-artifact"&&m.target.name==="engine"&&m.executable)console.log(m.executable)}catch(e){}}})')
  # --no-liftoff: V8 compiles the wasm with its optimising compiler at
  # once, as a page runs it once warm. Otherwise the first loop measured
  # (the first Service) runs partly in V8's baseline code while the
  # optimised code is compiled in the background (slower still on a loaded
  # machine), and the ratio measures V8's warm-up, not the engine
  # (BENCHMARKS.md, "WebAssembly").
  wasm=$(node --no-liftoff --no-warnings scripts/wasm-bench.mjs "$wasm_file" small | grep '^bench:')
  printf '%s\n' "$wasm" | sed 's/^bench:/bench wasm:  /'
  # Ratio of the trace times (first and last Service) per size.
  NATIVE="$native" WASM="$wasm" node -e '
    const trace = (text) => Object.fromEntries(text.split("\n").filter((l) => / trace /.test(l)).map((l) => {
      const m = l.match(/^bench: +(.*?) +trace +([0-9.]+) ms first Service \/ ([0-9.]+) ms/);
      return [m[1], [Number(m[2]), Number(m[3])]];
    }));
    const n = trace(process.env.NATIVE), w = trace(process.env.WASM);
    for (const size of Object.keys(n)) {
      const r = w[size].map((x, i) => (x / n[size][i]).toFixed(2));
      console.log(`bench ratio:  ${size.padEnd(40)} trace wasm/native ${r[0]} (first Service), ${r[1]} (last Service)`);
    }'
fi
