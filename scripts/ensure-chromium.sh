#!/usr/bin/env bash
# The browser tests drive Debian's Chromium (Playwright cannot download its own browser here),
# with CJK fonts so Chinese pages render in screenshots. Install them when missing and we are
# root with apt; otherwise the browser tests skip (and fail under CI=true).
packages=()
[ -x /usr/bin/chromium ] || packages+=(chromium)
[ -d /usr/share/fonts/opentype/noto ] || packages+=(fonts-noto-cjk)
[ ${#packages[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installing ${packages[*]} for the browser tests..."
  export DEBIAN_FRONTEND=noninteractive
  (apt-get install -y -q "${packages[@]}" >/dev/null 2>&1 \
    || (apt-get update -q >/dev/null && apt-get install -y -q "${packages[@]}" >/dev/null)) \
    || echo "Could not install ${packages[*]}; browser tests may skip (or fail under CI=true)."
else
  echo "Missing ${packages[*]}: browser tests will skip. Install Debian's packages to run them."
fi
