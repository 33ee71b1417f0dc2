#!/bin/sh
# Sharded search (search/pagefind.h) against one whole index, after a
# rebuild that re-indexed a single shard: 100 synthetic portfolios (four
# shards), one entry edited with a word found nowhere else.
# usage: search_shards_test.sh CARTABLE PAGEFIND SOURCE_DIR
set -eu
CARTABLE=$1; PAGEFIND=$2; SRC=$3
T=$(mktemp -d "${TMPDIR:-/tmp}/cartable-shards-XXXXXX")
trap 'rm -rf "$T"' EXIT
python3 "$SRC/bench/generate.py" 100 3 "$T/g" >/dev/null
"$CARTABLE" build --source "$T/g/cartable" --out "$T/out" --pagefind "$PAGEFIND" 2>/dev/null
entry=$(find "$T/g/cartable/portfolios" -name '*.md' | sort | head -1)
printf '\nUn zythogale est passé par là.\n' >>"$entry"
"$CARTABLE" build --source "$T/g/cartable" --out "$T/out" --pagefind "$PAGEFIND" 2>/dev/null
# Only the edited portfolio's shard and the main bundle were indexed again:
# the other shards' bundles are older than the edit.
old=$(find "$T/.out.cartable/search" -mindepth 1 -maxdepth 1 -type d ! -newer "$entry" | wc -l)
[ "$old" -ge 2 ] || { echo "FAIL: only $old shard(s) kept their bundle"; exit 1; }
node "$SRC/tests/oracles/search_shards.mjs" "$PAGEFIND" "$T/out" 3 zythogale tablettes Camille "plan d'études"
