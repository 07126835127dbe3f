#!/usr/bin/env bash
# Installs npm's `pyodide` package (Pyodide's core and standard library ship inside it) for
# the xlwings Lite test; nothing else is fetched at test time.
set -euo pipefail
cd "$(dirname "$0")"
VERSION=314.0.7
if [ ! -f node_modules/pyodide/package.json ] || ! grep -q "\"version\": \"$VERSION\"" node_modules/pyodide/package.json; then
  npm install --no-save --no-audit --no-fund --loglevel=error "pyodide@$VERSION" >/dev/null
fi
