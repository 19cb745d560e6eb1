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
meson test -C "$BUILD" --print-errorlogs --num-processes 2 "$@"
