#!/usr/bin/env bash
# Installs everything the build, the tests and the "try it" command need on
# Debian 12, from Debian's packages and the npm registry only.  Idempotent:
# packages already present are skipped quickly.
set -euo pipefail

BUILD_PKGS=(
  build-essential meson ninja-build pkg-config gettext
  libglib2.0-dev libjson-glib-dev libsoup-3.0-dev libsqlite3-dev
  libprotobuf-c-dev protobuf-c-compiler libpurple-dev libcrypt-dev librsvg2-bin
)
TEST_PKGS=(
  nodejs npm sqlite3 valgrind tmux finch pidgin xvfb xauth imagemagick x11-utils xdotool
  python3 wrk
)
# The distribution checks (suite dist): the .deb build, lintian, AppStream
# validation, and bitlbee as a third real client.
DIST_PKGS=(
  debhelper devscripts dpkg-dev fakeroot lintian appstream bitlbee-libpurple
)

want=()
for p in "${BUILD_PKGS[@]}" "${TEST_PKGS[@]}" "${DIST_PKGS[@]}"; do
  # node/npm may come from outside Debian's packages on some images; keep what works.
  case "$p" in
    nodejs) command -v node >/dev/null 2>&1 && continue ;;
    npm) command -v npm >/dev/null 2>&1 && continue ;;
  esac
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || want+=("$p")
done

if [ ${#want[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "install-deps: installing ${want[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null
fi
