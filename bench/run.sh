#!/bin/sh
# Measures what users do, on N participants x M entries, beside Hugo on the
# same text (bench/generate.py writes both sites):
#   full      cartable --no-cache and Hugo rebuilding into the same output
#             folder, alternating, RUNS each (as CI and the HEP's hook do);
#   nochange  cartable rebuilding with nothing changed;
#   oneentry  cartable rebuilding after one entry was edited;
#   search-*  a full build (--no-cache) and the same two with Pagefind,
#             when it is available;
# then the cmark-gfm floor. Prints medians (wall, CPU, peak RSS) and the
# ratios, and checks that every rebuild left exactly what a full build into
# an empty folder writes (diff -r).
#
# usage: bench/run.sh [PARTICIPANTS] [ENTRIES] [RUNS]     (default 500 20 3)
# BENCH_DIR: where the sites are generated; BENCH_OUT: where outputs go
# (default BENCH_DIR/out; /dev/shm/x takes the disk out of the comparison).
# BENCH_PAGEFIND: Pagefind executable (default scripts/node_modules/.bin/pagefind;
# "none" skips the search runs).
# Needs: build/cartable and build/bench/cmark_floor (scripts/build), hugo
# (apt-get install hugo), GNU time (apt-get install time).
set -eu
cd "$(dirname "$0")/.."
N=${1:-500}; M=${2:-20}; RUNS=${3:-3}
WORK=${BENCH_DIR:-/tmp/cartable-bench-$N-$M}
command -v hugo >/dev/null || { echo "bench: hugo is missing (apt-get install hugo)"; exit 1; }
[ -x /usr/bin/time ] || { echo "bench: GNU time is missing (apt-get install time)"; exit 1; }
cmake --build build --target cartable cmark_floor >/dev/null || { echo "bench: cmake --build build failed"; exit 1; }
PAGEFIND=${BENCH_PAGEFIND:-$PWD/scripts/node_modules/.bin/pagefind}
[ "$PAGEFIND" = none ] || [ -x "$PAGEFIND" ] || PAGEFIND=none
echo "bench: generating $N participants x $M entries in $WORK"
/usr/bin/python3 bench/generate.py "$N" "$M" "$WORK"
SRC=$WORK/cartable
# A copy of the binary: rebuilding build/ during a run would change it (and
# its identity invalidates the build cache).
CARTABLE=${BENCH_CARTABLE:-$WORK/cartable-bin}
[ -n "${BENCH_CARTABLE:-}" ] || cp build/cartable "$CARTABLE"

measure() {  # name, command...: appends "wall cpu rss" to $WORK/name.times
  name=$1; shift
  /usr/bin/time -f "%e %U %S %M" -o "$WORK/$name.one" "$@" >/dev/null 2>"$WORK/$name.log" || {
    echo "bench: $name failed:"; tail -5 "$WORK/$name.log"; exit 1; }
  awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }' "$WORK/$name.one" >>"$WORK/$name.times"
}
median() {  # file, column
  sort -n -k"$2" "$1" | awk -v c="$2" '{ v[NR] = $c } END { print v[int((NR + 1) / 2)] }'
}
report() {  # name, label
  printf '%-22s wall %6ss  cpu %6ss  peak RSS %7s MB\n' "$2" \
    "$(median "$WORK/$1.times" 1)" "$(median "$WORK/$1.times" 2)" "$(( $(median "$WORK/$1.times" 3) / 1024 ))"
}
# The entry every one-entry rebuild edits: the first participant's first entry.
ENTRY=$(find "$SRC/portfolios" -name '*.md' | sort | head -1)
edit_entry() {  # run number: a new sentence in the entry's body
  printf '\nModification %s du banc d'"'"'essai.\n' "$1" >>"$ENTRY"
}
# The rebuilt folder must hold exactly what a full build into an empty one writes.
same_as_full() {  # output folder, extra build options
  rm -rf "$OUT/reference" "$OUT/.reference.cartable"
  "$CARTABLE" build --source "$SRC" --out "$OUT/reference" --no-cache $2 >/dev/null 2>&1
  if diff -r "$1" "$OUT/reference" >/dev/null; then echo "  $1: byte-identical to a full build"
  else echo "bench: $1 differs from a full build"; diff -rq "$1" "$OUT/reference" | head -5; exit 1; fi
}

rm -f "$WORK"/*.times
# On a shared machine wall times measure the share of the cores a program
# got: the load at the start and at the end say how shared they were.
LOAD_START=$(uptime | sed 's/.*load/load/')
OUT=${BENCH_OUT:-$WORK/out}
rm -rf "$OUT"
mkdir -p "$OUT"
# Warm-up: the first build creates the output folder, the second its idle copy.
"$CARTABLE" build --source "$SRC" --out "$OUT/cartable" --no-search >/dev/null 2>&1
"$CARTABLE" build --source "$SRC" --out "$OUT/cartable" --no-search >/dev/null 2>&1
hugo --source "$WORK/hugo" --destination "$OUT/hugo" --quiet >/dev/null
i=0
while [ $i -lt "$RUNS" ]; do
  measure cartable "$CARTABLE" build --source "$SRC" --out "$OUT/cartable" --no-search --no-cache
  measure hugo hugo --source "$WORK/hugo" --destination "$OUT/hugo" --quiet
  measure floor ./build/bench/cmark_floor "$SRC/portfolios"
  i=$((i + 1))
done
i=0
while [ $i -lt "$RUNS" ]; do
  measure nochange "$CARTABLE" build --source "$SRC" --out "$OUT/cartable" --no-search
  edit_entry "$i"
  measure oneentry "$CARTABLE" build --source "$SRC" --out "$OUT/cartable" --no-search
  i=$((i + 1))
done
same_as_full "$OUT/cartable" --no-search
if [ "$PAGEFIND" != none ]; then
  measure search-full "$CARTABLE" build --source "$SRC" --out "$OUT/search" --pagefind "$PAGEFIND" --no-cache
  measure search-full "$CARTABLE" build --source "$SRC" --out "$OUT/search" --pagefind "$PAGEFIND" --no-cache
  i=0
  while [ $i -lt "$RUNS" ]; do
    measure search-nochange "$CARTABLE" build --source "$SRC" --out "$OUT/search" --pagefind "$PAGEFIND"
    edit_entry "search-$i"
    measure search-oneentry "$CARTABLE" build --source "$SRC" --out "$OUT/search" --pagefind "$PAGEFIND"
    i=$((i + 1))
  done
  same_as_full "$OUT/search" "--pagefind $PAGEFIND"
fi

pages=$(find "$OUT/cartable" -name '*.html' | wc -l)
echo "cartable: $pages pages; hugo: $(find "$OUT/hugo" -name '*.html' | wc -l) pages; machine: $LOAD_START at the start, $(uptime | sed 's/.*load/load/') at the end"
report cartable "cartable full"
report hugo "hugo full"
report floor "cmark-gfm floor"
report nochange "cartable no change"
report oneentry "cartable one entry"
if [ "$PAGEFIND" != none ]; then
  report search-full "search full"
  report search-nochange "search no change"
  report search-oneentry "search one entry"
fi
awk -v cw="$(median "$WORK/cartable.times" 1)" -v hw="$(median "$WORK/hugo.times" 1)" \
    -v cc="$(median "$WORK/cartable.times" 2)" -v hc="$(median "$WORK/hugo.times" 2)" \
    -v cr="$(median "$WORK/cartable.times" 3)" -v hr="$(median "$WORK/hugo.times" 3)" \
    -v fw="$(median "$WORK/floor.times" 1)" 'BEGIN {
  printf "hugo / cartable wall: %.1fx   hugo / cartable CPU: %.1fx   cartable / hugo peak RSS: %.2f   cartable / cmark floor wall: %.1fx\n",
    hw / cw, (cc > 0 ? hc / cc : 0), cr / hr, (fw > 0 ? cw / fw : 0) }'
awk -v hw="$(median "$WORK/hugo.times" 1)" -v nw="$(median "$WORK/nochange.times" 1)" \
    -v ow="$(median "$WORK/oneentry.times" 1)" 'BEGIN {
  printf "hugo full / cartable no change: %.1fx   hugo full / cartable one entry: %.1fx\n",
    (nw > 0 ? hw / nw : 0), (ow > 0 ? hw / ow : 0) }'
# The build cache's disk cost: the state folder holds the idle copy and manifests.
# du counts a file once per invocation: the idle copy's pages are mostly hard links to the site's.
echo "disk: site $(du -sm "$OUT/cartable" | cut -f1) MB, site and state folder together $(du -smc "$OUT/cartable" "$OUT/.cartable.cartable" | tail -1 | cut -f1) MB"
rm -rf "$OUT"
