#!/usr/bin/env bash
# Installs Debian's wrk for the load benchmark when it is missing (run by `make bench`).
set -u
command -v wrk >/dev/null 2>&1 && exit 0
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo -n"
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk >/dev/null 2>&1 \
  || { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk >/dev/null; } \
  || echo "could not install wrk: the load figure will be missing" >&2
exit 0
