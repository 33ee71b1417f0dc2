#!/bin/sh
# The build cache at scale, as CI and the deploy hook use it: a build into
# a fixed folder, then a no-change rebuild, a rebuild after editing one
# entry (a new file in its place, as git writes it) and a second one (the
# idle copy then exists), then one as a CI run makes it (fresh checkout,
# site restored from the cache) and the next one, each in a new process;
# the result compared with a --no-cache build into an empty folder. Each
# line: wall, CPU, peak RSS, and the load average (the machine may be
# shared).
#
# usage: bench/cache-rebuild.sh N M WORK_DIR   (e.g. 25000 20 /tmp/b25k-cache)
# WORK_DIR is removed at the end; WORK_DIR/cartable is reused if present.
set -eu
n=$1 m=$2 work=$3
here=$(cd "$(dirname "$0")/.." && pwd)
bin=${CARTABLE:-$here/build/cartable}
[ -d "$work/cartable" ] || python3 "$here/bench/generate.py" "$n" "$m" "$work"
rm -rf "$work/hugo"
site=$work/cartable out=$work/out full=$work/full
timed() {
  what=$1
  shift
  /usr/bin/time -f "$what: wall=%es user=%Us sys=%Ss rss=%MKB" "$@" >/dev/null 2>"$work/err" || { cat "$work/err"; exit 1; }
  tail -1 "$work/err"
  echo "  load average: $(cut -d' ' -f1-3 /proc/loadavg)"
}
edit() {
  f=$site/portfolios/$1/e000.md
  sed "s/^## Contexte/## Contexte ($2)/" "$f" >"$f.new" && mv "$f.new" "$f"
}
cd "$site"
timed "fresh build" "$bin" build --no-search --out "$out"
timed "no-change rebuild" "$bin" build --no-search --out "$out"
edit p00001 "edited once"
timed "one-entry rebuild (first: makes the idle copy)" "$bin" build --no-search --out "$out"
edit p00002 "edited twice"
timed "one-entry rebuild" "$bin" build --no-search --out "$out"
# As a CI run: a fresh checkout (new files, new times) and the output with
# its state folder restored from the CI cache (new folders, times kept, as
# tar keeps them); the build recognises the restored site (output.h).
cd "$work"
mv "$site" "$site.old" && cp -r "$site.old" "$site" && rm -rf "$site.old"
state=$(dirname "$out")/.$(basename "$out").cartable
for d in "$out" "$state"; do cp -a "$d" "$d.restored" && rm -rf "$d" && mv "$d.restored" "$d"; done
cd "$site"
edit p00003 "after a CI restore"
timed "one-entry rebuild (CI: fresh checkout, site restored from the cache)" "$bin" build --no-search --out "$out"
edit p00004 "in the same checkout"
timed "one-entry rebuild (the next one in that checkout)" "$bin" build --no-search --out "$out"
timed "full build (--no-cache, empty folder)" "$bin" build --no-search --no-cache --out "$full"
if diff -r "$out" "$full" >/dev/null; then
  echo "identical to the full build"
else
  echo "DIFFERENT from the full build"
  exit 1
fi
cd /
rm -rf "$work"  # the state folders (.out.cartable, .full.cartable) are inside
