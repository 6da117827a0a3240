#!/usr/bin/env bash
# The browser tests drive Debian's Chromium (Playwright cannot download its own browser here).
# Install it when missing and we are root with apt; otherwise the browser tests skip (fail under CI=true).
if [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installing Debian's chromium for the browser tests..."
  (apt-get install -y -q chromium >/dev/null 2>&1 || (apt-get update -q >/dev/null && apt-get install -y -q chromium >/dev/null)) \
    || echo "Could not install chromium; browser tests will skip (or fail under CI=true)."
else
  echo "No /usr/bin/chromium: browser tests will skip. Install Debian's 'chromium' package to run them."
fi
