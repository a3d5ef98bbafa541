#!/usr/bin/env bash
# Set up obslint for this repository on a fresh Debian machine (as root, or with sudo):
# the oracles promtool/amtool from Debian's packages when missing, a virtualenv in .venv with obslint
# and its test dependencies (the exact versions of constraints.txt), and, with --with-oracles (what
# the test suite needs), the newer oracles pinned in scripts/oracles.txt built with Go by
# scripts/oracles.sh into ~/.cache/obslint/oracles (or $OBSLINT_ORACLE_DIR): about 50 CPU-minutes the
# first time on a new machine, a second afterwards.
# Safe to run again: it only does what is missing. Exits non-zero if an oracle could not be built
# (after setting up the rest).
set -euo pipefail
cd "$(dirname "$0")/.."
with_oracles=0
for arg in "$@"; do
  case $arg in
    --with-oracles) with_oracles=1 ;;
    *) echo "bootstrap: unknown option $arg (known: --with-oracles)" >&2; exit 2 ;;
  esac
done

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
command -v promtool >/dev/null 2>&1 || missing+=(prometheus)
command -v amtool >/dev/null 2>&1 || missing+=(prometheus-alertmanager)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)  # renders `obslint report` in the tests
if [ ${#missing[@]} -gt 0 ]; then
  echo "bootstrap: installing ${missing[*]} from Debian (promtool/amtool oracles, chromium)" >&2
  export DEBIAN_FRONTEND=noninteractive
  # never start the packaged services: the tests start their own on 127.0.0.1
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | as_root tee /usr/sbin/policy-rc.d >/dev/null
    as_root chmod +x /usr/sbin/policy-rc.d
    trap 'as_root rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  as_root apt-get update -qq
  as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

oracles=0
if [ "$with_oracles" = 1 ]; then
  bash scripts/oracles.sh || oracles=$?
fi

python=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$python" -m venv .venv 2>/dev/null || {
    as_root apt-get install -y -qq python3-venv >/dev/null && "$python" -m venv .venv; }
fi
# PIP_CONSTRAINT pins the build back-end (setuptools) in pip's isolated build environment too
PIP_CONSTRAINT="$PWD/constraints.txt" .venv/bin/python -m pip install -q --disable-pip-version-check -c constraints.txt -e '.[test]'
if [ "$oracles" -ne 0 ]; then
  echo "bootstrap: scripts/oracles.sh failed (exit $oracles): some oracle binaries are missing" >&2
  exit "$oracles"
fi
