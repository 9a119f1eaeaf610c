#!/usr/bin/env bash
# Install what the accessibility check (tests/render/test_accessibility.py, marked `browser`) needs:
# headless Chromium from Debian and axe-core from npm into .cache/axe/. Idempotent; safe to run again.
# It never fails the build: when something cannot be installed it says so and exits 0, and the check
# then skips with the reason.
set -u
root="$(cd "$(dirname "$0")/.." && pwd)"
axe_dir="$root/.cache/axe"
axe_file="$axe_dir/node_modules/axe-core/axe.min.js"

say() { echo "install-browser: $*"; }

if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1; then
  say "chromium is installed"
elif [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  say "installing chromium with apt-get"
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; } >/dev/null 2>&1; then
    say "could not install chromium; the accessibility check will be skipped"
  fi
else
  say "chromium is missing and this is not root on Debian: install it with 'apt-get install chromium'"
fi

if [ -f "$axe_file" ]; then
  say "axe-core is installed in $axe_dir"
else
  if ! command -v npm >/dev/null 2>&1 && [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    say "installing npm with apt-get"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq npm; } >/dev/null 2>&1 || true
  fi
  if command -v npm >/dev/null 2>&1; then
    mkdir -p "$axe_dir"
    if npm install --silent --no-audit --no-fund --prefix "$axe_dir" axe-core@4 >/dev/null 2>&1 && [ -f "$axe_file" ]; then
      say "installed axe-core in $axe_dir"
    else
      say "could not install axe-core with npm; the accessibility check will be skipped"
    fi
  else
    say "npm is missing: the accessibility check will be skipped"
  fi
fi
exit 0
