#!/usr/bin/env bash
# Prints the compressed size of what a browser loads from dist/ (gzip -9
# and brotli of the built wasm, js, css and html) and fails above the
# budget.
#
# Figures:
# - the total load: every file of the page (not embed.js or the demo);
# - first paint: the bytes the browser downloads before the playground's
#   first meaningful paint (the drawing, the trace form): index.html and
#   what it loads at start (stylesheet, start-up script, the JS glue and
#   the wasm it imports), found by reading those files, not listed here.
#   Today that is the whole load: the app paints only once the wasm runs.
#   (The loading skeleton in index.html paints earlier, from the HTML and
#   CSS alone, but it is not the playground.)
#
# Two limits: the goal (220 KB gzip for first paint, the issue's target)
# and the budget the check enforces. With the whole playground linked
# (engine, model, YAML, yew UI, editor) the page does not meet the goal
# yet; the budget is set just above the measured size so that growth fails
# the run, and is lowered as the page shrinks. The gap to the goal is
# printed every run.
# History: 360 KB with the playground; 385 with the tutorial and embeds;
# 395 with Korean for the interface and the trace sentences; 385 after
# fewer B-tree and sort copies in the model and the UI; 448 with the
# learner's page (the drawing's story and zoom, about +29 KB; device-level
# steps +13; lessons' "what you saw" +18; the YAML re-parser and capped
# lists +14; the embed API +11, each measured on its own branch); 456
# with the YAML tab's parts for megabytes (src/ui/chunks.rs, +8.7 KB
# gzip of wasm, +0.5 of CSS).
set -euo pipefail
cd "$(dirname "$0")/.."
goal_kb=220
budget_kb=${SIZE_BUDGET_KB:-456}
first_paint_budget_kb=${FIRST_PAINT_BUDGET_KB:-$budget_kb}

[ -e dist/index.html ] || { echo "size: no dist/index.html (run trunk build --release)" >&2; exit 1; }

# Brotli at quality 11: the build's .br file when it is there (what a host
# serves, scripts/precompress.mjs), else compressed here with node's zlib.
brotli_size() {
  if [ -e "$1.br" ] && [ "$1.br" -nt "$1" ]; then
    stat -c %s "$1.br"
  else
    node -e '
      const z = require("zlib"), d = require("fs").readFileSync(process.argv[1]);
      const p = { [z.constants.BROTLI_PARAM_QUALITY]: 11, [z.constants.BROTLI_PARAM_SIZE_HINT]: d.length };
      process.stdout.write(String(z.brotliCompressSync(d, { params: p }).length));' "$1"
  fi
}

# The files of first paint: index.html, what its tags load (not the icon),
# and the ./files those scripts load in turn.
first_paint_files() {
  node -e '
    const fs = require("fs"), path = require("path");
    const dir = process.argv[1];
    const seen = new Set(["index.html"]);
    const queue = [];
    const html = fs.readFileSync(path.join(dir, "index.html"), "utf8");
    for (const tag of html.match(/<(link|script)\b[^>]*>/g) ?? []) {
      if (/\brel="(icon|apple-touch-icon|manifest)"/.test(tag)) continue;
      const m = tag.match(/\b(?:href|src)="(?:\.\/)?([^"#?]+)"/);
      if (m && !/^[a-z]+:/.test(m[1])) queue.push(m[1]);
    }
    while (queue.length) {
      const f = queue.shift();
      if (seen.has(f) || !fs.existsSync(path.join(dir, f))) continue;
      seen.add(f);
      if (f.endsWith(".js")) {
        const js = fs.readFileSync(path.join(dir, f), "utf8");
        for (const m of js.matchAll(/["'"'"'`]\.\/([\w.-]+\.(?:js|wasm))["'"'"'`]/g)) queue.push(m[1]);
      }
    }
    console.log([...seen].join("\n"));' dist
}

total_gz=0
total_br=0
for f in dist/*.wasm dist/*.js dist/*.css dist/*.html; do
  [ -e "$f" ] || continue
  # Not part of the page's load: the embed script for other sites and the
  # embed demo page.
  case "$(basename "$f")" in embed.js|demo.html|demo.css) continue ;; esac
  raw=$(stat -c %s "$f")
  gz=$(gzip -9 -c "$f" | wc -c)
  br=$(brotli_size "$f")
  total_gz=$((total_gz + gz))
  total_br=$((total_br + br))
  printf 'size: %-40s %8d bytes, %7d gzip -9, %7d brotli\n' "$(basename "$f")" "$raw" "$gz" "$br"
done

fp_gz=0
fp_br=0
fp_list=()
while IFS= read -r name; do
  [ -n "$name" ] || continue
  fp_gz=$((fp_gz + $(gzip -9 -c "dist/$name" | wc -c)))
  fp_br=$((fp_br + $(brotli_size "dist/$name")))
  fp_list+=("$name")
done < <(first_paint_files)

kb() { awk -v t="$1" 'BEGIN { printf "%.1f", t / 1024 }'; }
printf 'size: total compressed load %d bytes gzip -9 (%s KB), %d bytes brotli (%s KB); budget %d KB gzip\n' \
  "$total_gz" "$(kb "$total_gz")" "$total_br" "$(kb "$total_br")" "$budget_kb"
printf 'size: first paint (%s): %d bytes gzip -9 (%s KB), %d bytes brotli (%s KB); budget %d KB gzip\n' \
  "${fp_list[*]}" "$fp_gz" "$(kb "$fp_gz")" "$fp_br" "$(kb "$fp_br")" "$first_paint_budget_kb"
awk -v t="$fp_gz" -v g="$goal_kb" 'BEGIN {
  d = t / 1024 - g
  if (d > 0) printf "size: first-paint goal %d KB gzip: over it by %.1f KB\n", g, d
  else printf "size: first-paint goal %d KB gzip: met, %.1f KB to spare\n", g, -d
}'
status=0
if [ "$total_gz" -gt $((budget_kb * 1024)) ]; then
  echo "size: the total load is over budget ($budget_kb KB)" >&2
  status=1
fi
if [ "$fp_gz" -gt $((first_paint_budget_kb * 1024)) ]; then
  echo "size: first paint is over budget ($first_paint_budget_kb KB)" >&2
  status=1
fi
exit $status
