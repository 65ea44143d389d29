#!/usr/bin/env bash
# Install the headless browser the report test drives: Chromium from Debian (no browser download
# by playwright). Idempotent: does nothing when a chromium binary is already on PATH.
# Prints the binary's path on its last line.
set -euo pipefail

find_chromium() { command -v chromium || command -v chromium-browser || true; }

if [ -z "$(find_chromium)" ]; then
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
    # apt-get waits for a lock held by another install instead of failing.
    $SUDO apt-get -o DPkg::Lock::Timeout=600 update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
        --no-install-recommends chromium fonts-dejavu-core >/dev/null
fi

binary="$(find_chromium)"
if [ -z "$binary" ]; then
    echo "scripts/browser.sh: chromium is still not on PATH after apt-get install" >&2
    exit 1
fi
"$binary" --version >&2
echo "$binary"
