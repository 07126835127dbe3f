#!/usr/bin/env bash
# Installs Microsoft's custom functions metadata generator (npm custom-functions-metadata, from
# OfficeDev/Office-Addin-Scripts, with the TypeScript it is built for) for the Office add-in's metadata
# test; nothing is fetched at test time.
set -euo pipefail
cd "$(dirname "$0")"
VERSION=2.2.3
if [ ! -f node_modules/custom-functions-metadata/package.json ] \
   || ! grep -q "\"version\": \"$VERSION\"" node_modules/custom-functions-metadata/package.json; then
  npm install --no-save --no-audit --no-fund --loglevel=error "custom-functions-metadata@$VERSION" "typescript@^4.7.4" >/dev/null
fi
