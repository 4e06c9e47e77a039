#!/usr/bin/env bash
# Regenerates the locks from the readable top-level lists: every package either command installs,
# pinned, with the hashes of its files.
#   requirements.txt      → requirements.lock       (what the portal needs; the demo installs it)
#   requirements-dev.txt  → requirements-dev.lock   (plus what the tests need; the test command installs it)
# The runtime lock is resolved under the development lock's pins, so both agree on every shared package.
#
#   bash scripts/lock.sh                            after adding, removing or changing a pin
#   bash scripts/lock.sh --upgrade-package NAME     also move NAME (an indirect package) to its newest release
# Other packages keep the versions the locks already name. Commit the .txt and .lock files together.
set -euo pipefail
cd "$(dirname "$0")/.."

PIP_TOOLS=pip-tools==7.6.2

tools=$(mktemp -d /tmp/portal-lock.XXXXXX)
trap 'rm -rf "$tools"' EXIT
echo "==> Installing $PIP_TOOLS in a throwaway environment"
python3 -m venv "$tools/venv"
"$tools/venv/bin/pip" install -q --disable-pip-version-check "$PIP_TOOLS" \
  2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)

compile() {
  # --strip-extras: a lock is also used as a constraints file, and pip refuses extras there.
  # No index or find-links lines: this machine's pip configuration names local folders.
  CUSTOM_COMPILE_COMMAND="bash scripts/lock.sh" "$tools/venv/bin/pip-compile" --quiet --generate-hashes \
    --allow-unsafe --strip-extras --no-emit-index-url --no-emit-find-links "$@" \
    2> >(grep -v "is ignored: it is neither a file nor a directory" >&2)
}

echo "==> requirements-dev.txt → requirements-dev.lock"
compile "$@" --output-file requirements-dev.lock requirements-dev.txt
# The development lock's pins without their hashes (pip cannot use hashes in a constraints file).
sed -n 's/^\([A-Za-z0-9][^ ]*==[^ ]*\).*/\1/p' requirements-dev.lock >"$tools/pins.txt"
echo "==> requirements.txt → requirements.lock"
compile --constraint "$tools/pins.txt" --output-file requirements.lock requirements.txt
# pip-compile names the constraints file it was given; name where those pins came from instead.
sed -i "s|-c $tools/pins.txt|-c requirements-dev.lock|" requirements.lock
echo "==> Done: $(grep -c '^[A-Za-z0-9]' requirements.lock) runtime and $(grep -c '^[A-Za-z0-9]' requirements-dev.lock) development packages locked"
