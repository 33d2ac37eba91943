#!/bin/sh
# The claims ledger re-derived by a second implementation (tests/claims_check.py)
# from the records and the rules of cases/claims.txt: the published
# results/matrix.json and a generated three-arch matrix.
set -u
bin=${GOCOMPAT_BIN:-./gocompat}
src=${GOCOMPAT_SRCDIR:-.}
work=${GOCOMPAT_CHECK_DIR:-check-results}/claims-check
exec timeout 300 python3 "$src/tests/claims_check.py" --gocompat "$bin" "$src" "$work"
