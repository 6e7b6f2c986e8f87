#!/usr/bin/env bash
# Installs the Debian packages the test suite needs, only when they are missing:
#   - postgresql: the storage contract tests start a real PostgreSQL server in a temp folder
#   - chromium:   the end-to-end tests drive the app in a real browser
set -euo pipefail

need=()
if ! compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null && ! command -v initdb >/dev/null; then
  need+=(postgresql)
fi
if [ -f tests/e2e/conftest.py ] && ! command -v chromium >/dev/null; then
  need+=(chromium)
fi
[ ${#need[@]} -eq 0 ] && exit 0

echo "Installing system packages: ${need[*]}"
if [ "$(id -u)" -eq 0 ]; then
  SUDO=""
elif command -v sudo >/dev/null; then
  SUDO="sudo"
else
  echo "Please install these Debian packages (as root): ${need[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}"
