#!/bin/sh
# Byte-identity of a behaviour-preserving change (issue 14): builds the
# default site and a generated site of N participants x M entries
# (bench/generate.py, 200 x 20 by default) with an old and a new cartable,
# in both audiences, SOURCE_DATE_EPOCH fixed and without search, then
# compares each pair of outputs with diff -r.
#
# usage: bench/identity.sh OLD [NEW] [PARTICIPANTS] [ENTRIES]
#   OLD  a git revision: its tree is exported (git archive) and its cartable
#        built there; the old side then builds that tree's sources (site,
#        theme, generate.py), as the previous release would have;
#        or a cartable executable: both sides build this checkout's sources.
#   NEW  a cartable executable (default build/cartable), on this checkout's
#        sources.
# Exit status 0 when every pair is identical, 1 when one differs (the first
# lines of diff -r are printed). Everything is written in one temporary
# folder (under $TMPDIR), removed on exit.
#
# e.g. bench/identity.sh main                  (main before your change)
#      bench/identity.sh /tmp/old/cartable build/cartable 200 20
set -eu
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { sed -n '2,20s/^# \{0,1\}//p' "$0"; exit 2; }
OLD=$1; NEW=${2:-build/cartable}; N=${3:-200}; M=${4:-20}
NEW_TREE=$PWD
case $NEW in /*) ;; *) NEW=$PWD/$NEW ;; esac
[ -x "$NEW" ] || { echo "identity: no executable $NEW (cmake --build build --target cartable)"; exit 2; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/cartable-identity.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM

if [ -x "$OLD" ] && [ -f "$OLD" ]; then
  case $OLD in /*) ;; *) OLD=$PWD/$OLD ;; esac
  OLD_TREE=$NEW_TREE
  echo "identity: old = $OLD, on this checkout's sources"
else
  REV=$(git rev-parse --verify --quiet "$OLD^{commit}") || { echo "identity: '$OLD' is neither an executable nor a git revision"; exit 2; }
  OLD_TREE=$WORK/old-tree
  echo "identity: old = $(git log -1 --format='%h %s' "$REV" | cut -c1-72), built in $OLD_TREE"
  mkdir "$OLD_TREE"
  git archive "$REV" | tar -x -C "$OLD_TREE"
  LAUNCHER=
  command -v ccache >/dev/null && LAUNCHER=-DCMAKE_CXX_COMPILER_LAUNCHER=ccache
  cmake -S "$OLD_TREE" -B "$OLD_TREE/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo $LAUNCHER >"$WORK/old-cmake.log" 2>&1 ||
    { tail -20 "$WORK/old-cmake.log"; exit 2; }
  cmake --build "$OLD_TREE/build" --target cartable -j"${IDENTITY_JOBS:-2}" >"$WORK/old-build.log" 2>&1 ||
    { tail -20 "$WORK/old-build.log"; exit 2; }
  OLD=$OLD_TREE/build/cartable
fi
echo "identity: new = $NEW"

# The generated site, from each side's own generate.py (it copies that
# tree's site.yaml, content/ and themes/).
/usr/bin/python3 "$NEW_TREE/bench/generate.py" "$N" "$M" "$WORK/bench-new" >/dev/null
rm -rf "$WORK/bench-new/hugo"
if [ "$OLD_TREE" = "$NEW_TREE" ]; then
  BENCH_OLD=$WORK/bench-new
else
  /usr/bin/python3 "$OLD_TREE/bench/generate.py" "$N" "$M" "$WORK/bench-old" >/dev/null
  rm -rf "$WORK/bench-old/hugo"
  BENCH_OLD=$WORK/bench-old
fi

build() {  # executable, source folder, output folder, audience
  SOURCE_DATE_EPOCH=1800000000 CARTABLE_LANG=en "$1" build --source "$2" --out "$3" --no-search --audience "$4" \
    >"$3.log" 2>&1 || { echo "identity: $1 failed on $2 ($4):"; tail -20 "$3.log"; exit 2; }
}

status=0
for site in default bench; do
  if [ $site = default ]; then old_src=$OLD_TREE; new_src=$NEW_TREE; else old_src=$BENCH_OLD/cartable; new_src=$WORK/bench-new/cartable; fi
  for audience in public experts; do
    mkdir -p "$WORK/old" "$WORK/new"
    build "$OLD" "$old_src" "$WORK/old/$site-$audience" $audience
    build "$NEW" "$new_src" "$WORK/new/$site-$audience" $audience
    files=$(find "$WORK/new/$site-$audience" -type f | wc -l)
    if diff -r "$WORK/old/$site-$audience" "$WORK/new/$site-$audience" >"$WORK/diff" 2>&1; then
      echo "identity: $site site ($audience): $files files, identical"
    else
      echo "identity: $site site ($audience): DIFFERS"
      head -20 "$WORK/diff"
      status=1
    fi
    # A site's two outputs at a time: the 200 x 20 one is large.
    rm -rf "$WORK/old" "$WORK/new"
  done
done
[ $status = 0 ] && echo "identity: every output byte-identical ($N x $M bench site and the default site, both audiences)"
exit $status
