#!/bin/sh
# The .deb built by CPack, as a participant gets it: it declares the
# libraries the executable needs, and once installed, `cartable new
# portfolio --catalogue` then `cartable build` work in an empty folder with
# the installed theme. As root in CI (Debian 12) it is installed for real
# with dpkg -i and removed afterwards; elsewhere it is unpacked with dpkg -x
# into a throwaway root and run from there (the executable finds its theme
# relative to itself).
# Usage: deb_test.sh BUILD_DIR SOURCE_DIR CARTABLE
set -eu
build=$1
source=$2
cartable_built=$3

for tool in dpkg-deb dpkg-shlibdeps; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "SKIPPED: $tool not found (Debian's dpkg / dpkg-dev): the .deb is not built nor tested"
    exit 77
  fi
done

work=$(mktemp -d)
installed_for_real=""
cleanup() {
  [ -z "$installed_for_real" ] || dpkg -r cartable >/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; exit 1; }

# The programme's catalogue, as a participant saves it from the site.
(cd "$source" && "$cartable_built" build --no-search --out "$work/hep" >/dev/null 2>&1) || fail "the default site does not build"
catalogue="$work/hep/api/catalogue.json"

cpack -G DEB -B "$work/pkg" --config "$build/CPackConfig.cmake" >"$work/cpack.log" 2>&1 || { cat "$work/cpack.log"; fail "cpack"; }
deb=$(ls "$work"/pkg/cartable_*.deb)
contents=$(dpkg-deb --contents "$deb")
for path in ./usr/bin/cartable ./usr/share/cartable/themes/default/templates/base.mustache ./usr/share/man/man1/cartable.1; do
  echo "$contents" | grep -q " $path\(\.gz\)\?\$" || fail "$path is not in the package"
done

# Every library the executable needs comes from a package it depends on:
# readelf lists them, dpkg -S names their packages.
depends=$(dpkg-deb --field "$deb" Depends)
for lib in $(readelf -d "$cartable_built" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p'); do
  path=$(ldconfig -p | awk -v l="$lib" '$1 == l { print $NF; exit }')
  [ -n "$path" ] || fail "cannot locate $lib"
  package=$(dpkg -S "$(readlink -f "$path")" 2>/dev/null | head -n1 | cut -d: -f1) || true
  [ -n "$package" ] || package=$(dpkg -S "$path" | head -n1 | cut -d: -f1)
  echo "$depends" | grep -q "\(^\|, \)$package\( \|,\|\$\)" || fail "$lib ($package) is not in Depends: $depends"
done
echo "$depends" | grep -q "tzdata" || fail "tzdata is not in Depends: $depends"

if [ "$(id -u)" = 0 ] && [ "${CI:-}" = true ] && ! dpkg -s cartable >/dev/null 2>&1; then
  dpkg -i "$deb" >/dev/null || fail "dpkg -i"
  installed_for_real=yes
  cartable=/usr/bin/cartable
  mode="installed with dpkg -i"
else
  dpkg -x "$deb" "$work/root"
  cartable="$work/root/usr/bin/cartable"
  mode="unpacked with dpkg -x"
fi

mkdir "$work/repo"
cd "$work/repo"
cp "$catalogue" catalogue.json
"$cartable" --version | grep -q "^cartable [0-9]" || fail "--version"
"$cartable" new portfolio "Zoé Müller" --catalogue catalogue.json >"$work/new.log" 2>&1 || { cat "$work/new.log"; fail "new portfolio"; }
[ -f themes/default/templates/base.mustache ] || fail "the installed theme was not copied"
[ -f .gitignore ] || fail "no .gitignore"
"$cartable" build >"$work/build.log" 2>&1 || { cat "$work/build.log"; fail "build"; }
[ -f public/portfolios/zoe-muller/index.html ] || fail "the portfolio page was not built"
# Without a theme of its own, the site builds with the installed one.
rm -rf themes
"$cartable" build --out "$work/other" >"$work/build2.log" 2>&1 || { cat "$work/build2.log"; fail "build with the installed theme"; }
cmp public/portfolios/zoe-muller/index.html "$work/other/portfolios/zoe-muller/index.html" || fail "the installed theme gives other pages"
echo "ok: $(basename "$deb") ($(echo "$contents" | wc -l) files), $mode; Depends: $depends"
