#!/usr/bin/env bash
# po/POTFILES must name every source file with translatable strings (a file
# missing there silently stays English), and only files that exist.
#   check-potfiles.sh SOURCE_ROOT
set -euo pipefail
cd "$1"
rc=0
listed=$(grep -v '^[[:space:]]*\(#\|$\)' po/POTFILES | sort -u)
while IFS= read -r f; do
  [ -f "$f" ] || { echo "po/POTFILES names $f, which does not exist"; rc=1; }
done <<<"$listed"
# _( N_( C_( ngettext( g_dngettext( … in C sources of the plugin and anything else built into it.
while IFS= read -r f; do
  grep -qxF "$f" <<<"$listed" || { echo "$f has translatable strings but is missing from po/POTFILES"; rc=1; }
done < <(grep -rlE --include='*.c' --include='*.h' '(^|[^A-Za-z0-9_])(N?C?_|ngettext|g_d[a-z0-9]*gettext[0-9]*)\(' plugin codec | sort)
[ $rc = 0 ] && echo "po/POTFILES lists all $(wc -l <<<"$listed") files with translatable strings"
exit $rc
