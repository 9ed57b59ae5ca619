#!/usr/bin/env bash
# End-to-end test of `qiaolian repair` (docs/reliability.md): a store with a
# flipped byte in a table file fails with DATA_LOSS pointing at repair;
# repair brings it back, says what was lost, and verify is clean after.
#
#   bash tests/cli/reliability_test.sh BUILD/qiaolian REPO_ROOT
set -u
if [ $# -ne 2 ]; then
  echo "usage: $0 QIAOLIAN_BINARY REPO_ROOT" >&2
  exit 2
fi
BIN=$1
EX=$2/examples/2020
unset QIAOLIAN_STORE
TMP=$(mktemp -d "${TMPDIR:-/tmp}/qiaolian-rel-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
S=$TMP/store
checks=0
failures=0
check() {  # check DESCRIPTION COMMAND...: the command must succeed.
  local what=$1
  shift
  checks=$((checks + 1))
  if ! "$@"; then
    failures=$((failures + 1))
    echo "FAILED: $what" >&2
  fi
}

"$BIN" --store "$S" init >/dev/null || exit 1
for k in enterprise person; do
  "$BIN" --store "$S" put "$k" "$EX/$k.jsonl" >/dev/null || exit 1
done
# Opening again turns the log into a table file.
"$BIN" --store "$S" verify >/dev/null || exit 1

# A healthy store: repair changes nothing.
"$BIN" --store "$S" repair >"$TMP/out" 2>"$TMP/err"
check "repair of a healthy store exits 0" test $? -eq 0
check "nothing lost" grep -q "^records lost: 0$" "$TMP/out"
check "verify consistent after" grep -q "^verify: consistent$" "$TMP/out"

# Damage in the first data block of every table file (the directory may
# also hold tables a compaction left unfinished, which are not read).
# Damage in a table's bloom filter or metaindex block would not be an error:
# LevelDB then reads the table without the filter, and the data stays right.
for table in "$S"/*.ldb; do
  printf '\xff\xff\xff\xff' | dd of="$table" bs=1 seek=100 conv=notrunc status=none
done
"$BIN" --store "$S" verify >"$TMP/out" 2>"$TMP/err"
rc=$?
check "verify of the damaged store fails" test $rc -ne 0
check "with DATA_LOSS" grep -q "DATA_LOSS" "$TMP/err"
check "pointing at qiaolian repair" grep -q "qiaolian repair" "$TMP/err"

"$BIN" --store "$S" repair --json >"$TMP/out" 2>"$TMP/err"
check "repair exits 0" test $? -eq 0
check "repair --json reports" /usr/bin/python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
assert r["consistent"] is True, r
kinds = {k["kind"]: k for k in r["kinds"]}
# "before" is -1 when the block holding the counters was the one lost.
assert kinds["person"]["before"] in (-1, 4), r
assert 0 <= kinds["person"]["after"] <= 4, r
assert r["records_lost"] == sum(max(0, k["before"] - k["after"]) for k in r["kinds"]), r
' "$TMP/out"
"$BIN" --store "$S" verify >"$TMP/out" 2>"$TMP/err"
check "verify clean after repair" test $? -eq 0
"$BIN" --store "$S" get person 1 >/dev/null 2>&1
"$BIN" --store "$S" put person - <<<'{"name":"修复后","categories":["CATEGORY_RETURNEE"]}' >"$TMP/out" 2>"$TMP/err"
check "writable after repair" test $? -eq 0

"$BIN" --store "$TMP/none" repair >"$TMP/out" 2>"$TMP/err"
check "repair of a missing store fails" test $? -eq 1
check "with NOT_FOUND" grep -q "NOT_FOUND" "$TMP/err"

# Limits (docs/reliability.md): a query over 64 KiB, a field over 1 MiB.
q=$(/usr/bin/python3 -c 'print("person where name = \"x\"" + " " * 65536)')
"$BIN" --store "$S" query "$q" >"$TMP/out" 2>"$TMP/err"
check "a query over the limit fails" test $? -eq 1
check "with RESOURCE_EXHAUSTED" grep -q "RESOURCE_EXHAUSTED.*exceeds the limit" "$TMP/err"
/usr/bin/python3 -c 'import json; print(json.dumps({"name": "x", "categories": ["CATEGORY_RETURNEE"], "notes": "n" * (1 << 20 | 1)}))' >"$TMP/big.jsonl"
"$BIN" --store "$S" put person "$TMP/big.jsonl" >"$TMP/out" 2>"$TMP/err"
check "a field over the limit fails" test $? -eq 1
check "naming the field" grep -q "person.notes: 1048577 bytes, more than the limit" "$TMP/err"

echo "reliability_test: $checks checks, $failures failed"
[ $failures -eq 0 ]
