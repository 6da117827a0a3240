#!/usr/bin/env bash
# The browser tests drive Debian's Chromium (Playwright cannot download its own browser here),
# with CJK fonts so Chinese pages render in screenshots.
#   ensure-chromium.sh --check     say what is missing (the browser tests then skip); changes nothing
#   ensure-chromium.sh --install   install what is missing with apt-get (`make browser-deps`, CI)
set -euo pipefail
mode=${1:---check}
packages=()
[ -x /usr/bin/chromium ] || packages+=(chromium)
[ -d /usr/share/fonts/opentype/noto ] || packages+=(fonts-noto-cjk)
[ ${#packages[@]} -eq 0 ] && exit 0
if [ "$mode" = "--check" ]; then
  echo "Missing ${packages[*]}: the browser tests will skip (\`make browser-deps\` installs them)."
  exit 0
fi
sudo=()
[ "$(id -u)" = "0" ] || sudo=(sudo)
echo "Installing ${packages[*]} for the browser tests..."
export DEBIAN_FRONTEND=noninteractive
"${sudo[@]}" apt-get install -y -q "${packages[@]}" >/dev/null 2>&1 \
  || { "${sudo[@]}" apt-get update -q >/dev/null && "${sudo[@]}" apt-get install -y -q "${packages[@]}" >/dev/null; }
