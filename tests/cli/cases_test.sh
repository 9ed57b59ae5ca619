#!/usr/bin/env bash
# End-to-end test of the `calendar` and `case` commands (docs/calendar.md,
# docs/cases.md) on the examples in examples/cases.
#
#   bash tests/cli/cases_test.sh BUILD/qiaolian REPO_ROOT
#
# Every check runs the real binary (on a fresh store in a temporary
# directory) and looks at both the exit status and the text printed. The
# deadlines and figures expected here are worked out by hand in
# docs/cases.md.
set -u

. "$(dirname "$0")/harness.sh" cases_test "$@"
EX=${ROOT:?usage: $0 QIAOLIAN_BINARY REPO_ROOT}/examples/cases

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

q() { "$BIN" --store "$S" --actor 王主任 "$@"; }
c() { "$BIN" calendar "$@"; }

# ---- calendar (no store needed)
expect_ok "eve of National Day" "2020-10-10" c add-working-days 2020-09-30 2
expect_eq "one line" "$(cat "$OUT")" "2020-10-10"
expect_ok "make-up Saturday" "true" c is-working-day 2020-10-10
expect_ok "make-up label" "调休" c is-working-day 2020-10-10
expect_ok "holiday" "false" c is-working-day 2020-10-05
expect_ok "cancelled make-up day" "false" c is-working-day 2020-02-01
expect_ok "working days of 2020" "249" c working-days-between 2019-12-31 2020-12-31
expect_eq "count only" "$(cat "$OUT")" "249"
expect_ok "negative when reversed" "-2" c working-days-between 2020-10-10 2020-09-30
expect_ok "years with notices" "国办发明电〔2019〕16号" c years
expect_fail "outside the calendar" 1 "OUT_OF_RANGE" c add-working-days 2026-12-31 1
expect_ok "weekends-only" "2027-01-01" c add-working-days 2026-12-31 1 --weekends-only
expect_ok "local closure" "2020-08-04" c add-working-days 2020-07-31 1 --calendar "$EX/local-calendar.txt"
expect_ok "without it" "2020-08-03" c add-working-days 2020-07-31 1
expect_ok "local extra day" "true" c is-working-day 2020-08-08 --calendar "$EX/local-calendar.txt"
printf '2020-08-03 closed x\n' >"$TMP/bad-calendar.txt"
expect_fail "bad calendar file" 1 "bad-calendar.txt:1:" c is-working-day 2020-08-03 --calendar "$TMP/bad-calendar.txt"
expect_fail "bad date" 1 "2020-02-30" c is-working-day 2020-02-30
expect_fail "negative n" 1 "0..100000" c add-working-days 2020-01-01 -1

# ---- case workflow
expect_ok "init" "ready" "$BIN" --store "$S" init
expect_ok "register" "3" q case register "$EX/cases.jsonl" --rules "$EX/rules.txt"
expect_eq "ids" "$(tr '\n' ' ' <"$OUT")" "1 2 3 "
expect_ok "reply due" '"replyDue":{"year":2020,"month":10,"day":10}' q get case 1
expect_ok "petition reply due" '"replyDue":{"year":2020,"month":9,"day":8}' q get case 2
expect_ok "petition due" '"due":{"year":2020,"month":10,"day":19}' q get case 2
expect_ok "coordination due" '"due":{"year":2020,"month":10,"day":19}' q get case 3
expect_ok "registered" '"status":"STATUS_RECEIVED"' q get case 3

expect_ok "accept" "STATUS_RECEIVED -> STATUS_ACCEPTED on 2020-09-30" q case transition 1 accepted --note 受理 --at 2020-09-30
expect_ok "resolve" "STATUS_ACCEPTED -> STATUS_RESOLVED" q case transition 1 RESOLVED --note 已答复 --at 2020-10-09T16:30:00+08:00 --outcome answered
expect_ok "close" "STATUS_CLOSED" q case transition 1 closed --note 办结 --at 2020-10-09
expect_ok "closed date" '"closed":{"year":2020,"month":10,"day":9}' q get case 1
expect_ok "replied by resolving" '"replied":{"year":2020,"month":10,"day":9}' q get case 1
expect_ok "transition record" '"fromStatus":"STATUS_ACCEPTED","toStatus":"STATUS_RESOLVED"' q get case 1
expect_ok "actor recorded" '"by":"王主任"' q get case 1
expect_ok "accept 2" "ACCEPTED" q case transition 2 accepted --at 2020-09-02
expect_ok "work on 2" "IN_PROGRESS" q case transition 2 in_progress --at 2020-09-03
expect_ok "accept 3" "ACCEPTED" q case transition 3 accepted --at 2020-09-15

# Bad input: clear errors, nothing written.
q get case 2 >"$TMP/before.json"
expect_fail "illegal transition" 1 "cannot go from STATUS_IN_PROGRESS to STATUS_CLOSED" q case transition 2 closed --note x --at 2020-09-04
expect_fail "final state" 1 "allowed from STATUS_CLOSED: none" q case transition 1 in_progress --at 2020-10-10
expect_fail "before receipt" 1 "before the date received" q case transition 2 resolved --at 2020-08-31
expect_fail "withdrawn without a reason" 1 "note" q case transition 2 withdrawn --at 2020-09-04
expect_fail "unknown status" 1 "unknown status" q case transition 2 finished
expect_fail "stale revision" 1 "ABORTED" q case transition 2 resolved --at 2020-09-04 --revision 1
expect_fail "bad --at" 1 "RFC 3339" q case transition 2 resolved --at yesterday
expect_fail "no such case" 1 "NOT_FOUND" q case transition 99 accepted
q get case 2 >"$TMP/after.json"
expect_eq "case 2 unchanged" "$(cat "$TMP/after.json")" "$(cat "$TMP/before.json")"
printf '{"channel":"CHANNEL_ONLINE","type":"TYPE_CONSULTATION","received":{"year":2020,"month":9,"day":30},"replyDue":{"year":2020,"month":9,"day":1}}\n' >"$TMP/bad-case.jsonl"
expect_fail "deadline before receipt" 1 "before the date received" q case register "$TMP/bad-case.jsonl"
printf '{"channel":"CHANNEL_ONLINE","type":"TYPE_CONSULTATION","received":{"year":2026,"month":12,"day":31}}\n' >"$TMP/late-case.jsonl"
expect_fail "deadline outside the calendar" 1 "OUT_OF_RANGE" q case register "$TMP/late-case.jsonl"
expect_ok "still three cases" "3" q count "case"

# Overdue and rates (docs/cases.md works them out).
expect_ok "overdue reply" "1 overdue as of 2020-09-09" q case overdue --as-of 2020-09-09
expect_ok "overdue at 10-20" "2 overdue as of 2020-10-20" q case overdue --as-of 2020-10-20
expect_ok "overdue json" '"count":2' q case overdue --as-of 2020-10-20 --json
expect_ok "overdue ids" '{"id":3,"status":"STATUS_ACCEPTED","reply_due":null,"reply_overdue":false,"due":"2020-10-19","close_overdue":true,"days_late":1}' q case overdue --as-of 2020-10-20 --json
expect_ok "reply" "reply recorded on 2020-10-21" q case reply 2 --note 书面答复 --at 2020-10-21
expect_ok "closure rate" "1 / 3 = 33.3%" q case rates --from 2020-09-01 --to 2020-09-30 --as-of 2020-10-31
expect_ok "reply on time" "reply on time          1 / 2 = 50.0%" q case rates --from 2020-09-01 --to 2020-09-30 --as-of 2020-10-31
expect_ok "closed on time" "closed on time         0 / 2 = 0.0%" q case rates --from 2020-09-01 --to 2020-09-30 --as-of 2020-10-31
expect_ok "rates json ids" '"closure":{"numerator":1,"denominator":3,"rate":0.333333,"numerator_contacts":1,"denominator_contacts":3,"ids":[1],"denominator_ids":[1,2,3]}' q case rates --from 2020-09-01 --to 2020-09-30 --as-of 2020-10-31 --json
expect_ok "rates filtered" "1 / 1 = 100.0%" q case rates --from 2020-09-01 --to 2020-09-30 --as-of 2020-10-31 --where "channel = ONLINE"
expect_fail "bad filter" 1 "INVALID_ARGUMENT" q case rates --from 2020-09-01 --to 2020-09-30 --where "nonsense ="
expect_fail "case needs a store" 2 "no store given" "$BIN" case overdue

finish
