#!/usr/bin/env bash
# Installs what tests/test_deploy.py runs (issue 24), when it is not there yet (run by `make test`):
# Debian's nginx (the TLS proxy of the deployment guide), PostgreSQL (a throw-away cluster per test
# run: initdb/pg_ctl, no system service), openssl (the test's throw-away CA) and curl.
# The packages' own services are not started: a policy-rc.d that refuses (Debian Policy §9.3.3.1,
# invoke-rc.d), removed afterwards.
set -u
have_pg() { ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; }
command -v nginx >/dev/null 2>&1 && command -v openssl >/dev/null 2>&1 && command -v curl >/dev/null 2>&1 \
  && have_pg && exit 0
echo "installing Debian's nginx, postgresql, openssl, curl…"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo -n"
export DEBIAN_FRONTEND=noninteractive
POLICY=/usr/sbin/policy-rc.d
ADDED=""
if [ ! -e "$POLICY" ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$POLICY" >/dev/null && $SUDO chmod 755 "$POLICY" && ADDED=1
fi
if ! { $SUDO apt-get -o DPkg::Lock::Timeout=300 update -qq \
       && $SUDO apt-get -o DPkg::Lock::Timeout=300 install -y -qq --no-install-recommends \
            nginx postgresql openssl curl >/dev/null; }; then
  echo "could not install nginx/PostgreSQL: the deployment tests will say so" >&2
fi
[ -n "$ADDED" ] && $SUDO rm -f "$POLICY"
exit 0
