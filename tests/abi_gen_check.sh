#!/bin/sh
# The generated ABI files (gosrc/abishapes/, cases/abi/*_gen.*, the
# shapes-*.case descriptors) must be what scripts/gen-abi.py makes from
# cases/abi/shapes.tsv today. Regenerate with `make regen-abi`.
set -u
src=${GOCOMPAT_SRCDIR:-.}
py=${PYTHON3:-python3}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/gocompat-abigen-XXXXXX") || exit 99
trap 'rm -rf "$tmp"' EXIT
"$py" "$src/scripts/gen-abi.py" --root "$src" --out "$tmp" || { echo "abi_gen_check: the generator failed" >&2; exit 1; }
rc=0
for f in $(cd "$tmp" && find . -type f | sort); do
    if ! cmp -s "$tmp/$f" "$src/$f"; then
        echo "abi_gen_check: ${f#./} is out of date with cases/abi/shapes.tsv; run make regen-abi" >&2
        rc=1
    fi
done
for f in "$src"/cases/abi/shapes-*.case; do
    [ -e "$f" ] || continue
    b=cases/abi/$(basename "$f")
    [ -e "$tmp/$b" ] || { echo "abi_gen_check: $b is no longer generated; delete it" >&2; rc=1; }
done
[ $rc -eq 0 ] && echo "abi_gen_check: generated ABI files are up to date"
exit $rc
