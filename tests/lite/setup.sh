#!/usr/bin/env bash
# Installs npm's `pyodide` package (Pyodide's core and standard library ship inside it) and
# downloads the pure-Python xlwings wheels (py3-none-any: the ones xlwings builds for Pyodide
# and xlwings Lite installs) of the versions lite/build.py's XLWINGS_TESTED names, for the
# xlwings Lite test; nothing else is fetched at test time.
set -euo pipefail
cd "$(dirname "$0")"
VERSION=314.0.7
if [ ! -f node_modules/pyodide/package.json ] || ! grep -q "\"version\": \"$VERSION\"" node_modules/pyodide/package.json; then
  npm install --no-save --no-audit --no-fund --loglevel=error "pyodide@$VERSION" >/dev/null
fi
PIP="${PIP:-$(command -v pip3 || command -v pip)}"
[ -x ../../.venv/bin/pip ] && PIP=../../.venv/bin/pip
mkdir -p wheels
for v in $(sed -n 's/^XLWINGS_TESTED = (\(.*\))$/\1/p' ../../lite/build.py | tr -d '",'); do
  if [ ! -f "wheels/xlwings-$v-py3-none-any.whl" ]; then
    "$PIP" download -q --no-deps --only-binary=:all: --platform any --python-version 3.12 \
      -d wheels "xlwings==$v" >/dev/null
  fi
done
