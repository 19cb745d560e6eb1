#!/usr/bin/env bash
# The Debian package, end to end, from a copy of the source tree (the working
# tree stays clean):
#   1. dpkg-buildpackage -us -uc -b builds it; lintian reports no error;
#   2. its contents follow the install layout and it depends only on what it links;
#   3. installed with dpkg -i, libpurple's own plugin search path finds it
#      (headless client without the build directory's path), in English and
#      in Simplified Chinese, and bitlbee (libpurple) uses it;
#   4. dpkg -r leaves the machine as it was.
#   deb-package.sh SOURCE_ROOT ARTIFACT_DIR TEST_L10N_INSTALLED BITLBEE_TEST SERVER_EXE
# Skipped (77) only when the Debian tools are missing or installing is
# impossible (not root and no password-less sudo).
set -euo pipefail
src=$1 artifacts=$2 l10n_test=$3 bitlbee_test=$4 server_exe=$5
for tool in dpkg-buildpackage dh lintian fakeroot; do
  command -v "$tool" >/dev/null || { echo "$tool missing (scripts/install-deps.sh installs it)"; exit 77; }
done
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  sudo -n true 2>/dev/null || { echo "installing the .deb needs root or password-less sudo"; exit 77; }
  SUDO="sudo -n"
fi
if dpkg-query -W -f='${Status}' purple-agorachat 2>/dev/null | grep -q 'install ok installed'; then
  echo "purple-agorachat is already installed on this machine; this test will not replace it"
  exit 1
fi

work=$(mktemp -d -t ac-deb.XXXXXX)
installed=0
cleanup() {
  if [ $installed = 1 ]; then $SUDO dpkg -r purple-agorachat >/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$artifacts" "$work/src"

# 1. Build from a copy: tracked and new files, not build directories or ignored files.
(cd "$src" && git ls-files -z --cached --others --exclude-standard \
  | while IFS= read -r -d '' f; do [ -e "$f" ] && printf '%s\0' "$f"; done \
  | tar --null -T - -cf -) | tar -xf - -C "$work/src"
echo "building the package in $work/src"
if ! (cd "$work/src" && dpkg-buildpackage -us -uc -b) >"$artifacts/dpkg-buildpackage.log" 2>&1; then
  tail -40 "$artifacts/dpkg-buildpackage.log"; exit 1
fi
deb=$(ls "$work"/purple-agorachat_*_*.deb)
cp "$deb" "$artifacts/"
[ ! -e "$src/debian/purple-agorachat" ] || { echo "debian/ of the source tree holds build output"; exit 1; }

lint_rc=0
lintian --fail-on error --display-level '>=warning' "$work"/purple-agorachat_*.changes \
  >"$work/lintian.out" 2>&1 || lint_rc=$?
grep -v 'running with root privileges' "$work/lintian.out" >"$artifacts/lintian.log" || true
cat "$artifacts/lintian.log"
[ $lint_rc = 0 ] || { echo "lintian reports errors (exit $lint_rc)"; exit 1; }
echo "package built, lintian: no errors"

# 2. Contents and relations.
plugindir=$(pkg-config --variable=plugindir purple)
dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|' >"$work/contents"
for f in "$plugindir/agorachat.so" \
         /usr/share/pixmaps/pidgin/protocols/16/agorachat.png \
         /usr/share/pixmaps/pidgin/protocols/22/agorachat.png \
         /usr/share/pixmaps/pidgin/protocols/48/agorachat.png \
         /usr/share/pixmaps/pidgin/protocols/scalable/agorachat.svg \
         /usr/share/locale/zh_CN/LC_MESSAGES/purple-agorachat.mo \
         /usr/share/metainfo/io.github.purple_agorachat.metainfo.xml; do
  grep -qxF "$f" "$work/contents" || { echo "the package lacks $f"; cat "$work/contents"; exit 1; }
done
! grep -q '/usr/bin/' "$work/contents" || { echo "the package ships a program (the test server?)"; exit 1; }
depends=$(dpkg-deb -f "$deb" Depends)
enhances=$(dpkg-deb -f "$deb" Enhances)
echo "Depends: $depends"
for d in libpurple0 libsoup-3.0-0 libjson-glib-1.0-0 libsqlite3-0 libprotobuf-c1 libglib2.0-0; do
  grep -q "$d" <<<"$depends" || { echo "Depends lacks $d"; exit 1; }
done
! grep -qE 'libsoup2\.4|libsoup-2\.4|pidgin|finch' <<<"$depends" || { echo "Depends names what the plugin does not link"; exit 1; }
[ "$enhances" = "bitlbee-libpurple, finch, pidgin" ] || { echo "Enhances is '$enhances'"; exit 1; }
echo "contents and relations OK"

# 3. Installed: found by libpurple's own search path, in both languages.
$SUDO dpkg -i "$deb" >/dev/null
installed=1
[ -f "$plugindir/agorachat.so" ] || { echo "dpkg -i did not install the plugin"; exit 1; }
LC_ALL=C.UTF-8 LANGUAGE= "$l10n_test" en "$plugindir"
LC_ALL=C.UTF-8 LANGUAGE=zh_CN AGORACHAT_LOCALEDIR= "$l10n_test" zh_CN "$plugindir"
echo "installed plugin found by libpurple, English and Chinese OK"
if command -v bitlbee >/dev/null; then
  python3 "$bitlbee_test" "$server_exe"
else
  echo "bitlbee missing: bitlbee check not run (scripts/install-deps.sh installs bitlbee-libpurple)"
  exit 77
fi

# 4. Removed: nothing of ours is left.
$SUDO dpkg -r purple-agorachat >/dev/null
installed=0
! dpkg-query -W -f='${Status}' purple-agorachat 2>/dev/null | grep -q 'install ok installed' \
  || { echo "still installed after dpkg -r"; exit 1; }
while IFS= read -r f; do
  [ -f "$f" ] && { echo "$f left behind after dpkg -r"; exit 1; }
done <"$work/contents"
echo "removed cleanly"
