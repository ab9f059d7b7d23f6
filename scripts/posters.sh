#!/bin/sh
# Rewrites static/posters/: each preset drawn by `netlab draw` with its own
# request, light and dark, English and Korean (the embeds show them until
# the live widget loads), and the demo page's `netlab embed` lines and its
# Content-Security-Policy. tests/posters.rs fails when they are stale.
set -eu
cd "$(dirname "$0")/.."
NETLAB_UPDATE_POSTERS=1 cargo test --test posters -- --nocapture
