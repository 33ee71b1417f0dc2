# Shared by scripts/pre-receive (the gate) and scripts/post-receive (the
# deploy). Install all three in the bare repository's hooks/ folder:
#   cp scripts/pre-receive scripts/post-receive scripts/cartable-hook.sh /srv/git/cas.git/hooks/
# Options (git config in the bare repository; the environment wins):
#   cartable.deploy-dir  where site/ and `current` live (CARTABLE_DEPLOY_DIR)
#   cartable.bin         the cartable executable, absolute (CARTABLE_BIN; default: cartable on PATH)
#   cartable.pagefind    the server's Pagefind, absolute (default: pagefind on PATH; none: no search)
#   cartable.branch      the published branch (default: main)
#   cartable.audiences   "public" (default) or "public experts"
#   cartable.write-scope "false" only for a repository where staff alone can push
# The pusher comes from GL_USER (gitolite), GITEA_PUSHER_NAME (Forgejo,
# Gitea), GL_USERNAME (GitLab) or CARTABLE_PUSHER (an ssh forced command).
#
# Nothing from the pushed tree is ever executed: cartable and Pagefind are
# the server's, resolved to absolute paths before any checkout, and they run
# with a clean environment. Checkouts live in <deploy-dir>/.work,
# <deploy-dir>/.gate (the gate's, kept between pushes, its checks' caches in
# <deploy-dir>/.gate-cache) and <deploy-dir>/.source (the deploy's, kept)
# (mode 700, never the temporary folder: they hold attendance data);
# leftovers of killed runs are removed by the next run, under the lock.

config() { git config --get "$1" 2>/dev/null || true; }
DEPLOY_DIR=${CARTABLE_DEPLOY_DIR:-$(config cartable.deploy-dir)}
BIN=${CARTABLE_BIN:-$(config cartable.bin)}
BIN=${BIN:-cartable}
PAGEFIND=$(config cartable.pagefind)
BRANCH=$(config cartable.branch); BRANCH=${BRANCH:-main}
AUDIENCES=$(config cartable.audiences); AUDIENCES=${AUDIENCES:-public}
WRITE_SCOPE=$(config cartable.write-scope); WRITE_SCOPE=${WRITE_SCOPE:-true}
PUSHER=${GL_USER:-${GITEA_PUSHER_NAME:-${GL_USERNAME:-${CARTABLE_PUSHER:-}}}}
ZERO=0000000000000000000000000000000000000000

# --- Every word the pusher reads, in one place (French). ---
msg() {
  case "$1" in
    refused) echo "cartable : poussée REFUSÉE : rien n'a changé, ni la branche $BRANCH ni le site publié." ;;
    what-now) echo "cartable : que faire : corrigez (ou annulez ce changement avec git reset --soft HEAD~1), commitez, poussez à nouveau. Voir docs/guide-participant.md, « Poussée refusée »." ;;
    check-errors) echo "cartable : le contrôle du site a trouvé les erreurs ci-dessus (audience : $2)." ;;
    scope-staff) echo "cartable : $2 : seule l'équipe de la HEP (publishing.staff dans site.yaml : $4) peut modifier ce fichier ; vous êtes « $PUSHER »." ;;
    scope-trainers) echo "cartable : $2 : seul·e·s les formateurs·trices (publishing.trainers : $4) et l'équipe de la HEP écrivent dans $3 ; vous êtes « $PUSHER »." ;;
    scope-owners) echo "cartable : $2 : $3 appartient à « $4 » (owners: de son portfolio.yaml) ; vous (« $PUSHER ») ne pouvez modifier que votre propre portfolio." ;;
    scope-new-portfolio) echo "cartable : $2 : le nouveau dossier $3 doit nommer « $PUSHER » dans owners: de son portfolio.yaml." ;;
    no-pusher) echo "cartable : le serveur ne dit pas qui pousse (GL_USER, GITEA_PUSHER_NAME, GL_USERNAME ou CARTABLE_PUSHER) : poussée refusée." ;;
    no-delete) echo "cartable : la branche publiée $BRANCH ne peut pas être supprimée." ;;
    other-branch) echo "cartable : note : la branche $2 n'est pas publiée (seule $BRANCH l'est)." ;;
    no-deploy-dir) echo "cartable : pas de dossier de publication : git config cartable.deploy-dir /srv/www/site sur le serveur." ;;
    no-bin) echo "cartable : cartable introuvable ($BIN) : git config cartable.bin /chemin/absolu/cartable sur le serveur." ;;
    no-search) echo "cartable : Pagefind introuvable sur le serveur : le site est publié SANS recherche (git config cartable.pagefind /chemin/absolu/pagefind)." ;;
    checkout-failed) echo "cartable : impossible d'extraire $2." ;;
    build-failed) echo "cartable : la construction de $2 a échoué : le site n'a PAS changé (il montre toujours la version précédente)." ;;
    swap-failed) echo "cartable : impossible de basculer vers la nouvelle version : le site n'a PAS changé." ;;
    checking) echo "cartable : contrôle de $2 ($3)" ;;
    building) echo "cartable : construction de $2 pour $3" ;;
    published) echo "cartable : publié $2 ($3)" ;;
  esac
}
say() { msg "$@" >&2; }

# An absolute path to a server program, or "" (never one from a checkout).
server_program() {
  case "$1" in
    /*) [ -x "$1" ] && echo "$1" ;;
    */*) ;;  # relative: refused
    *) p=$(command -v "$1" 2>/dev/null) && case "$p" in /*) echo "$p" ;; esac ;;
  esac
}

# Runs cartable with nothing of the pusher's or the hook's environment.
clean_run() {
  env -i PATH=/usr/local/bin:/usr/bin:/bin HOME=/nonexistent LANG=C.UTF-8 TMPDIR="$WORK_ROOT" \
    ${SOURCE_DATE_EPOCH:+SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH} "$CARTABLE" "$@"
}

# Common start of both hooks: settings checked, lock taken, leftovers of
# killed runs removed.
hook_setup() {
  [ -n "$DEPLOY_DIR" ] || { say no-deploy-dir; exit 1; }
  CARTABLE=$(server_program "$BIN"); [ -n "$CARTABLE" ] || { say no-bin; exit 1; }
  PAGEFIND_BIN=$(server_program "${PAGEFIND:-pagefind}")
  GIT_DIR=$(cd "${GIT_DIR:-.}" && pwd); export GIT_DIR
  umask 022
  mkdir -p "$DEPLOY_DIR/site" || exit 1
  WORK_ROOT=$DEPLOY_DIR/.work
  SOURCE=$DEPLOY_DIR/.source
  GATE=$DEPLOY_DIR/.gate
  GATE_CACHE=$DEPLOY_DIR/.gate-cache
  (umask 077; mkdir -p "$WORK_ROOT" "$SOURCE" "$GATE" "$GATE_CACHE") &&
    chmod 700 "$WORK_ROOT" "$SOURCE" "$GATE" "$GATE_CACHE" || exit 1
  exec 9>"$DEPLOY_DIR/.deploy.lock"
  flock 9
  rm -rf "$WORK_ROOT"/* "$DEPLOY_DIR"/releases/.building-* 2>/dev/null
  WORK=$(mktemp -d "$WORK_ROOT/run.XXXXXX") || exit 1
  trap 'rm -rf "$WORK"' EXIT
  trap 'exit 1' INT TERM HUP
}

# Brings the kept checkout $2 (its git index is $2.index, beside it) to
# commit $1, rewriting only the files that changed: their size, time and
# inode, in the index, tell git which ones did. git read-tree runs no hook
# and no filter the pusher could set, and writes no file through a symbolic
# link of the tree. A run killed midway leaves no `.complete` mark: the next
# one starts from an empty folder.
update_checkout() {
  index=$2.index
  if [ ! -e "$2.complete" ]; then
    rm -rf "$2" "$index" && (umask 077; mkdir "$2") || return 1
  fi
  rm -f "$2.complete"
  GIT_WORK_TREE=$2 GIT_INDEX_FILE=$index git read-tree --reset -u "$1" || return 1
  GIT_WORK_TREE=$2 GIT_INDEX_FILE=$index git clean -ffdxq || return 1
  : >"$2.complete"
}

# The deploy's sources, <deploy-dir>/.source, at commit $1.
update_source() { update_checkout "$1" "$SOURCE"; }

# Prints the paths touched by $1..$2, by any commit and by the whole push.
changed_paths() {
  if [ "$1" = "$ZERO" ]; then
    git ls-tree -r --name-only "$2"
  else
    git log --no-merges --no-renames --format= --name-only "$1..$2"
    git diff --no-renames --name-only "$1" "$2"
  fi | sort -u
}

# Write scope of a push from $1 to $2 (published tree $1, $ZERO for the first
# push) in the checkout $3. Prints each refusal in French; false if any.
write_scope_ok() {
  [ "$WRITE_SCOPE" = false ] && return 0
  [ -n "$PUSHER" ] || { say no-pusher; return 1; }
  published_opt=""
  if [ "$1" != "$ZERO" ]; then
    mkdir -p "$WORK/published"
    git archive "$1" -- site.yaml ':(glob)portfolios/*/portfolio.yaml' 2>/dev/null | tar -x -C "$WORK/published" 2>/dev/null
    published_opt="--published $WORK/published"
  fi
  changed_paths "$1" "$2" >"$WORK/paths"
  # shellcheck disable=SC2086
  clean_run access --source "$3" $published_opt --check "$PUSHER" <"$WORK/paths" >"$WORK/refusals"
  status=$?
  while IFS="$(printf '\t')" read -r _ path rule scope who; do
    say "scope-$rule" "$path" "$scope" "$who"
  done <"$WORK/refusals"
  return $status
}

# `cartable check` of checkout $1 for every deployed audience, against the
# feed subscribers have now (session changes need a history entry). Each
# audience's check keeps its cache in <deploy-dir>/.gate-cache/<audience>:
# a push is checked in the time of what it changed, not of the whole site.
site_ok() {
  for audience in $AUDIENCES; do
    previous=""
    if [ -f "$DEPLOY_DIR/current/$audience/calendrier.ics" ]; then
      cp "$DEPLOY_DIR/current/$audience/calendrier.ics" "$WORK/previous-$audience.ics" && previous="--previous-ics $WORK/previous-$audience.ics"
    fi
    # shellcheck disable=SC2086
    (cd "$1" && clean_run check --audience "$audience" --cache "$GATE_CACHE/$audience" $previous) ||
      { say check-errors "$audience"; return 1; }
  done
}
