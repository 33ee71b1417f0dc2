#!/bin/sh
# End to end with real git: a bare repository with scripts/post-receive, a
# good push published, a broken push refused with the diagnostics while the
# live site stays byte for byte, two deploys at once leaving a consistent site.
#
# usage: tests/deploy_test.sh CARTABLE_BIN SOURCE_DIR
set -u
BIN=$1; SRC=$2
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
export GIT_AUTHOR_NAME=Test GIT_AUTHOR_EMAIL=t@example.org GIT_COMMITTER_NAME=Test GIT_COMMITTER_EMAIL=t@example.org
export CARTABLE_PAGEFIND=/nonexistent  # no search index: faster, and not what is tested here
passed=0; failed=0
ok() { passed=$((passed + 1)); echo "ok - $1"; }
fail() { failed=$((failed + 1)); echo "not ok - $1"; }
check() { if eval "$2"; then ok "$1"; else fail "$1"; fi; }
tree_hash() { (cd "$1" && find . -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1); }

git init -q --bare -b main "$T/hub.git"
cp "$SRC/scripts/post-receive" "$T/hub.git/hooks/post-receive"
git -C "$T/hub.git" config cartable.deploy-dir "$T/www"
git -C "$T/hub.git" config cartable.bin "$BIN"
git -C "$T/hub.git" config cartable.keep 3

git clone -q "$T/hub.git" "$T/work" 2>/dev/null
for item in site.yaml content themes portfolios; do cp -r "$SRC/$item" "$T/work/"; done
(cd "$T/work" && git add -A && git commit -qm "Programme" && git push -q origin main) >"$T/push1.log" 2>&1
check "a good push is published" "grep -q 'cartable: published' '$T/push1.log'"
check "the live site is the build" "[ -f '$T/www/current/public/index.html' ] && [ -f '$T/www/current/public/calendrier.ics' ]"
check "current is a symlink into releases/" "[ -L '$T/www/current' ] && readlink '$T/www/current' | grep -q '^releases/'"
live=$(readlink "$T/www/current"); before=$(tree_hash "$T/www/current/public")

sed -i 's|  - rc-num-so/3.1$|  - rc-num-so/3.2|' "$T/work/portfolios/luca-ferrari/atelier-robots.md"
(cd "$T/work" && git commit -qam "Typo" && git push -q origin main) >"$T/push2.log" 2>&1
check "a broken push shows the error to the pusher" \
  "grep -q \"portfolios/luca-ferrari/atelier-robots.md:[0-9]*:[0-9]*: error: unknown competency 'rc-num-so/3.2'\" '$T/push2.log'"
check "and its hint" "grep -q 'did you mean rc-num-so/3.1?' '$T/push2.log'"
check "and says the site was not updated" "grep -q 'NOT updated' '$T/push2.log'"
check "the live site is byte for byte the same" "[ '$(readlink "$T/www/current")' = '$live' ] && [ \"\$(tree_hash '$T/www/current/public')\" = '$before' ]"

sed -i 's|  - rc-num-so/3.2$|  - rc-num-so/3.1|' "$T/work/portfolios/luca-ferrari/atelier-robots.md"
sed -i 's|^title: Atelier robots pour les collègues de 3-4H|title: Atelier robots, deuxième édition|' "$T/work/portfolios/luca-ferrari/atelier-robots.md"
(cd "$T/work" && git commit -qam "Fix" && git push -q origin main) >"$T/push3.log" 2>&1
check "the fix is published" "grep -q 'deuxième édition' '$T/www/current/public/portfolios/luca-ferrari/atelier-robots/index.html'"

# Two deploys at once (as two pushes arriving together): the lock serialises
# them and the live site is one complete release of the tip.
tip=$(git -C "$T/hub.git" rev-parse main)
(cd "$T/hub.git" && echo "0 $tip refs/heads/main" | GIT_DIR=. hooks/post-receive >"$T/a.log" 2>&1) &
(cd "$T/hub.git" && echo "0 $tip refs/heads/main" | GIT_DIR=. hooks/post-receive >"$T/b.log" 2>&1) &
wait
check "both concurrent deploys succeeded" "grep -q published '$T/a.log' && grep -q published '$T/b.log'"
"$BIN" build --source "$T/work" --out "$T/fresh" --no-search >/dev/null 2>&1
check "the live site equals a fresh build of the tip" "[ \"\$(tree_hash '$T/www/current/public')\" = \"\$(tree_hash '$T/fresh')\" ]"
check "no more than cartable.keep releases are kept" "[ \$(ls '$T/www/releases' | wc -l) -le 3 ]"
check "no staging folder is left behind" "! ls -a '$T/www/releases'/*/ | grep -q '^\.public\.tmp-'"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
