#!/bin/sh
# A push at scale, end to end, as the HEP's server takes it: a bare
# repository carrying scripts/pre-receive and scripts/post-receive (the gate
# checks each audience with its cache, the deploy builds each audience into
# its fixed folder and publishes them together), fed N participants x M
# entries (bench/generate.py). Each line is one `git push`, timed from the
# pusher's side (the hooks run inside it): the first push (everything is
# checked and built), a push of one entry edited (the first such one also
# makes each audience's idle copy), another, and a push the gate refuses (an
# unknown competency). The live site is compared with a `--no-cache` build
# of the same commit after the last accepted push.
#
# usage: bench/push.sh N M WORK_DIR [AUDIENCES]   (e.g. 25000 20 /tmp/push25k)
# AUDIENCES: "public experts" by default. WORK_DIR is removed at the end.
set -eu
n=$1 m=$2 work=$3 audiences=${4:-public experts}
here=$(cd "$(dirname "$0")/.." && pwd)
bin=$(realpath "${CARTABLE:-$here/build/cartable}")  # the hooks take only an absolute path
[ -d "$work/cartable" ] || python3 "$here/bench/generate.py" "$n" "$m" "$work"
rm -rf "$work/hugo"
site=$work/cartable hub=$work/hub.git www=$work/www
. "$here/bench/common.sh"
git init -q --bare -b main "$hub"
cp "$here/scripts/pre-receive" "$here/scripts/post-receive" "$here/scripts/cartable-hook.sh" "$hub/hooks/"
git -C "$hub" config cartable.deploy-dir "$www"
git -C "$hub" config cartable.bin "$bin"
git -C "$hub" config cartable.pagefind /nonexistent/pagefind  # no search: Pagefind is measured by bench/run.sh
git -C "$hub" config cartable.audiences "$audiences"
git -C "$hub" config cartable.write-scope false  # staff only: the write scope is not what is measured
[ -d "$site/.git" ] || { git -C "$site" init -q -b main && git -C "$site" add -A && git -C "$site" commit -qm corpus; }
git -C "$site" remote add origin "$hub" 2>/dev/null || true
pushed() {
  what=$1
  /usr/bin/time -f "$what: wall=%es user=%Us sys=%Ss" git -C "$site" push -q origin main 2>"$work/err" && status=0 || status=$?
  tail -1 "$work/err"
  echo "  exit $status; the hooks said: $(grep -oE 'cartable : (publié|poussée REFUSÉE)[^(:]*' "$work/err" | tail -1)"
  load_average
}
edit() { edit_entry "$site" "$1" "$2"; }
pushed "first push (everything checked and built)"
edit p00001 "edited once"
pushed "one entry (the first: makes the idle copies)"
edit p00002 "edited twice"
pushed "one entry"
edit p00003 "edited three times"
pushed "one entry (again)"
sed -i 's|^competencies: \[rc-num-so/|competencies: [rc-num-so/9.|' "$site/portfolios/p00004/e000.md"
git -C "$site" commit -qam "unknown competency"
pushed "refused (an unknown competency)"
git -C "$site" reset -q --hard HEAD~1
rm -rf "$work/full" "$work/.full.cartable"
for audience in $audiences; do
  (cd "$www/.source" && "$bin" build --no-search --no-cache --audience "$audience" --out "$work/full/$audience" >/dev/null 2>&1)
  if diff -r "$www/current/$audience" "$work/full/$audience" >/dev/null; then
    echo "$audience: the live site is identical to a full build"
  else
    echo "$audience: the live site DIFFERS from a full build"
    exit 1
  fi
done
cd /
rm -rf "$work"
