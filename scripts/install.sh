#!/usr/bin/env bash
# Installs what the portal needs on a fresh Debian 12 + Python 3.11 machine, as root.
#   scripts/install.sh          runtime only (the demo)
#   scripts/install.sh --dev    runtime + everything the test suite needs
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(fonts-dejavu-core)
if [ "${1:-}" = "--dev" ]; then
  packages+=(chromium postgresql redis-server poppler-utils)
fi

missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "==> Installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q
  apt-get install -y -q --no-install-recommends "${missing[@]}"
fi

if [ ! -x .venv/bin/python ]; then
  echo "==> Creating the virtual environment in .venv"
  python3 -m venv .venv
fi
# The locks pin every package with the hashes of its files (scripts/lock.sh writes them).
lock=requirements.lock
[ "${1:-}" = "--dev" ] && lock=requirements-dev.lock
echo "==> Installing Python packages from $lock"
# This machine's pip configuration names package folders that may not exist; pip warns about each.
.venv/bin/pip install -q --disable-pip-version-check --require-hashes -r "$lock" \
  2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)

# The translations ship as readable .po files; the portal reads compiled .mo catalogs and refuses to
# start without them (a missing catalog would otherwise show English without a word).
echo "==> Compiling the translation catalogs"
.venv/bin/pybabel compile -d translations 2>&1 | grep -v "^compiling catalog" || true
