# Shared by bench/cache-rebuild.sh and bench/push.sh (sourced, POSIX sh).

# git as the benchmarks' author, whoever runs them.
git() { command git -c user.name=bench -c user.email=bench@example.org "$@"; }

# edit_entry SITE FOLDER TEXT: the first heading of entry e000 of portfolio
# FOLDER gets TEXT, through a new file put in its place (as git writes one),
# and the edit is committed.
edit_entry() {
  f=$1/portfolios/$2/e000.md
  sed "s/^## Contexte/## Contexte ($3)/" "$f" >"$f.new" && mv "$f.new" "$f"
  git -C "$1" commit -qam "$3"
}

# The machine may be shared: each figure says how busy it was.
load_average() { echo "  load average: $(cut -d' ' -f1-3 /proc/loadavg)"; }
