#!/usr/bin/env bash
# End-to-end test of the qiaolian command-line tool and of the example data.
#
#   bash tests/cli/cli_test.sh BUILD/qiaolian REPO_ROOT
#
# Every check runs the real binary on a fresh store in a temporary directory
# and looks at both the exit status and the text printed. Failures are
# counted; the script exits 1 if any check failed. Not covered here (the C++
# store tests cover them): a store locked by another process and a store of a
# newer schema version.
set -u

. "$(dirname "$0")/harness.sh" cli_test "$@"
EX=${ROOT:?usage: $0 QIAOLIAN_BINARY REPO_ROOT}/examples/2020

# contains TEXT: stdout or stderr of the last run contains TEXT.
contains() {
  cat "$OUT" "$ERR" | grep -qF -- "$1"
}

# expect_ok DESC TEXT CMD...: exit status 0 and TEXT in the output.
expect_ok() {
  local desc=$1 text=$2
  shift 2
  checks=$((checks + 1))
  run "$@"
  if [ "$rc" -ne 0 ]; then
    fail "$desc: exit status $rc, expected 0"
  elif ! contains "$text"; then
    fail "$desc: output lacks \"$text\""
  fi
}

# expect_fail DESC STATUS TEXT CMD...: exit status STATUS and TEXT in the
# output.
expect_fail() {
  local desc=$1 status=$2 text=$3
  shift 3
  checks=$((checks + 1))
  run "$@"
  if [ "$rc" -ne "$status" ]; then
    fail "$desc: exit status $rc, expected $status"
  elif ! contains "$text"; then
    fail "$desc: output lacks \"$text\""
  fi
}

# expect_eq DESC ACTUAL EXPECTED
expect_eq() {
  checks=$((checks + 1))
  if [ "$2" != "$3" ]; then
    failures=$((failures + 1))
    echo "FAIL: $1: got \"$2\", expected \"$3\"" >&2
  fi
}

q() { "$BIN" --store "$S" "$@"; }
count() { "$BIN" --store "$S" list "$1" 2>/dev/null | wc -l | tr -d ' '; }

# expect_rejected DESC KIND TEXT FILE: `put KIND FILE` fails with TEXT and
# the number of KIND records is unchanged.
expect_rejected() {
  local desc=$1 kind=$2 text=$3 file=$4
  local before after
  before=$(count "$kind")
  expect_fail "$desc" 1 "$text" q put "$kind" "$file"
  after=$(count "$kind")
  expect_eq "$desc: $kind records before/after" "$after" "$before"
}

# write FILE LINE...: one line per argument.
write() {
  local file=$1
  shift
  printf '%s\n' "$@" >"$file"
}

# --- Usage errors (exit 2) and missing store ------------------------------
expect_fail "no subcommand" 2 "subcommand" "$BIN"
expect_fail "unknown option" 2 "--bogus" "$BIN" --store "$S" list person --bogus
expect_fail "get without id" 2 "id is required" "$BIN" --store "$S" get person
expect_fail "put without kind" 2 "kind is required" "$BIN" --store "$S" put
expect_fail "id not a number" 2 "id" "$BIN" --store "$S" get person abc
expect_fail "no store given" 2 "no store given" "$BIN" list person
expect_fail "put without store" 2 "no store given" "$BIN" put enterprise "$EX/enterprise.jsonl"
expect_fail "store missing" 1 "no store at" q list person
checks=$((checks + 1))
[ -e "$S" ] && fail "reading a missing store created $S"

# --- init -----------------------------------------------------------------
expect_ok "init" "ready" q init
expect_ok "init again (check)" "ready" q init
expect_eq "empty store lists nothing" "$(count person)" "0"

# --- Load the example data set in order -----------------------------------
for kind in enterprise person case donation event; do
  file=$EX/$kind.jsonl
  n=$(grep -c . "$file")
  expect_ok "put $kind examples" "1" q put "$kind" "$file"
  expect_eq "put $kind prints ids 1..$n" "$(tr '\n' ' ' <"$OUT")" "$(seq -s ' ' 1 "$n") "
  expect_eq "list $kind after load" "$(count "$kind")" "$n"
done
n_enterprise=$(grep -c . "$EX/enterprise.jsonl")

# --- get / list -----------------------------------------------------------
expect_ok "get enterprise 1" '"name":"三久制造"' q get enterprise 1
expect_ok "get enterprise 1 has meta" '"revision":"1"' q get enterprise 1
expect_ok "get person 1" "胡正明" q get person 1
expect_ok "get --pretty" '"name": "胡正明"' q get person 1 --pretty
checks=$((checks + 1))
[ "$(wc -l <"$OUT")" -gt 5 ] || fail "get --pretty printed one line"
expect_ok "get donation 1 (masks)" '"quantity":"600"' q get donation 1
expect_ok "donation 1 goes to hospital 10" '"id":"10"' q get donation 1
expect_ok "get donation 2 (2万元)" '"amountMinor":"2000000"' q get donation 2
expect_ok "get event 5 (clicks)" '"clicks":"2321"' q get event 5
expect_ok "kind name is case-insensitive" "胡正明" q get PERSON 1
expect_fail "get missing record" 1 "NOT_FOUND" q get person 999
expect_ok "list --limit 3" "三久制造" q list enterprise --limit 3
expect_eq "list --limit 3 prints 3 lines" "$(wc -l <"$OUT" | tr -d ' ')" "3"
expect_ok "list --after" '"id":"'"$n_enterprise"'"' q list enterprise --after $((n_enterprise - 2))
expect_eq "list --after prints 2 lines" "$(wc -l <"$OUT" | tr -d ' ')" "2"
expect_ok "QIAOLIAN_STORE is used" "胡正明" env QIAOLIAN_STORE="$S" "$BIN" get person 1

# --- update ---------------------------------------------------------------
q get person 3 >"$TMP/p3.json"
sed 's/"notes":"[^"]*"/"notes":"已更新"/' "$TMP/p3.json" >"$TMP/p3-new.json"
expect_ok "update with current revision" "revision 2" q update person 3 "$TMP/p3-new.json"
expect_ok "update took effect" '"notes":"已更新"' q get person 3
expect_ok "update bumped the revision" '"revision":"2"' q get person 3
q get person 3 >"$TMP/p3-before.json"
sed 's/"notes":"[^"]*"/"notes":"过期的修改"/' "$TMP/p3.json" >"$TMP/p3-stale.json"
expect_fail "update with stale revision" 1 "conflict" q update person 3 "$TMP/p3-stale.json"
run q get person 3
expect_eq "stale update changed nothing" "$(cat "$OUT")" "$(cat "$TMP/p3-before.json")"
write "$TMP/p3-norev.json" '{"name":"尹娟","categories":["CATEGORY_RETURNEE"],"notes":"无版本"}'
expect_fail "update without revision" 1 "meta.revision is missing" q update person 3 "$TMP/p3-norev.json"
run q get person 3
expect_eq "update without revision changed nothing" "$(cat "$OUT")" "$(cat "$TMP/p3-before.json")"
expect_ok "update --force" "revision 3" q update person 3 "$TMP/p3-norev.json" --force
expect_ok "forced update took effect" '"notes":"无版本"' q get person 3
expect_ok "update from stdin" "revision 4" \
  sh -c "printf '%s' '{\"meta\":{\"revision\":\"3\"},\"name\":\"尹娟\"}' | \"\$0\" --store \"\$1\" update person 3 -" "$BIN" "$S"
write "$TMP/p-otherid.json" '{"meta":{"id":"2","revision":"1"},"name":"X"}'
expect_fail "update with another meta.id" 1 "meta.id is 2" q update person 3 "$TMP/p-otherid.json"
q get enterprise 1 >"$TMP/e1-before.json"
sed 's/"uscc":"[^"]*"/"uscc":"91320413723588143E"/' "$TMP/e1-before.json" >"$TMP/e1-bad.json"
expect_fail "update with invalid content" 1 "enterprise.uscc" q update enterprise 1 "$TMP/e1-bad.json"
run q get enterprise 1
expect_eq "invalid update changed nothing" "$(cat "$OUT")" "$(cat "$TMP/e1-before.json")"
expect_fail "update of a missing record" 1 "NOT_FOUND" q update person 999 "$TMP/p3-norev.json" --force

# --- delete and history ---------------------------------------------------
write "$TMP/scratch.jsonl" '{"name":"临时企业"}'
expect_ok "put scratch enterprise" "$((n_enterprise + 1))" q put enterprise "$TMP/scratch.jsonl"
id=$((n_enterprise + 1))
write "$TMP/scratch-upd.json" '{"meta":{"revision":"1"},"name":"临时企业（改）"}'
expect_ok "update scratch" "revision 2" q update enterprise $id "$TMP/scratch-upd.json"
expect_fail "delete with stale --revision" 1 "conflict" q delete enterprise $id --revision 1
expect_ok "scratch survives a refused delete" "临时企业（改）" q get enterprise $id
expect_ok "delete" "deleted enterprise $id" q delete enterprise $id --revision 2
expect_fail "get after delete" 1 "NOT_FOUND" q get enterprise $id
expect_fail "delete again" 1 "NOT_FOUND" q delete enterprise $id
expect_eq "count after delete" "$(count enterprise)" "$n_enterprise"
expect_ok "history: create" "OP_CREATE" q history enterprise $id
expect_ok "history: update" "OP_UPDATE" q history enterprise $id
expect_ok "history: delete" "OP_DELETE" q history enterprise $id
expect_eq "history has 3 entries" "$(wc -l <"$OUT" | tr -d ' ')" "3"
expect_ok "history of person 3" '"revision":"4"' q history person 3
expect_fail "history of a missing record" 1 "NOT_FOUND" q history person 999
write "$TMP/scratch2.jsonl" '{"name":"新企业"}'
expect_ok "ids are not reused after delete" "$((id + 1))" q put enterprise "$TMP/scratch2.jsonl"
q delete enterprise $((id + 1)) >/dev/null

# --- Bad input: a clear message naming the line or field, nothing written --
write "$TMP/malformed.jsonl" '{"name":"好企业"}' '{"name":'
expect_rejected "malformed JSON" enterprise "malformed.jsonl:2:" "$TMP/malformed.jsonl"
expect_rejected "malformed JSON says nothing written" enterprise "nothing was written" "$TMP/malformed.jsonl"
write "$TMP/unknown-field.jsonl" '{"name":"A","bogusField":1}'
expect_rejected "unknown field" enterprise "bogusField" "$TMP/unknown-field.jsonl"
write "$TMP/wrong-type.jsonl" '{"name":123}'
expect_rejected "wrong type" enterprise "name" "$TMP/wrong-type.jsonl"
# (protobuf's parser names the field in snake_case here; it also takes the
# strings "yes"/"no"/"1"/"true" for a bool, so use a number.)
write "$TMP/wrong-type2.jsonl" '{"name":"A","overseasChineseInvested":2}'
expect_rejected "wrong type (bool)" enterprise "overseas_chinese_invested" "$TMP/wrong-type2.jsonl"
write "$TMP/wrong-type3.jsonl" '{"name":"A","employeeCount":1.5}'
expect_rejected "wrong type (fraction)" enterprise "employee_count" "$TMP/wrong-type3.jsonl"
write "$TMP/bad-enum.jsonl" '{"name":"A","type":"TYPE_NONSENSE"}'
expect_rejected "unknown enum value" enterprise "TYPE_NONSENSE" "$TMP/bad-enum.jsonl"
printf '{"name":"A"}\n{"name":"\xff\xfe"}\n' >"$TMP/utf8.jsonl"
expect_rejected "invalid UTF-8" enterprise "utf8.jsonl:2:" "$TMP/utf8.jsonl"
expect_rejected "invalid UTF-8 message" enterprise "UTF-8" "$TMP/utf8.jsonl"
write "$TMP/date.jsonl" '{"name":"A","established":{"year":2021,"month":2,"day":30}}'
expect_rejected "impossible date" enterprise "enterprise.established: 2021-02-30" "$TMP/date.jsonl"
write "$TMP/uscc.jsonl" '{"name":"A","uscc":"91320413723588143E"}'
expect_rejected "bad USCC check character" enterprise "enterprise.uscc" "$TMP/uscc.jsonl"
expect_rejected "bad USCC says expected" enterprise "expected 'D'" "$TMP/uscc.jsonl"
write "$TMP/uscc-lower.jsonl" '{"name":"A","uscc":"91320413ma1mq7k31d"}'
expect_rejected "lower-case USCC" enterprise "enterprise.uscc" "$TMP/uscc-lower.jsonl"
write "$TMP/currency.jsonl" '{"name":"A","registeredCapital":{"currency":"RMB","amountMinor":"50000000"}}'
expect_rejected "bad currency code" enterprise "registeredCapital.currency" "$TMP/currency.jsonl"
write "$TMP/country.jsonl" '{"name":"A","investorCountries":["XX"]}'
expect_rejected "bad country code" enterprise "investorCountries" "$TMP/country.jsonl"
write "$TMP/noname.jsonl" '{"uscc":"91320413MA1MQ7K31D"}'
expect_rejected "missing required name" enterprise "enterprise.name: required" "$TMP/noname.jsonl"
write "$TMP/negative.jsonl" '{"direction":"DIRECTION_INBOUND","type":"TYPE_GOODS","date":{"year":2020,"month":2,"day":1},"items":[{"description":"口罩","quantity":"-600","unit":"只"}]}'
expect_rejected "negative quantity" donation "quantity" "$TMP/negative.jsonl"
write "$TMP/negative-money.jsonl" '{"direction":"DIRECTION_OUTBOUND","type":"TYPE_MONEY","date":{"year":2020,"month":2,"day":1},"money":{"currency":"CNY","amountMinor":"-100"}}'
expect_rejected "negative amount" donation "amountMinor" "$TMP/negative-money.jsonl"
write "$TMP/case-noreceived.jsonl" '{"channel":"CHANNEL_PHONE","type":"TYPE_CONSULTATION"}'
expect_rejected "case without received date" case "case.received" "$TMP/case-noreceived.jsonl"
write "$TMP/dangling.jsonl" '{"direction":"DIRECTION_INBOUND","type":"TYPE_GOODS","date":{"year":2020,"month":2,"day":1},"raisedVia":{"kind":"KIND_ENTERPRISE","id":"999"}}'
expect_rejected "dangling Ref" donation "enterprise 999 does not exist" "$TMP/dangling.jsonl"
expect_rejected "dangling Ref names the field" donation "raisedVia" "$TMP/dangling.jsonl"
write "$TMP/meta.jsonl" '{"meta":{"id":"7"},"name":"A"}'
expect_rejected "meta.id set on put" enterprise "assigned by the store" "$TMP/meta.jsonl"
# Line 3 of 3 bad: lines 1 and 2 must not be written either.
write "$TMP/third-bad.jsonl" '{"name":"第一行"}' '{"name":"第二行"}' '{"name":"第三行","uscc":"123"}'
expect_rejected "line 3 of 3 invalid" enterprise "third-bad.jsonl:3:" "$TMP/third-bad.jsonl"
write "$TMP/third-dangling.jsonl" '{"name":"第一行"}' '{"name":"第二行"}' '{"name":"第三行","parent":{"kind":"KIND_ENTERPRISE","id":"999"}}'
expect_rejected "line 3 of 3 dangling Ref" enterprise "third-dangling.jsonl:3:" "$TMP/third-dangling.jsonl"
expect_ok "nothing from rejected files was written" "" q list enterprise
checks=$((checks + 1))
if grep -qE '第一行|第二行|第三行|好企业' "$OUT"; then
  fail "a rejected put left records behind"
fi
# Refs to records created earlier in the same put are fine.
write "$TMP/same-put.jsonl" '{"name":"总公司"}' '{"name":"分公司","type":"TYPE_BRANCH","parent":{"kind":"KIND_ENTERPRISE","id":"'$((id + 2))'"}}'
expect_ok "Ref to a record earlier in the same put" "$((id + 3))" q put enterprise "$TMP/same-put.jsonl"
expect_fail "unknown kind" 1 "unknown kind" q put widget "$EX/enterprise.jsonl"
expect_fail "unknown kind (get)" 1 "expected one of" q get widget 1
: >"$TMP/empty.jsonl"
expect_fail "empty input" 1 "no records" q put enterprise "$TMP/empty.jsonl"
expect_fail "unreadable input" 1 "cannot read" q put enterprise "$TMP/does-not-exist.jsonl"

# --- Queries, counts, explain, verify, reindex ------------------------------
expect_ok "query --table" "东非商会" q query 'enterprise where type = ASSOCIATION' --table
expect_ok "query --table has a header" "foreign_name" q query 'enterprise where type = ASSOCIATION' --table
expect_ok "query prints JSON lines" '"name":"东非商会"' q query 'enterprise where type = ASSOCIATION'
expect_ok "query --page-size gives a cursor" "more: --cursor" q query 'event where type = MEDIA_REPORT' --page-size 2
expect_eq "query --page-size prints 2 lines" "$(wc -l <"$OUT" | tr -d ' ')" "2"
cursor=$(sed -n 's/^more: --cursor //p' "$ERR")
expect_ok "query --cursor resumes" '"type":"TYPE_MEDIA_REPORT"' q query 'event where type = MEDIA_REPORT' --page-size 2 --cursor "$cursor"
expect_eq "query --cursor prints the rest" "$(wc -l <"$OUT" | tr -d ' ')" "1"
expect_ok "count" "count" q count 'event where type = MEDIA_REPORT'
expect_eq "count of media reports" "$(tail -n 1 "$OUT")" "3"
expect_ok "count group by type" "MEDIA_REPORT" q count 'event group by type'
expect_ok "count --json has ids" '"ids"' q count --json 'event group by type'
expect_ok "explain names the index" "index" q explain 'enterprise where type = ASSOCIATION'
expect_ok "explain --allow-scan" "FULL SCAN" q explain 'enterprise where notes prefix "江苏"' --allow-scan
expect_ok "verify" "consistent" q verify
expect_ok "reindex" "rebuilt" q reindex
expect_ok "verify after reindex" "consistent" q verify
expect_ok "compact" "store compacted" q compact
expect_ok "verify after compact" "consistent" q verify
# A record written on its own adds single n-gram entries; compact packs them.
write "$TMP/packme.jsonl" '{"name":"常州晨风侨资纺织有限公司"}'
expect_ok "put one enterprise" "1" q put enterprise "$TMP/packme.jsonl"
expect_ok "compact packs search entries" "search entries packed into blocks" q compact
expect_ok "verify after packing" "consistent" q verify
expect_ok "search after packing" "常州晨风侨资纺织有限公司" q search enterprise "侨资纺织"
expect_fail "query parse error" 1 "at column" q query 'enterprise where type = '
expect_fail "query unknown field" 1 "unknown field" q query 'enterprise where nmae = "x"'
expect_fail "query unindexed field" 1 "no index serves" q query 'enterprise where notes prefix "江苏"'
expect_ok "query unindexed field --allow-scan" "古籍印刷厂" q query 'enterprise where notes prefix "江苏"' --allow-scan
write "$TMP/dup-uscc.jsonl" '{"name":"重复企业","uscc":"91320413723588143D"}'
expect_rejected "duplicate USCC" enterprise "already used by" "$TMP/dup-uscc.jsonl"
expect_rejected "duplicate USCC names the holder" enterprise "enterprise 1" "$TMP/dup-uscc.jsonl"
# add: one record from fields named as imports read them; a visit to the
# enterprise of that USCC, given by name.
visited=$(q query 'enterprise where uscc = "91320413723588143D"' | sed -n 's/.*"name":"\([^"]*\)".*/\1/p' | head -n 1)
run q add event 活动类型=走访企业 日期=2020年5月6日 "participants.ref=enterprise:$visited" participants.role=走访对象
if [ "$rc" != 0 ]; then fail "add event"; fi
visit=$(cat "$OUT")
expect_ok "add event: the visit names the enterprise" '"participants":[{"ref":{"kind":"KIND_ENTERPRISE","id":"1"},"role":"ROLE_VISITED"}]' q get event "$visit"
expect_ok "add --dry-run writes nothing" "DRY RUN (nothing written)" q add event 活动类型=会议 日期=2020-05-07 --dry-run
expect_fail "add: an unknown field" 1 'no field of event is called "颜色"' q add event 颜色=会议
expect_fail "add: NAME=VALUE expected" 1 "expected NAME=VALUE" q add event 会议
expect_ok "set: a field of the visit" "event $visit revision 2" q set event "$visit" 标题=走访侨资企业
expect_ok "set: the field changed, the others stayed" '"title":"走访侨资企业"' q get event "$visit"
expect_ok "set: the same again changes nothing" "unchanged (revision 2)" q set event "$visit" 标题=走访侨资企业
expect_fail "set: a value that cannot be read" 1 "日期" q set event "$visit" 日期=2020-02-30
expect_fail "add: a name no enterprise has" 1 'no enterprise of this store is named "无此企业"' q add event 活动类型=走访企业 日期=2020-05-06 participants.ref=enterprise:无此企业

# --- Not a store ------------------------------------------------------------
mkdir "$TMP/notastore"
echo "hello" >"$TMP/notastore/notes.txt"
expect_fail "not a store (list)" 1 "not a qiaolian store" "$BIN" --store "$TMP/notastore" list person
expect_fail "not a store (init)" 1 "not a qiaolian store" "$BIN" --store "$TMP/notastore" init
expect_fail "not a store (put)" 1 "not a qiaolian store" "$BIN" --store "$TMP/notastore" put enterprise "$EX/enterprise.jsonl"
expect_eq "not a store: directory untouched" "$(ls "$TMP/notastore")" "notes.txt"
echo "x" >"$TMP/afile"
expect_fail "store is a file" 1 "not a qiaolian store" "$BIN" --store "$TMP/afile" list person

# --- Export (docs/export.md) ------------------------------------------------
expect_ok "export csv" "91320413723588143D" q export 'enterprise where uscc = "91320413723588143D"'
expect_eq "export csv header" "$(head -n 1 "$OUT" | cut -d, -f1-3)" "id,name,former_names"
expect_eq "export csv CRLF" "$(head -n 1 "$OUT" | od -An -c | tr -d ' \n' | tail -c 4)" '\r\n'
write "$TMP/export-person.jsonl" '{"name":"导出测试","identityDocuments":[{"type":"TYPE_RESIDENT_ID","number":"11010519491231002X"}],"contacts":[{"type":"TYPE_PHONE","value":"13912345678"}]}'
expect_ok "put person for export" "" q put person "$TMP/export-person.jsonl"
expect_ok "export masks resident IDs" "110105********002X" q export 'person where name = "导出测试"'
expect_ok "export masks phones" "139****5678" q export 'person where name = "导出测试"'
expect_ok "export --unmasked" "11010519491231002X" q export 'person where name = "导出测试"' --unmasked
expect_ok "export jsonl masked" "110105********002X" q export 'person where name = "导出测试"' --format jsonl
expect_ok "export -o --bom" "1 records exported" q export 'person where name = "导出测试"' -o "$TMP/export.csv" --bom
expect_eq "export --bom writes the BOM" "$(head -c 3 "$TMP/export.csv" | od -An -tx1 | tr -d ' \n')" "efbbbf"
expect_fail "export unknown format" 1 "unknown export format" q export 'enterprise where status = ACTIVE' --format xml
expect_ok "export xlsx" "records exported" q export 'enterprise where uscc = "91320413723588143D"' --format xlsx -o "$TMP/export.xlsx"
expect_eq "export xlsx is a zip" "$(head -c 2 "$TMP/export.xlsx")" "PK"
expect_ok "exported xlsx re-imports (dry run)" "1 unchanged" q import enterprise "$TMP/export.xlsx" --dry-run
expect_ok "import --sheet 1 names the sheet" "(xlsx, sheet " q import enterprise "$TMP/export.xlsx" --dry-run --sheet 1
expect_ok "import --all-sheets reads each sheet" "(xlsx, sheet " q import enterprise "$TMP/export.xlsx" --dry-run --all-sheets
expect_fail "import --all-sheets with --sheet" 1 "give one of them" q import enterprise "$TMP/export.xlsx" --all-sheets --sheet 1
expect_fail "import --sheet unknown lists the sheets" 1 "has no sheet \"名单\" (its sheets: 1 " q import enterprise "$TMP/export.xlsx" --dry-run --sheet 名单
expect_ok "import --bulk-load on into a store with enterprises" "bulk load: " q import enterprise "$TMP/export.xlsx" --bulk-load on
expect_ok "after a bulk load the store verifies" "consistent" q verify
expect_fail "import --bulk-load bogus" 1 "expected auto, on or off" q import enterprise "$TMP/export.xlsx" --bulk-load bogus
printf '企业名称,统一社会信用代码,成立日期,注册资本（万元）\n新加坡公司,91210204311478909W,13/05/2008,"1.234,5"\n' > "$TMP/sg.csv"
expect_ok "import: a date written day first is rejected, saying what to give" "give the file's date order (dmy: day first, mdy: month first)" q import enterprise "$TMP/sg.csv" --dry-run
expect_ok "import --date-order dmy --decimal-mark comma" "1 created" q import enterprise "$TMP/sg.csv" --date-order dmy --decimal-mark comma
expect_ok "the date read day first" '"established":{"year":2008,"month":5,"day":13}' q query 'enterprise where uscc = "91210204311478909W"'
expect_ok "the capital read with its decimal comma" '"amountMinor":"1234500000"' q query 'enterprise where uscc = "91210204311478909W"'
expect_fail "import --date-order bogus" 1 "expected auto, ymd (year first), dmy (day first) or mdy (month first)" q import enterprise "$TMP/sg.csv" --date-order dd/mm
expect_fail "import --decimal-mark with a workbook" 1 "is not a CSV or TSV file" q import enterprise "$TMP/export.xlsx" --decimal-mark comma
printf '2023年侨资企业名单,\n\n企业名称,统一社会信用代码\n标题公司,91350100M000100Y43\n' > "$TMP/titled.csv"
expect_ok "import finds the header below a title" "header on line 3; 1 row above it not imported:
    2023年侨资企业名单" q import enterprise "$TMP/titled.csv" --dry-run
expect_ok "import --header-row" "1 created" q import enterprise "$TMP/titled.csv" --header-row 3
# Several files, one after the other: one that cannot be read is reported,
# the others imported; each file's rejects in a reject file of its own.
printf '企业名称,统一社会信用代码\n县一公司,91320482MA20ABCD1E\n坏码公司,91320482MA20ABCD1X\n' > "$TMP/县一.csv"
printf '企业名称;统一社会信用代码\n县二公司;91310115MA1K3NQ279\n' > "$TMP/县二.csv"
expect_fail "import of several files goes on past a missing one" 1 "$TMP/none.csv: NOT_FOUND" q import enterprise "$TMP/县一.csv" "$TMP/none.csv" "$TMP/县二.csv" --reject-file "$TMP/r.csv"
expect_ok "the files around it were imported" "2" q count 'enterprise where name prefix "县"'
expect_fail "a total line for several files" 1 "total: 2 files imported, 1 not; 3 rows: 0 created, 0 updated, 2 unchanged, 0 duplicate rows, 1 rejected" q import enterprise "$TMP/县一.csv" "$TMP/none.csv" "$TMP/县二.csv" --dry-run
expect_eq "each file's rejects apart" "$(tail -n +2 "$TMP/r-县一.csv" | cut -d, -f1)" "3"
expect_fail "import --header-row on a blank line" 1 "no row of $TMP/titled.csv starts on line 2 (the header row given)" q import enterprise "$TMP/titled.csv" --header-row 2
# The office's round trip: export, edit, import --mode update; the id column
# finds the person (who has no natural key here). A masked export is refused.
expect_ok "export for editing" "1 records exported" q export 'person where name = "导出测试"' --unmasked --columns id,name,notes -o "$TMP/edit.csv"
sed -i 's/导出测试,\r$/导出测试,已回国\r/' "$TMP/edit.csv"
expect_ok "edited export updates by id" "0 created, 1 updated" q import person "$TMP/edit.csv" --mode update
expect_ok "the edit is there" "已回国" q export 'person where name = "导出测试"' --columns notes
expect_ok "masked export" "1 records exported" q export 'person where name = "导出测试"' -o "$TMP/masked.jsonl"
expect_ok "masked export is not read back" "masked, as an export" q import person "$TMP/masked.jsonl" --mode update
expect_ok "the phone is kept" "13912345678" q export 'person where name = "导出测试"' --unmasked
expect_ok "export --labels" "居民身份证" q export 'person where name = "导出测试"' --labels --columns name,identity_documents.type
expect_ok "export --chinese-headers" "姓名,证件类型" q export 'person where name = "导出测试"' --chinese-headers --columns name,identity_documents.type
expect_ok "export --chinese-headers to edit" "1 records exported" q export 'person where name = "导出测试"' --unmasked --chinese-headers --labels -o "$TMP/zh.xlsx"
expect_ok "a Chinese-headed export imports back" "0 created, 0 updated, 1 unchanged" q import person "$TMP/zh.xlsx" --mode update
q export 'person where name = "导出测试"' --columns id,name -o "$TMP/rename.csv" >/dev/null 2>&1
sed -i 's/导出测试/导出测验/' "$TMP/rename.csv"
expect_ok "a rename by id alone is not trusted" "1 created" q import person "$TMP/rename.csv" --mode update --dry-run
expect_ok "import --trust-ids renames" "0 created, 1 updated" q import person "$TMP/rename.csv" --mode update --trust-ids
expect_ok "the renamed person" "导出测验" q export 'person where name = "导出测验"' --columns name
printf '姓名,手机\n手机有误,1390000111\n' >"$TMP/phones.csv"
printf '来访日期,来访人,反映问题\n1999-03-05,王芳,房屋租赁纠纷\n' >"$TMP/visits.csv"
expect_ok "a case register without a type column" "--set type=VALUE" q import case "$TMP/visits.csv" --dry-run
expect_ok "import --set gives it" "1 created" q import case "$TMP/visits.csv" --set type=信访 --set 事项主题=房屋纠纷
expect_ok "the case as imported" 'VISIT,PETITION,HOUSING_RENT,房屋租赁纠纷,王芳' q export 'case where received = 1999-03-05' --columns channel,type,topic,title,parties.name
expect_fail "import --set without =" 1 "expected FIELD=VALUE" q import case "$TMP/visits.csv" --set type
expect_ok "a phone that cannot be one: its line" 'warning on line 2: 手机: "1390000111" has 10 digits' q import person "$TMP/phones.csv" --dry-run
expect_fail "export unindexed" 1 "no index serves" q export 'enterprise where notes prefix "江苏"'
expect_ok "export --allow-scan" "古籍印刷厂" q export 'enterprise where notes prefix "江苏"' --allow-scan
expect_fail "export failure leaves no file" 1 "no index serves" q export 'enterprise where notes prefix "江苏"' --format xlsx -o "$TMP/none.xlsx"
expect_eq "no file after failed export" "$(ls "$TMP"/none.xlsx* 2>/dev/null)" ""

finish
