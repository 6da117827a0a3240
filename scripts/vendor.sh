#!/usr/bin/env bash
# Refresh static/vendor/ from the pinned npm packages (package.json / package-lock.json).
set -euo pipefail
cd "$(dirname "$0")/.."
npm ci --no-audit --no-fund --silent
out=static/vendor
rm -rf "$out" && mkdir -p "$out/bootstrap" "$out/bootstrap-icons/fonts" "$out/htmx" "$out/echarts" "$out/axe-core"
cp node_modules/bootstrap/dist/css/bootstrap.min.css node_modules/bootstrap/dist/js/bootstrap.bundle.min.js "$out/bootstrap/"
cp node_modules/bootstrap-icons/font/bootstrap-icons.min.css "$out/bootstrap-icons/"
cp node_modules/bootstrap-icons/font/fonts/bootstrap-icons.woff2 node_modules/bootstrap-icons/font/fonts/bootstrap-icons.woff "$out/bootstrap-icons/fonts/"
cp node_modules/htmx.org/dist/htmx.min.js "$out/htmx/"
cp node_modules/echarts/dist/echarts.min.js "$out/echarts/"
# axe-core: only the browser tests inject it (accessibility checks); no page loads it.
cp node_modules/axe-core/axe.min.js node_modules/axe-core/LICENSE "$out/axe-core/"
# The packages' source maps are not vendored: drop the comments that point at them, or
# collectstatic's manifest storage stops on the missing .map files (MissingFileError).
find "$out" -name '*.js' -o -name '*.css' | while read -r file; do
  sed -i -E '/^[/][/]# sourceMappingURL=.*$/d; s@/[*]# sourceMappingURL=[^*]*[*]/@@' "$file"
done
for pkg in bootstrap bootstrap-icons htmx.org echarts axe-core; do
  node -e "console.log('$pkg', require('./node_modules/$pkg/package.json').version)"
done > "$out/VERSIONS.txt"
cat "$out/VERSIONS.txt"
