#!/bin/sh
# Builds the same synthetic portfolios with cartable and with Hugo, in one
# run, alternating, and prints wall time, CPU time and peak RSS (medians of
# RUNS runs) and the ratios; then the cmark-gfm floor.
#
# usage: bench/run.sh [PARTICIPANTS] [ENTRIES] [RUNS]     (default 500 20 3)
# BENCH_DIR: where the sites are generated; BENCH_OUT: where outputs go
# (default BENCH_DIR/out; /dev/shm/x takes the disk out of the comparison).
# Needs: build/cartable and build/bench/cmark_floor (scripts/build), hugo
# (apt-get install hugo), GNU time (apt-get install time).
set -eu
cd "$(dirname "$0")/.."
N=${1:-500}; M=${2:-20}; RUNS=${3:-3}
WORK=${BENCH_DIR:-/tmp/cartable-bench-$N-$M}
command -v hugo >/dev/null || { echo "bench: hugo is missing (apt-get install hugo)"; exit 1; }
[ -x /usr/bin/time ] || { echo "bench: GNU time is missing (apt-get install time)"; exit 1; }
cmake --build build --target cartable cmark_floor >/dev/null
echo "bench: generating $N participants x $M entries in $WORK"
/usr/bin/python3 bench/generate.py "$N" "$M" "$WORK"

measure() {  # name, command...: appends "wall cpu rss" to $WORK/name.times
  name=$1; shift
  /usr/bin/time -f "%e %U %S %M" -o "$WORK/$name.one" "$@" >/dev/null 2>"$WORK/$name.log" || {
    echo "bench: $name failed:"; tail -5 "$WORK/$name.log"; exit 1; }
  awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }' "$WORK/$name.one" >>"$WORK/$name.times"
}
rm -f "$WORK"/*.times
# Each run writes into a new folder, and old outputs are deleted only after
# the last run: on ext4 without a journal, creating files just after tens of
# thousands were deleted is slow (the kernel skips recently freed inodes one
# by one), which would charge our own clean-up to whichever tool runs next.
OUT=${BENCH_OUT:-$WORK/out}
rm -rf "$OUT" "$WORK/out-cartable" "$WORK/out-hugo"
mkdir -p "$OUT"
i=0
while [ $i -lt "$RUNS" ]; do
  measure cartable ./build/cartable build --source "$WORK/cartable" --out "$OUT/cartable-$i" --no-search
  measure hugo hugo --source "$WORK/hugo" --destination "$OUT/hugo-$i" --quiet
  measure floor ./build/bench/cmark_floor "$WORK/cartable/portfolios"
  i=$((i + 1))
done

median() {  # file, column
  sort -n -k"$2" "$1" | awk -v c="$2" '{ v[NR] = $c } END { print v[int((NR + 1) / 2)] }'
}
for tool in cartable hugo floor; do
  printf '%-9s wall %6ss  cpu %6ss  peak RSS %7s MB  (%s pages)\n' "$tool" \
    "$(median "$WORK/$tool.times" 1)" "$(median "$WORK/$tool.times" 2)" \
    "$(( $(median "$WORK/$tool.times" 3) / 1024 ))" \
    "$( [ $tool = floor ] && echo "-" || find "$OUT/$tool-0" -name '*.html' | wc -l)"
done
awk -v cw="$(median "$WORK/cartable.times" 1)" -v hw="$(median "$WORK/hugo.times" 1)" \
    -v cr="$(median "$WORK/cartable.times" 3)" -v hr="$(median "$WORK/hugo.times" 3)" \
    -v fw="$(median "$WORK/floor.times" 1)" 'BEGIN {
  printf "hugo / cartable wall: %.1fx   cartable / hugo peak RSS: %.2f   cartable / cmark floor wall: %.1fx\n",
    hw / cw, cr / hr, cw / fw }'
rm -rf "$OUT"
