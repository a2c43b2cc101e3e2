#!/usr/bin/env bash
# Opens the demo's HTML report in headless Chromium (Debian: apt-get install -y chromium) and saves a screenshot,
# to check that the page renders from the local files alone (no network, no scripts).
#   scripts/screenshot-report.sh [out/report.html] [out/report-screenshot.png] [height-in-pixels]
set -euo pipefail
report="${1:-out/report.html}"
shot="${2:-$(dirname "$report")/report-screenshot.png}"
height="${3:-5200}"
browser="$(command -v chromium || command -v chromium-browser || true)"
if [ -z "$browser" ]; then
  echo "screenshot-report: chromium not found; install it (Debian: apt-get install -y chromium)" >&2
  exit 2
fi
if [ ! -f "$report" ]; then
  echo "screenshot-report: $report does not exist; run ./ntk demo first" >&2
  exit 2
fi
profile="$(mktemp -d)"
trap 'rm -rf "$profile"' EXIT
"$browser" --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update \
  --disable-sync --no-first-run --user-data-dir="$profile" --hide-scrollbars --window-size=1100,"$height" \
  --screenshot="$(realpath -m "$shot")" "file://$(realpath "$report")" >/dev/null 2>&1
echo "wrote $shot"
