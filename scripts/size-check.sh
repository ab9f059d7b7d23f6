#!/usr/bin/env bash
# Prints the compressed size of what a browser loads (gzip -9 of the built
# wasm, js, css and html in dist/) and fails above the budget.
set -euo pipefail
cd "$(dirname "$0")/.."
budget_kb=${SIZE_BUDGET_KB:-220}
total=0
for f in dist/*.wasm dist/*.js dist/*.css dist/*.html; do
  [ -e "$f" ] || continue
  raw=$(stat -c %s "$f")
  gz=$(gzip -9 -c "$f" | wc -c)
  total=$((total + gz))
  printf 'size: %-40s %8d bytes, %7d gzip -9\n' "$(basename "$f")" "$raw" "$gz"
done
printf 'size: total compressed load %d bytes (%.1f KB); budget %d KB\n' "$total" "$(awk -v t="$total" 'BEGIN { print t / 1024 }')" "$budget_kb"
if [ "$total" -gt $((budget_kb * 1024)) ]; then
  echo "size: over budget" >&2
  exit 1
fi
