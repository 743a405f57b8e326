#!/usr/bin/env bash
# Installs the .deb that scripts/package.sh built the way a user would (`apt install ./….deb`),
# checks what it installed, drives the *installed* app through the first-run flow
# (e2e/tests/welcome.test.mjs against /usr/bin/vetted-app), then removes the package and checks
# that nothing of it is left. Also reads the .rpm's file list and requirements (it cannot be
# installed on Debian). Run as root on a machine where Vetted is not installed from elsewhere.
set -euo pipefail
# With pipefail, a reader that stops early (`grep -q`, `head`, awk's `exit`) makes the writer die
# of SIGPIPE once its output passes the pipe buffer, and the script ends with 141: read
# whole outputs (here-strings, awk without `exit`).
cd "$(dirname "$0")/.."

fail() { echo "test-package: $*" >&2; exit 1; }
one() { # the single file matching a glob, or a failure naming the glob
  local matches=("$@")
  [ ${#matches[@]} -eq 1 ] && [ -f "${matches[0]}" ] || fail "expected exactly one file, found: ${matches[*]} (run scripts/package.sh first)"
  echo "${matches[0]}"
}
deb=$(one target/release/bundle/deb/*.deb)
rpm=$(one target/release/bundle/rpm/*.rpm)
version=$(awk -F'"' '/^version = / && !v { v = $2 } END { print v }' Cargo.toml)
[ -n "$version" ] || fail "no workspace version in Cargo.toml"

if grep -q "install ok installed" <<<"$(dpkg-query -W -f='${Status}' vetted 2>/dev/null)"; then
  fail "a vetted package is already installed here; remove it first (apt-get purge vetted)"
fi

echo "==> apt install ./$deb"
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -qq --no-install-recommends "./$deb" >/dev/null
removed=0
remove() {
  [ "$removed" = 1 ] && return 0
  removed=1
  apt-get purge -y -qq vetted >/dev/null
}
trap remove EXIT

echo "==> what the package installed"
[ "$(dpkg-query -W -f='${Version}' vetted)" = "$version" ] \
  || fail "package version $(dpkg-query -W -f='${Version}' vetted) is not the workspace version $version"
for f in /usr/bin/vetted-app /usr/bin/vetted; do
  [ -x "$f" ] || fail "$f is missing or not executable"
done
[ "$(/usr/bin/vetted --version)" = "vetted $version" ] \
  || fail "vetted --version printed '$(/usr/bin/vetted --version)', expected 'vetted $version'"
desktop=/usr/share/applications/Vetted.desktop
[ -f "$desktop" ] || fail "no desktop entry at $desktop; the package has: $(dpkg -L vetted | grep -F .desktop)"
desktop-file-validate "$desktop" || fail "$desktop is not a valid desktop entry (desktop-file-validate above)"
grep -qx 'Exec=vetted-app %f' "$desktop" || fail "$desktop does not open a given file: $(grep ^Exec "$desktop")"
for size in 32x32 64x64 128x128 256x256 512x512; do
  [ -f "/usr/share/icons/hicolor/$size/apps/vetted-app.png" ] || fail "no $size icon; the package has: $(dpkg -L vetted | grep icons/)"
done
grep -q "demo-items.jsonl$" <<<"$(dpkg -L vetted)" || fail "the demo fixture is not in the package"

# The package that holds $1, under the name the loader found or its real path (Debian 12 merges
# /lib into /usr/lib, and dpkg knows a file by the path its package ships).
owning_package() {
  local candidate owner
  for candidate in "$1" "$(readlink -f "$1")"; do
    owner=$(dpkg -S "$candidate" 2>/dev/null | awk -F: 'NR == 1 { print $1 }') || true
    [ -n "$owner" ] && { echo "$owner"; return 0; }
  done
  return 0
}

# Every shared library the two binaries load must come from a package the .deb depends on
# (directly or through its dependencies), so `apt install` on a bare Debian pulls it in.
closure=$(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts --no-breaks \
  --no-replaces --no-enhances vetted | grep -v '^ ' | sed 's/:.*//' | sort -u)
missing=()
for soname in $(objdump -p /usr/bin/vetted-app /usr/bin/vetted | awk '/NEEDED/ { print $2 }' | sort -u); do
  path=$(ldconfig -p | awk -v so="$soname" '$1 == so && /x86-64/ && !found++ { print $NF }')
  [ -n "$path" ] || { missing+=("$soname (not found)"); continue; }
  owner=$(owning_package "$path")
  [ -n "$owner" ] || { missing+=("$soname ($path belongs to no package)"); continue; }
  grep -qx "$owner" <<<"$closure" || missing+=("$soname (from $owner)")
done
[ ${#missing[@]} -eq 0 ] || fail "libraries not covered by the package's Depends ($(dpkg-query -W -f='${Depends}' vetted)): ${missing[*]}"
echo "Depends: $(dpkg-query -W -f='${Depends}' vetted) (covers every library both binaries load)"

echo "==> the installed app, driven through its first run (e2e/tests/welcome.test.mjs)"
VETTED_E2E_APP=/usr/bin/vetted-app VETTED_E2E_CLI=/usr/bin/vetted \
  VETTED_E2E_SUITES=tests/welcome.test.mjs bash e2e/run.sh

echo "==> apt purge vetted"
installed_files=$(dpkg -L vetted | while read -r f; do [ -f "$f" ] && echo "$f"; done)
remove
trap - EXIT
left=()
for f in $installed_files; do [ -e "$f" ] && left+=("$f"); done
[ ${#left[@]} -eq 0 ] || fail "files left after purge: ${left[*]}"
grep -q "install ok installed" <<<"$(dpkg-query -W -f='${Status}' vetted 2>/dev/null)" && fail "vetted still installed after purge"

echo "==> $rpm"
rpm_files=$(rpm -qpl "$rpm" 2>/dev/null)
for f in /usr/bin/vetted-app /usr/bin/vetted /usr/share/applications/Vetted.desktop; do
  grep -qx "$f" <<<"$rpm_files" || fail "$rpm lacks $f"
done
grep -q "demo-items.jsonl$" <<<"$rpm_files" || fail "$rpm lacks the demo fixture"
[ "$(rpm -qp --qf '%{VERSION}' "$rpm" 2>/dev/null)" = "$version" ] || fail "$rpm is not version $version"
grep -q webkit2gtk <<<"$(rpm -qpR "$rpm" 2>/dev/null)" || fail "$rpm does not require webkit2gtk: $(rpm -qpR "$rpm" 2>/dev/null | tr '\n' ' ')"

echo "package test passed: $(basename "$deb") installed, driven, purged; $(basename "$rpm") checked"
