#!/usr/bin/env bash
# Installs Debian's Chromium for the browser test when it is not there yet (run by `make test`).
set -u
command -v chromium >/dev/null 2>&1 && exit 0
echo "installing Debian's chromium for the browser test…"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo -n"
export DEBIAN_FRONTEND=noninteractive
if ! { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq chromium >/dev/null; }; then
  echo "could not install chromium: the browser test will say so" >&2
fi
exit 0
