#!/usr/bin/env bash
# Install the test extras (and, on Debian, Chromium and CJK fonts for the browser tests),
# then lint, type-check and run every test. Under CI=true a missing browser fails the run.
# LOAD=1 runs the tests on a busy machine: one CPU burner per core (stress-ng, installed from
# Debian when missing; Python burners otherwise) for the whole run, and prints the time taken.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}

need=()
command -v chromium >/dev/null 2>&1 || [ -n "${CHROMIUM_PATH:-}" ] || need+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK\|Noto Serif CJK" || need+=(fonts-noto-cjk)
if [ ${#need[@]} -gt 0 ] && command -v apt-get >/dev/null 2>&1; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi

[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[test]'
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/python -m mypy
if [ "${LOAD:-0}" != "1" ]; then
  exec .venv/bin/python -m pytest "$@"
fi

cores=$(nproc)
if ! command -v stress-ng >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq stress-ng >/dev/null || true
fi
burners=()
if command -v stress-ng >/dev/null 2>&1; then
  stress-ng --cpu "$cores" --quiet &
  burners+=($!)
else
  for _ in $(seq "$cores"); do
    .venv/bin/python -c "while True: pass" &
    burners+=($!)
  done
fi
trap 'kill "${burners[@]}" 2>/dev/null || true' EXIT
start=$(date +%s)
status=0
.venv/bin/python -m pytest "$@" || status=$?
echo "test suite under load ($cores CPU burners on $cores cores): $(( $(date +%s) - start )) s, exit $status"
exit $status
