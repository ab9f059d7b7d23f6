#!/usr/bin/env bash
# Prints the compressed size of what a browser loads (gzip -9 of the built
# wasm, js, css and html in dist/) and fails above the budget.
#
# Two figures: the goal (220 KB, the UI issue's target) and the budget the
# check enforces. With the whole playground linked (engine, model, YAML,
# yew UI, editor) the page does not meet the goal yet; the budget is set
# just above the measured size so that growth fails the run, and is
# lowered as the page shrinks. The gap to the goal is printed every run.
# History: 360 KB with the playground; 385 with the tutorial and embeds;
# 395 with Korean for the interface and the trace sentences; 385 after
# fewer B-tree and sort copies in the model and the UI.
set -euo pipefail
cd "$(dirname "$0")/.."
goal_kb=220
budget_kb=${SIZE_BUDGET_KB:-385}
total=0
for f in dist/*.wasm dist/*.js dist/*.css dist/*.html; do
  [ -e "$f" ] || continue
  # Not part of the page's load: the embed script for other sites and the
  # embed demo page.
  case "$(basename "$f")" in embed.js|demo.html|demo.css) continue ;; esac
  raw=$(stat -c %s "$f")
  gz=$(gzip -9 -c "$f" | wc -c)
  total=$((total + gz))
  printf 'size: %-40s %8d bytes, %7d gzip -9\n' "$(basename "$f")" "$raw" "$gz"
done
printf 'size: total compressed load %d bytes (%.1f KB); budget %d KB\n' "$total" "$(awk -v t="$total" 'BEGIN { print t / 1024 }')" "$budget_kb"
awk -v t="$total" -v g="$goal_kb" 'BEGIN {
  d = t / 1024 - g
  if (d > 0) printf "size: goal %d KB: over it by %.1f KB\n", g, d
  else printf "size: goal %d KB: met, %.1f KB to spare\n", g, -d
}'
if [ "$total" -gt $((budget_kb * 1024)) ]; then
  echo "size: over budget" >&2
  exit 1
fi
