#!/usr/bin/env bash
# End-to-end test of `qiaolian search`, `duplicates`, `merge` and `pinyin`.
#
#   bash tests/cli/search_test.sh BUILD/qiaolian
set -u
. "$(dirname "$0")/harness.sh" search_test "$@"
# expect STATUS DESC TEXT CMD...: exit status and TEXT in stdout+stderr.
expect() {
  local want=$1 desc=$2 text=$3
  shift 3
  checks=$((checks + 1))
  run "$@"
  if [ "$rc" -ne "$want" ]; then
    fail "$desc: exit status $rc, expected $want"
  elif ! cat "$OUT" "$ERR" | grep -qF -- "$text"; then
    fail "$desc: output lacks \"$text\""
  fi
}
# first_line_has DESC TEXT: the first line of stdout of the last run.
first_line_has() {
  checks=$((checks + 1))
  if ! head -n 1 "$OUT" | grep -qF -- "$2"; then fail "$1: first line lacks \"$2\""; fi
}

"$BIN" --store "$S" init >/dev/null || { echo "init failed" >&2; exit 1; }
cat >"$TMP/people.jsonl" <<'JSON'
{"name":"陈伟","birthDate":{"year":1960,"month":1,"day":2},"address":{"text":"江苏省常州市金坛区东门大街88号"}}
{"name":"陳偉","birthDate":{"year":1960,"month":1,"day":2}}
{"name":"李晓红","formerNames":["李小红"]}
{"name":"单雄信"}
{"name":"林淑芬","contacts":[{"type":"TYPE_PHONE","value":"+65 9123 4567"}]}
JSON
cat >"$TMP/ents.jsonl" <<'JSON'
{"name":"常州晨风制造有限公司"}
{"name":"金坛晨光茶业有限公司"}
JSON
"$BIN" --store "$S" put person "$TMP/people.jsonl" >/dev/null
"$BIN" --store "$S" put enterprise "$TMP/ents.jsonl" >/dev/null
printf '{"type":"TYPE_GREETING_VISIT","date":{"year":2020,"month":2,"day":1},"participants":[{"ref":{"kind":"KIND_PERSON","id":"2"}}]}\n' >"$TMP/ev.jsonl"
"$BIN" --store "$S" put event "$TMP/ev.jsonl" >/dev/null

expect 0 "traditional query" "exact match of name" "$BIN" --store "$S" search person 陳偉
first_line_has "exact first" "person 1"
expect 0 "pinyin with spaces" "full pinyin of name" "$BIN" --store "$S" search person "chen wei"
expect 0 "initials" "initials of name" "$BIN" --store "$S" search person cw
expect 0 "former name" "former name" "$BIN" --store "$S" search person 李小红
expect 0 "surname reading" "单雄信" "$BIN" --store "$S" search person shanxiongxin
expect 0 "address substring" "address contains the query" "$BIN" --store "$S" search person 东门大街
expect 0 "phone without its country code" "林淑芬" "$BIN" --store "$S" search person "9123 4567"
expect 0 "phone with a country code in brackets" "phone number is the query, by its digits" "$BIN" --store "$S" search person "(65) 9123-4567"
expect 0 "enterprise substring" "常州晨风制造有限公司" "$BIN" --store "$S" search enterprise 晨风
checks=$((checks + 1))
if grep -qF "晨光" "$OUT"; then fail "晨风 must not find 晨光"; fi
# Without a kind: people and enterprises, best first, each hit naming its kind.
expect 0 "search both kinds" "enterprise 1	常州晨风制造有限公司" "$BIN" --store "$S" search 晨风
expect 0 "search both kinds, person first" "person 1	陈伟" "$BIN" --store "$S" search 陳偉
first_line_has "the exact person first" "person 1"
expect 0 "search both kinds as JSON" '"kind":"enterprise"' "$BIN" --store "$S" search 晨风 --json
expect 1 "a kind without text" "give the text to look for" "$BIN" --store "$S" search person
expect 0 "json hits" '"match":"exact"' "$BIN" --store "$S" search person 陈伟 --json
expect 0 "no match" "no match" "$BIN" --store "$S" search person 诸葛亮
expect 1 "other kind" "INVALID_ARGUMENT" "$BIN" --store "$S" search event 陈伟
expect 2 "bad limit" "limit" "$BIN" --store "$S" search person 陈伟 --limit 0

expect 0 "duplicates" "same name 陈伟 and birth date 1960-01-02" "$BIN" --store "$S" duplicates person
first_line_has "duplicate pair" "90"
expect 0 "duplicates json" '"score":90' "$BIN" --store "$S" duplicates person --json
expect 0 "merge" '"refs_moved":1' "$BIN" --store "$S" merge person 1 2
expect 0 "event moved" '"id":"1"' "$BIN" --store "$S" get event 1
expect 1 "merged gone" "NOT_FOUND" "$BIN" --store "$S" get person 2
expect 0 "verify after merge" "" "$BIN" --store "$S" verify
expect 0 "no duplicates left" "no duplicates found" "$BIN" --store "$S" duplicates person
expect 1 "merge again" "NOT_FOUND" "$BIN" --store "$S" merge person 1 2

expect 0 "pinyin" "shan xiong xin	sxx" "$BIN" --store "$S" pinyin 单雄信 --name
expect 0 "pinyin plain" "dan wei" "$BIN" --store "$S" pinyin 单位

finish
