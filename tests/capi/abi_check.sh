#!/usr/bin/env bash
# ABI discipline for libqiaolian.so (abi/README.md).
#
#   abi_check.sh LIBQIAOLIAN_SO REPO_ROOT PYTHON3           check
#   abi_check.sh --update LIBQIAOLIAN_SO REPO_ROOT PYTHON3  rewrite the baseline
#
# Checks, failing (exit 1) on any problem:
#  1. abidiff between the committed baseline abi/libqiaolian.abi and the
#     library: an incompatible change (ABIDIFF_ABI_INCOMPATIBLE_CHANGE, bit 8)
#     or any change other than additions (bit 4 still set once added symbols
#     are ignored) fails; abidiff errors (bits 1, 2) fail. Additions pass,
#     with a reminder to update the baseline.
#  2. The exported (dynamic, defined) symbols are exactly the functions that
#     include/qiaolian/c.h declares with QIAOLIAN_EXPORT (parsed by
#     tests/capi/gen_null_test.py, the same parser the NULL test uses), and
#     nothing without the qiaolian_ prefix is exported (the version node
#     QIAOLIAN_<n> of capi/qiaolian.map aside).
set -u

update=0
if [ "${1:-}" = "--update" ]; then
  update=1
  shift
fi
if [ $# -ne 3 ]; then
  echo "usage: $0 [--update] LIBQIAOLIAN_SO REPO_ROOT PYTHON3" >&2
  exit 2
fi
LIB=$1
ROOT=$2
PYTHON=$3
for tool in abidw abidiff nm; do
  if ! command -v "$tool" >/dev/null; then
    echo "FAIL: $tool not found (Debian: abigail-tools, binutils;" \
      "scripts/install-deps installs them)" >&2
    exit 1
  fi
done
BASELINE=$ROOT/abi/libqiaolian.abi
HEADERS=$ROOT/include/qiaolian

# The options that make the XML independent of the build directory. Both
# the baseline and the current ABI are written with them.
abidw_stable() {
  abidw --headers-dir "$HEADERS" --no-show-locs --no-corpus-path \
    --no-comp-dir-path --no-elf-needed --exported-interfaces-only --drop-private-types \
    --drop-undefined-syms --type-id-style hash \
    --out-file "$2" "$1"
}

if [ "$update" -eq 1 ]; then
  mkdir -p "$(dirname "$BASELINE")"
  abidw_stable "$LIB" "$BASELINE" || exit 1
  echo "abi_check: wrote $BASELINE from $LIB"
  exit 0
fi

TMP=$(mktemp -d "${TMPDIR:-/tmp}/qiaolian-abi.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
failures=0

# ---- 1. abidiff against the baseline.
if ! readelf --section-headers "$LIB" | grep -q '\.debug_info'; then
  # Types need DWARF: a Release build is checked by its symbols only.
  echo "abi_check: WARNING: $LIB has no debug information; abidiff skipped" \
    "(build with CMAKE_BUILD_TYPE=RelWithDebInfo or Debug)" >&2
elif [ ! -f "$BASELINE" ]; then
  echo "FAIL: no baseline $BASELINE (make abi-baseline)" >&2
  failures=$((failures + 1))
elif ! abidw_stable "$LIB" "$TMP/current.abi"; then
  echo "FAIL: abidw could not read $LIB" >&2
  failures=$((failures + 1))
else
  abidiff --no-show-locs "$BASELINE" "$TMP/current.abi" >"$TMP/diff" 2>&1
  rc=$?
  if [ $((rc & 3)) -ne 0 ]; then
    echo "FAIL: abidiff failed (exit status $rc)" >&2
    cat "$TMP/diff" >&2
    failures=$((failures + 1))
  elif [ $((rc & 8)) -ne 0 ]; then
    echo "FAIL: incompatible ABI change against $BASELINE:" >&2
    cat "$TMP/diff" >&2
    failures=$((failures + 1))
  elif [ $((rc & 4)) -ne 0 ]; then
    abidiff --no-show-locs --no-added-syms "$BASELINE" "$TMP/current.abi" \
      >"$TMP/diff2" 2>&1
    rc2=$?
    if [ "$rc2" -ne 0 ]; then
      echo "FAIL: ABI change other than additions against $BASELINE" \
        "(exit status $rc2); a changed meaning needs a new name (_v2):" >&2
      cat "$TMP/diff2" >&2
      failures=$((failures + 1))
    else
      echo "abi_check: compatible additions (update the baseline with" \
        "'make abi-baseline' when releasing):"
      cat "$TMP/diff"
    fi
  else
    echo "abi_check: ABI identical to $BASELINE"
  fi
fi

# ---- 2. Exported symbols against the header.
"$PYTHON" "$ROOT/tests/capi/gen_null_test.py" --list "$HEADERS/c.h" |
  sort -u >"$TMP/header" || {
  echo "FAIL: cannot list the functions of c.h" >&2
  exit 1
}
# "ADDRESS TYPE NAME@@VERSION"; absolute (A) entries are version nodes.
nm -D --defined-only "$LIB" >"$TMP/nm" || {
  echo "FAIL: nm -D $LIB" >&2
  exit 1
}
awk '$2 != "A" { sub(/@.*/, "", $3); print $3 }' "$TMP/nm" | sort -u \
  >"$TMP/exported"
awk '$2 == "A" { sub(/@.*/, "", $3); print $3 }' "$TMP/nm" | sort -u \
  >"$TMP/nodes"

if [ ! -s "$TMP/header" ]; then
  echo "FAIL: no QIAOLIAN_EXPORT function found in c.h" >&2
  failures=$((failures + 1))
fi
if ! diff -u "$TMP/header" "$TMP/exported" >"$TMP/symdiff"; then
  echo "FAIL: exported symbols (+) differ from the functions of c.h (-):" >&2
  grep '^[-+][^-+]' "$TMP/symdiff" >&2
  failures=$((failures + 1))
fi
if grep -v '^qiaolian_' "$TMP/exported" >"$TMP/foreign"; then
  echo "FAIL: symbols exported without the qiaolian_ prefix:" >&2
  cat "$TMP/foreign" >&2
  failures=$((failures + 1))
fi
if grep -v -E '^QIAOLIAN_[0-9]+$' "$TMP/nodes" >"$TMP/badnodes"; then
  echo "FAIL: unexpected absolute symbols:" >&2
  cat "$TMP/badnodes" >&2
  failures=$((failures + 1))
fi
echo "abi_check: $(wc -l <"$TMP/exported") exported functions," \
  "$(wc -l <"$TMP/header") declared in c.h"

if [ "$failures" -ne 0 ]; then
  echo "abi_check: $failures failure(s)" >&2
  exit 1
fi
exit 0
