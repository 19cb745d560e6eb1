#!/usr/bin/env bash
# The whole test suite on a fresh Debian 12 machine: install, build, test.
# .ci/run calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
BUILD=${BUILD:-build}
if [ ! -d "$BUILD" ]; then
  meson setup "$BUILD" --werror
fi
meson compile -C "$BUILD"
# The official SDK (npm agora-chat@1.4.0) for the conformance tests.
(cd tests/sdk && npm install --no-audit --no-fund --loglevel=error >/dev/null)
rc=0
meson test -C "$BUILD" --print-errorlogs --num-processes 2 "$@" || rc=$?
logs=("$BUILD/meson-logs/testlog.json")
# The C units and the headless client again, built with AddressSanitizer and
# UBSan: any invalid access or undefined behaviour fails (leaks are
# valgrind's part, in the memcheck suite: LSan cannot name the frames of a
# plugin libpurple has unloaded).  Skipped when tests were picked by name.
if [ $# -eq 0 ]; then
  SAN=${SAN_BUILD:-$BUILD-sanitize}
  if [ ! -d "$SAN" ]; then
    meson setup "$SAN" --werror -Db_sanitize=address,undefined -Db_lundef=false >/dev/null
  fi
  meson compile -C "$SAN" >/dev/null
  ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    meson test -C "$SAN" --print-errorlogs --num-processes 2 --suite codec --suite store \
    --suite plugin || rc=$?
  logs+=("$SAN/meson-logs/testlog.json")
fi
# One plain closing line that any CI reader understands, from meson's own logs.
python3 - "${logs[@]}" <<'PY' || true
import json, sys
counts = {}
for log in sys.argv[1:]:
  for line in open(log, encoding="utf-8"):
    result = json.loads(line).get("result", "")
    counts[result] = counts.get(result, 0) + 1
passed = counts.get("OK", 0) + counts.get("EXPECTEDFAIL", 0)
failed = sum(counts.get(k, 0) for k in ("FAIL", "TIMEOUT", "UNEXPECTEDPASS", "ERROR"))
print(f"{passed} passed, {failed} failed, {counts.get('SKIP', 0)} skipped")
PY
exit "$rc"
