#!/bin/sh
# gitolite (Debian gitolite3) as an independent oracle of the write scope:
# the rules `cartable access --format gitolite` generates, compiled by a real
# gitolite, must answer `gitolite access` exactly as the publishing gate
# (`cartable access --check`) does, for every (user, path) pair of a sample.
#
# usage: tests/gitolite_oracle_test.sh CARTABLE_BIN SOURCE_DIR
set -u
BIN=$1; SRC=$2
command -v gitolite >/dev/null 2>&1 || { echo "gitolite3 is not installed (scripts/install-deps --tests)"; exit 77; }
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
mkdir -p "$T/site" "$T/home"
cp -r "$SRC/site.yaml" "$SRC/portfolios" "$T/site/"
printf 'publishing:\n  staff: [coord, hep.secretariat]\n  trainers: [formatrice]\n  trainer_paths: [content/assessments/]\n' >>"$T/site/site.yaml"
sed -i '1a owners: [luca]' "$T/site/portfolios/luca-ferrari/portfolio.yaml"
sed -i '1a owners: [camille, camille.r]' "$T/site/portfolios/camille-rochat/portfolio.yaml"
mkdir -p "$T/site/portfolios/a.b" && printf 'name: A B\nowners: [ab]\n' >"$T/site/portfolios/a.b/portfolio.yaml"

export HOME="$T/home"
(cd "$T" && gitolite setup -a admin) >/dev/null 2>&1 || { echo "gitolite setup failed"; exit 1; }
{ printf 'repo gitolite-admin\n    RW+ = admin\n'; "$BIN" access --source "$T/site" --format gitolite --repo cas; } >"$HOME/.gitolite/conf/gitolite.conf"
gitolite compile || { cat "$HOME/.gitolite/conf/gitolite.conf"; exit 1; }

users="coord hep.secretariat formatrice luca camille camille.r ab ines mallory"
paths="portfolios/luca-ferrari/atelier-robots.md portfolios/luca-ferrari/portfolio.yaml
portfolios/luca-ferrari/pieces/plan.pdf portfolios/camille-rochat/prevention.md
portfolios/ines-maillard/portfolio.yaml portfolios/a.b/x.md portfolios/aXb/x.md
portfolios/luca-ferrari-2/a.md portfolios/README.md content/programme.md
content/attendance.yaml content/assessments/m4.yaml content/assessments.yaml
site.yaml themes/default/templates/base.html scripts/post-receive .gitignore"
agree=0; disagree=0; allowed=0
for user in $users; do
  for path in $paths; do
    echo "$path" | "$BIN" access --source "$T/site" --check "$user" >/dev/null 2>&1; gate=$?
    gitolite access -q cas "$user" W "VREF/NAME/$path" >/dev/null 2>&1; oracle=$?
    if [ "$gate" = "$oracle" ]; then agree=$((agree + 1)); else disagree=$((disagree + 1)); echo "not ok - $user $path: gate $gate, gitolite $oracle"; fi
    [ "$gate" = 0 ] && allowed=$((allowed + 1))
  done
done
echo "$agree pairs agree ($allowed allowed), $disagree disagree"
[ "$disagree" -eq 0 ] && [ "$allowed" -gt 0 ] && [ "$allowed" -lt "$agree" ]
