#!/usr/bin/env bash
# Installs Debian's headless LibreOffice Calc with the Python script provider for the third-engine and
# printing tests, and for the error-count test, when it is not there yet (run by `make test`).
set -u
# libreoffice-dev brings the SDK's unoidl-write, which the extension test (tests/test_libreoffice_ext.py)
# checks trcalc's type library against; python3-uno comes with the script provider; libreoffice-l10n-tr is
# the Turkish user interface, in which the extension test reads the Function Wizard's Turkish help.
command -v soffice >/dev/null 2>&1 && [ -e /usr/lib/libreoffice/program/pythonscript.py ] \
  && [ -x /usr/lib/libreoffice/sdk/bin/unoidl-write ] && [ -e /usr/lib/libreoffice/share/registry/Langpack-tr.xcd ] \
  && exit 0
echo "installing Debian's libreoffice-calc-nogui, libreoffice-script-provider-python, libreoffice-dev, libreoffice-l10n-tr…"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo -n"
export DEBIAN_FRONTEND=noninteractive
if ! { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq --no-install-recommends \
        libreoffice-calc-nogui libreoffice-script-provider-python libreoffice-dev libreoffice-l10n-tr >/dev/null; }; then
  echo "could not install LibreOffice: the LibreOffice tests will say so" >&2
fi
exit 0
