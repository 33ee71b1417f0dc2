#!/bin/sh
# End to end with real git: a bare repository carrying scripts/pre-receive,
# scripts/post-receive and scripts/cartable-hook.sh. A broken push is refused
# (`! [remote rejected]`, non-zero exit, main and the live site unchanged,
# the diagnostic shown); each participant writes only their own portfolio;
# staff write everything; a session moved without history is refused against
# the live feed; nothing from the pushed tree runs; the site is built in a
# fixed folder whose build cache serves the next push; a failed or killed
# redeploy leaves the live site intact; two deploys at once leave a
# consistent site; an old releases/ layout is taken over; two audiences are
# published together or not at all.
#
# usage: tests/deploy_test.sh CARTABLE_BIN SOURCE_DIR
set -u
BIN=$1; SRC=$2
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
export GIT_AUTHOR_NAME=Test GIT_AUTHOR_EMAIL=t@example.org GIT_COMMITTER_NAME=Test GIT_COMMITTER_EMAIL=t@example.org
unset GL_USER GITEA_PUSHER_NAME GL_USERNAME CARTABLE_PUSHER
passed=0; failed=0
ok() { passed=$((passed + 1)); echo "ok - $1"; }
fail() { failed=$((failed + 1)); echo "not ok - $1"; }
check() { if eval "$2"; then ok "$1"; else fail "$1"; fi; }
tree_hash() { (cd "$1" && find . -type f -print0 | sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1); }
hub_main() { git -C "$T/hub.git" rev-parse main; }
# push AS LOG: commit what is staged in the work copy and push as user AS.
push() { (cd "$T/work" && git commit -qam "$3" && GL_USER=$1 git push origin main) >"$T/$2.log" 2>&1; }
undo() { (cd "$T/work" && git reset -q --hard origin/main); }

git init -q --bare -b main "$T/hub.git"
for hook in pre-receive post-receive cartable-hook.sh; do cp "$SRC/scripts/$hook" "$T/hub.git/hooks/"; done
git -C "$T/hub.git" config cartable.deploy-dir "$T/www"
git -C "$T/hub.git" config cartable.bin "$BIN"
git -C "$T/hub.git" config cartable.pagefind /nonexistent/pagefind  # the server has none

git clone -q "$T/hub.git" "$T/work" 2>/dev/null
for item in site.yaml content themes portfolios; do cp -r "$SRC/$item" "$T/work/"; done
printf 'publishing:\n  staff: [coord]\n  trainers: [formatrice]\n  trainer_paths: [content/assessments/]\n' >>"$T/work/site.yaml"
sed -i '1a owners: [luca]' "$T/work/portfolios/luca-ferrari/portfolio.yaml"
sed -i '1a owners: [camille]' "$T/work/portfolios/camille-rochat/portfolio.yaml"
# A trap for the hook: programs a build might look for in the tree.
mkdir -p "$T/work/scripts/node_modules/.bin"
printf '#!/bin/sh\ntouch %s/EXECUTED\n' "$T" >"$T/work/scripts/node_modules/.bin/pagefind"
cp "$T/work/scripts/node_modules/.bin/pagefind" "$T/work/cartable"
chmod +x "$T/work/scripts/node_modules/.bin/pagefind" "$T/work/cartable"
# The layout of earlier versions: a release folder per push, `current` on the
# newest. The first deploy takes it over.
mkdir -p "$T/www/releases/20260101000000-old/public" && echo old >"$T/www/releases/20260101000000-old/public/index.html"
ln -s releases/20260101000000-old "$T/www/current"
(cd "$T/work" && git add -A && git add -f scripts && git commit -qm "Programme" && GL_USER=coord PATH=".:$PATH" git push origin main) >"$T/push1.log" 2>&1
check "a good push by staff is published" "grep -q 'cartable : publié' '$T/push1.log'"
check "the live site is the build" "[ -f '$T/www/current/public/index.html' ] && [ -f '$T/www/current/public/calendrier.ics' ]"
check "current is a symlink to the fixed site/ folder" "[ -L '$T/www/current' ] && [ \"\$(readlink '$T/www/current')\" = site ]"
check "the old releases/ folder is gone" "[ ! -e '$T/www/releases' ]"
check "the build cache sits beside the live folder, closed to others" "[ \"\$(stat -c %a '$T/www/site/.public.cartable')\" = 700 ]"
check "the kept checkout is closed to others" "[ \"\$(stat -c %a '$T/www/.source')\" = 700 ]"
check "the gate's kept checkout is closed to others" "[ \"\$(stat -c %a '$T/www/.gate')\" = 700 ]"
check "the gate's check keeps its cache for the next push, closed to others" \
  "[ \"\$(stat -c %a '$T/www/.gate-cache')\" = 700 ] && [ \"\$(stat -c %a '$T/www/.gate-cache/public')\" = 700 ] && [ -s '$T/www/.gate-cache/public/inputs' ]"
check "the push output says the site has no search" "grep -q 'publié SANS recherche' '$T/push1.log'"
check "nothing from the pushed tree was executed" "[ ! -e '$T/EXECUTED' ]"
live=$(readlink "$T/www/current"); before=$(tree_hash "$T/www/current/public"); main_before=$(hub_main)

sed -i 's|  - rc-num-so/3.1$|  - rc-num-so/3.2|' "$T/work/portfolios/luca-ferrari/atelier-robots.md"
push luca broken "Typo"; code=$?
check "a broken push exits non-zero" "[ $code -ne 0 ]"
check "git reports it rejected" "grep -q '! \[remote rejected\] *main -> main' '$T/broken.log'"
check "the pusher sees the diagnostic" \
  "grep -q \"portfolios/luca-ferrari/atelier-robots.md:[0-9]*:[0-9]*: erreur : compétence inconnue « rc-num-so/3.2 »\" '$T/broken.log'"
check "and its hint, in the site's language (the hook runs under env -i)" "grep -q 'conseil : vouliez-vous dire rc-num-so/3.1 ?' '$T/broken.log'"
check "and that the push is refused" "grep -q 'poussée REFUSÉE' '$T/broken.log'"
check "the bare repository's main is unchanged" "[ \"\$(hub_main)\" = '$main_before' ]"
check "the live site is byte for byte the same" "[ '$(readlink "$T/www/current")' = '$live' ] && [ \"\$(tree_hash '$T/www/current/public')\" = '$before' ]"
undo

sed -i 's|^title: Atelier robots pour les collègues de 3-4H|title: Atelier robots, deuxième édition|' "$T/work/portfolios/luca-ferrari/atelier-robots.md"
push luca own "Own entry"; code=$?
check "GL_USER=luca pushing his own entry succeeds" "[ $code -eq 0 ]"
check "and publishes it" "grep -q 'deuxième édition' '$T/www/current/public/portfolios/luca-ferrari/atelier-robots/index.html'"

for target in portfolios/camille-rochat/prevention.md content/programme.md site.yaml; do
  echo "<!-- luca -->" >>"$T/work/$target"
  main_before=$(hub_main)
  log=other-$(basename "$target"); push luca "$log" "Touch $target"; code=$?
  check "luca touching $target is refused" "[ $code -ne 0 ] && [ \"\$(hub_main)\" = '$main_before' ]"
  check "the refusal names $target and the rule" "grep -q 'cartable : $target : .*\\(owners:\\|publishing.staff\\)' '$T/$log.log'"
  undo
done
check "a refusal says whose portfolio it is" "grep -q 'appartient à « camille »' '$T/other-prevention.md.log'"

echo "<!-- coord -->" >>"$T/work/portfolios/camille-rochat/prevention.md"
echo "Mise à jour." >>"$T/work/content/programme.md"
push coord staff "Staff edits"; code=$?
check "staff may write content/ and any portfolio" "[ $code -eq 0 ] && grep -q 'cartable : publié' '$T/staff.log'"

# The calendar subscribers have is the reference: a session moved without a
# history entry is refused; with one, published, saying where it was.
sed -i 's|start: 2027-09-15 13:30|start: 2027-09-15 14:00|' "$T/work/content/calendar.yaml"
main_before=$(hub_main)
push coord moved "Silent move"; code=$?
check "a session moved without history is refused" "[ $code -ne 0 ] && [ \"\$(hub_main)\" = '$main_before' ]"
check "with the calendar's diagnostic, in the site's language" "grep -q 'la séance m3-prevention a changé (horaire) depuis le flux publié' '$T/moved.log'"
sed -i 's|    speakers: \[carole-barraud-vial\]|    speakers: [carole-barraud-vial]\n    history:\n      - date: 2026-09-15\n        note: Début à 14h00.|' "$T/work/content/calendar.yaml"
(cd "$T/work" && git commit -qam "Told" && GL_USER=coord git push origin main) >"$T/told.log" 2>&1
check "with a history entry it is published" "grep -q 'cartable : publié' '$T/told.log'"
check "and its page says where it was" "grep -q 'Déplacée du mercredi 15 septembre 2027, 13h30–17h30 (SDE) au mercredi 15 septembre 2027, 14h00–17h30 (SDE)' '$T/www/current/public/seances/m3-prevention/index.html'"

(cd "$T/work" && git checkout -qb brouillon && echo x >>portfolios/luca-ferrari/atelier-robots.md && git commit -qam wip && GL_USER=luca git push origin brouillon) >"$T/branch.log" 2>&1
check "a push to an unpublished branch gets a one-line note" "grep -q 'la branche brouillon n.est pas publiée (seule main l.est)' '$T/branch.log'"
(cd "$T/work" && git checkout -q main)

# The same commit deployed again, into the folder and idle copy the last
# deploy left: the same bytes as a build into an empty folder from the same
# sources and live feed (which now has the moved session at its new time,
# so the build no longer infers where it was from it).
tip=$(hub_main)
cp "$T/www/current/public/calendrier.ics" "$T/live.ics"
(cd "$T/hub.git" && echo "$tip $tip refs/heads/main" | GIT_DIR=. hooks/post-receive >"$T/redeploy-ok.log" 2>&1)
"$BIN" build --source "$T/work" --out "$T/fresh-redeploy" --no-search --previous-ics "$T/live.ics" >/dev/null 2>&1
check "a redeploy of the same commit rebuilds in place what a fresh build writes" \
  "grep -q 'cartable : publié' '$T/redeploy-ok.log' && [ \"\$(tree_hash '$T/www/current/public')\" = \"\$(tree_hash '$T/fresh-redeploy')\" ]"

# The same commit deployed again, failing: the live site survives.
before=$(tree_hash "$T/www/current/public")
printf '#!/bin/sh\n[ "$1" = build ] && exit 1\nexec %s "$@"\n' "$BIN" >"$T/failing-cartable"; chmod +x "$T/failing-cartable"
(cd "$T/hub.git" && echo "$tip $tip refs/heads/main" | GIT_DIR=. CARTABLE_BIN="$T/failing-cartable" hooks/post-receive >"$T/redeploy.log" 2>&1)
check "a failed redeploy of the same commit says so" "grep -q 'le site n.a PAS changé' '$T/redeploy.log'"
check "and the live site is byte for byte the same" "[ \"\$(tree_hash '$T/www/current/public')\" = '$before' ]"

# A deploy of a new commit killed mid-build (SIGKILL: no trap runs) after
# cartable wrote the new pages into its idle copy (it waits on a Pagefind
# that never returns) leaves the live site as it was, and no checkout in
# the temporary folder; the next run builds the right site (checked below).
before=$(tree_hash "$T/www/current/public")
printf 'Nouvelle ligne.\n' >>"$T/work/portfolios/luca-ferrari/atelier-robots.md"
mv "$T/hub.git/hooks/post-receive" "$T/post-receive.off"
(cd "$T/work" && git commit -qam "Killed" && GL_USER=luca git push origin main) >"$T/killed-push.log" 2>&1
mv "$T/post-receive.off" "$T/hub.git/hooks/post-receive"
tip=$(hub_main)
printf '#!/bin/sh\ntouch %s/INDEXING\nsleep 60\n' "$T" >"$T/stuck-pagefind"; chmod +x "$T/stuck-pagefind"
mkdir -p "$T/tmp"
(cd "$T/hub.git" && echo "$tip $tip refs/heads/main" | GIT_DIR=. TMPDIR="$T/tmp" GIT_CONFIG_PARAMETERS="'cartable.pagefind=$T/stuck-pagefind'" \
  setsid sh -c 'echo $$ >"$1"; exec hooks/post-receive' sh "$T/killed.pid" >"$T/killed.log" 2>&1) &
for _ in $(seq 300); do [ -e "$T/INDEXING" ] && break; sleep 0.2; done
check "the killed deploy was stopped while cartable was indexing" "[ -e '$T/INDEXING' ]"
[ -s "$T/killed.pid" ] && kill -KILL "-$(cat "$T/killed.pid")"
wait
check "a killed deploy leaves the live site byte for byte the same" "[ \"\$(tree_hash '$T/www/current/public')\" = '$before' ]"
check "and no checkout in the temporary folder" "[ -z \"\$(ls -A '$T/tmp')\" ]"

# Two deploys at once: the lock serialises them.
(cd "$T/hub.git" && echo "0 $tip refs/heads/main" | GIT_DIR=. hooks/post-receive >"$T/a.log" 2>&1) &
(cd "$T/hub.git" && echo "0 $tip refs/heads/main" | GIT_DIR=. hooks/post-receive >"$T/b.log" 2>&1) &
wait
check "both concurrent deploys succeeded" "grep -q publié '$T/a.log' && grep -q publié '$T/b.log'"
"$BIN" build --source "$T/work" --out "$T/fresh" --no-search >/dev/null 2>&1
check "the live site equals a fresh build of the tip" "[ \"\$(tree_hash '$T/www/current/public')\" = \"\$(tree_hash '$T/fresh')\" ]"
check "the kept checkout is the tip, nothing more" "[ \"\$(tree_hash '$T/www/.source/portfolios')\" = \"\$(tree_hash '$T/work/portfolios')\" ]"
check "the gate's checkout too" "[ \"\$(tree_hash '$T/www/.gate/portfolios')\" = \"\$(tree_hash '$T/work/portfolios')\" ]"
check "the live site is readable by the web server" "[ \"\$(stat -c %a '$T/www/site/public')\" = 755 ]"
check "no checkout is left in .work" "[ -z \"\$(ls -A '$T/www/.work')\" ]"
check "nothing from the pushed tree was ever executed" "[ ! -e '$T/EXECUTED' ]"

# Two audiences are published together or not at all: a push whose experts'
# build fails (after the public one succeeded) leaves both live sites byte
# for byte as they were; the next deploy publishes both.
git -C "$T/hub.git" config cartable.audiences "public experts"
tip=$(hub_main)
(cd "$T/hub.git" && echo "$tip $tip refs/heads/main" | GIT_DIR=. hooks/post-receive >"$T/both.log" 2>&1)
check "a deploy with two audiences publishes both" \
  "grep -q 'cartable : publié' '$T/both.log' && [ -f '$T/www/current/experts/index.html' ] && [ -f '$T/www/current/public/index.html' ]"
public_before=$(tree_hash "$T/www/current/public"); experts_before=$(tree_hash "$T/www/current/experts")
printf '#!/bin/sh\ncase "$1 $*" in "build "*"--audience experts"*) exit 1 ;; esac\nexec %s "$@"\n' "$BIN" >"$T/failing-experts"
chmod +x "$T/failing-experts"
echo "Les deux audiences le voient." >>"$T/work/content/programme.md"
(cd "$T/work" && git commit -qam "Both audiences" && GL_USER=coord CARTABLE_BIN="$T/failing-experts" git push origin main) >"$T/half.log" 2>&1
check "the experts' build failed after the public one was built" \
  "grep -q 'construction de .* pour public' '$T/half.log' && grep -q 'le site n.a PAS changé' '$T/half.log'"
check "and the public site is byte for byte the same" "[ \"\$(tree_hash '$T/www/current/public')\" = '$public_before' ]"
check "and the experts' site too" "[ \"\$(tree_hash '$T/www/current/experts')\" = '$experts_before' ]"
tip=$(hub_main)
(cd "$T/hub.git" && echo "$tip $tip refs/heads/main" | GIT_DIR=. hooks/post-receive >"$T/both-again.log" 2>&1)
check "the next deploy publishes the change for both audiences" \
  "grep -rlq 'deux audiences le voient' '$T/www/current/public' && grep -rlq 'deux audiences le voient' '$T/www/current/experts'"
"$BIN" build --source "$T/work" --audience experts --no-search --out "$T/fresh-experts" --previous-ics "$T/www/current/experts/calendrier.ics" >/dev/null 2>&1
check "the experts' site equals a fresh build of the tip" "[ \"\$(tree_hash '$T/www/current/experts')\" = \"\$(tree_hash '$T/fresh-experts')\" ]"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
