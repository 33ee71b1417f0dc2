#!/bin/sh
# The build cache at scale, as CI and the deploy hook use it: a build into
# a fixed folder, then a no-change rebuild, a rebuild after editing one
# entry (a new file in its place, as git writes it, then committed) and a
# second one (the idle copy then exists), then one as a CI run makes it and
# the next one, each in a new process; the result compared with a
# --no-cache build into an empty folder; then the gate's check with its
# cache (first, nothing changed, one entry changed) and one from scratch.
# The CI run: a fresh `git clone` of the pushed commit at the same path (new
# files, new times, git's index),
# then the output and its state folder restored as actions/cache restores
# them (tar, POSIX format: times kept, hard links kept, new folders and
# inodes). Each line: wall, CPU, peak RSS, and the load average (the
# machine may be shared).
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
state=$work/.out.cartable
. "$here/bench/common.sh"
[ -d "$site/.git" ] || { git -C "$site" init -q && git -C "$site" add -A && git -C "$site" commit -qm corpus; }
timed() {
  what=$1
  shift
  /usr/bin/time -f "$what: wall=%es user=%Us sys=%Ss rss=%MKB" "$@" >/dev/null 2>"$work/err" || { cat "$work/err"; exit 1; }
  tail -1 "$work/err"
  load_average
}
edit() { edit_entry "$site" "$1" "$2"; }
cd "$site"
timed "fresh build" "$bin" build --no-search --out "$out"
timed "no-change rebuild" "$bin" build --no-search --out "$out"
edit p00001 "edited once"
timed "one-entry rebuild (first: makes the idle copy)" "$bin" build --no-search --out "$out"
edit p00002 "edited twice"
timed "one-entry rebuild" "$bin" build --no-search --out "$out"
# As a CI run: the edit pushed, a fresh checkout of it (actions/checkout),
# then the site and its state folder restored from the cache (actions/cache
# runs tar); the build recognises the restored site (output.h) and git's
# index vouches for the sources (cache/git_index.h).
edit p00003 "after a CI restore"
cd "$work"
mv "$site" "$work/pushed" && git clone -q "$work/pushed" "$site"
mkdir "$work/restored" "$work/trash"
tar --posix -C "$work" -cf - "$(basename "$out")" "$(basename "$state")" | tar -C "$work/restored" -xf -
mv "$out" "$state" "$work/trash/" && mv "$work/restored/$(basename "$out")" "$work/restored/$(basename "$state")" "$work/"
sync
cd "$site"
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
# The gate's check of a push (`check --cache`), against one from scratch.
timed "check with its cache, first (fills it)" "$bin" check --cache "$work/check-cache"
timed "check with its cache, nothing changed" "$bin" check --cache "$work/check-cache"
edit p00005 "checked"
timed "check with its cache, one entry changed" "$bin" check --cache "$work/check-cache"
timed "check from scratch" "$bin" check
cd /
rm -rf "$work"  # the state folders (.out.cartable, .full.cartable) are inside
