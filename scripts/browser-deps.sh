#!/usr/bin/env bash
# The browser test drives Debian's Chromium headless. Install it where we can (root on
# Debian/Ubuntu); elsewhere say how, and the test says the same when it runs.
set -euo pipefail
if command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || command -v google-chrome >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "browser-deps: installing chromium for the widget test..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
else
  echo "browser-deps: chromium is missing, so the widget browser test will not run. Fix: sudo apt-get install -y chromium" >&2
fi
