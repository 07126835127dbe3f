#!/usr/bin/env bash
# Installs Debian's LibreOffice Calc (headless) for the error-count test when it is not there yet (run by `make test`).
set -u
command -v soffice >/dev/null 2>&1 && exit 0
echo "installing Debian's libreoffice-calc-nogui for the LibreOffice test…"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo -n"
export DEBIAN_FRONTEND=noninteractive
if ! { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq libreoffice-calc-nogui >/dev/null; }; then
  echo "could not install LibreOffice: the LibreOffice test will say so" >&2
fi
exit 0
