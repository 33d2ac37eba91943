#!/bin/sh
# index.html in a real headless Chromium: see tests/report_html.py.
# Skips (exit 77) only when no Chromium is installed.
set -u
bin=${GOCOMPAT_BIN:-./gocompat}
src=${GOCOMPAT_SRCDIR:-.}
work=${GOCOMPAT_CHECK_DIR:-check-results}/html
browser=""
for b in chromium chromium-browser google-chrome; do
  if command -v "$b" >/dev/null 2>&1; then browser=$(command -v "$b"); break; fi
done
if [ -z "$browser" ]; then
  echo "report_html: no chromium installed (scripts/setup installs it); skipped"
  exit 77
fi
exec timeout 300 python3 "$src/tests/report_html.py" "$bin" "$browser" "$work"
