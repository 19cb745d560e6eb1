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
# One plain closing line that any CI reader understands, from meson's own log.
python3 - "$BUILD/meson-logs/testlog.json" <<'PY' || true
import json, sys
counts = {}
for line in open(sys.argv[1], encoding="utf-8"):
    result = json.loads(line).get("result", "")
    counts[result] = counts.get(result, 0) + 1
passed = counts.get("OK", 0) + counts.get("EXPECTEDFAIL", 0)
failed = sum(counts.get(k, 0) for k in ("FAIL", "TIMEOUT", "UNEXPECTEDPASS", "ERROR"))
print(f"{passed} passed, {failed} failed, {counts.get('SKIP', 0)} skipped")
PY
exit "$rc"
