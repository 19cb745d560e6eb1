#!/usr/bin/env bash
# Every language in po/LINGUAS is a complete, valid translation of the
# strings in the sources today (not of a stale .pot): no untranslated, no
# fuzzy message, and msgfmt --check accepts the format directives.
#   check-po.sh SOURCE_ROOT
set -euo pipefail
src=$1
work=$(mktemp -d -t ac-po.XXXXXX)
trap 'rm -rf "$work"' EXIT
cd "$src"
mapfile -t files < <(grep -v '^[[:space:]]*\(#\|$\)' po/POTFILES)
c_files=() xml_files=()
for f in "${files[@]}"; do case "$f" in *.xml.in) xml_files+=("$f") ;; *) c_files+=("$f") ;; esac; done
# The keywords of meson's glib preset (po/meson.build), plus plain ngettext.
xgettext --from-code=UTF-8 --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 \
  --keyword=g_dcgettext:2 --keyword=g_dngettext:2,3 --keyword=g_dpgettext2:2c,3 --keyword=ngettext:1,2 \
  --language=C -o "$work/c.pot" "${c_files[@]}"
xgettext --from-code=UTF-8 -o "$work/xml.pot" "${xml_files[@]}"
msgcat -o "$work/all.pot" "$work/c.pot" "$work/xml.pot"
rc=0
for lang in $(grep -v '^#' po/LINGUAS); do
  po="po/$lang.po"
  msgfmt --check --statistics -o /dev/null "$po" 2>"$work/stats" || { cat "$work/stats"; rc=1; continue; }
  stats=$(cat "$work/stats")
  if grep -qE 'fuzzy|untranslated' <<<"$stats"; then echo "$po: $stats"; rc=1; fi
  # Every message of today's sources has a translation in the .po.
  msgcmp "$po" "$work/all.pot" || { echo "$po lacks translations of the messages above"; rc=1; }
  [ $rc = 0 ] && echo "$po: $stats"
done
exit $rc
