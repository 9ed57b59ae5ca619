#!/usr/bin/env bash
# End-to-end test of `qiaolian donations totals`, `events count`, `relations`
# and `timeline` on the 2020 example data plus a few records of its own.
#
#   bash tests/cli/records_test.sh BUILD/qiaolian REPO_ROOT
set -u

. "$(dirname "$0")/harness.sh" records_test "$@"
EX=${ROOT:?usage: $0 QIAOLIAN_BINARY REPO_ROOT}/examples/2020
TAB=$'\t'
contains() { cat "$OUT" "$ERR" | grep -qF -- "$1"; }
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
expect_eq() {
  checks=$((checks + 1))
  if [ "$2" != "$3" ]; then
    failures=$((failures + 1))
    echo "FAIL: $1: got \"$2\", expected \"$3\"" >&2
  fi
}
q() { "$BIN" --store "$S" "$@"; }
count() { "$BIN" --store "$S" list "$1" 2>/dev/null | wc -l | tr -d ' '; }
# line_of TEXT: the number of the first stdout line containing TEXT.
line_of() { grep -nF -- "$1" "$OUT" | head -1 | cut -d: -f1; }
write() {
  local f=$1
  shift
  printf '%s\n' "$@" >"$f"
}

q init >/dev/null || { echo "init failed" >&2; exit 1; }
for k in enterprise person case donation event; do
  q put "$k" "$EX/$k.jsonl" >/dev/null || { echo "loading $k failed" >&2; exit 1; }
done

# --- Donations (DOMAIN.md figures 6, 8, 13).
Y="--from 2020-01-01 --to 2020-12-31"
expect_ok "totals by purpose: goods per unit" \
  "PURPOSE_EPIDEMIC${TAB}donations 3${TAB}money -${TAB}goods 600 只; 6 批次" \
  q donations totals --by purpose $Y
expect_ok "totals by purpose: scholarship money" \
  "PURPOSE_SCHOLARSHIP${TAB}donations 1${TAB}money CNY 43000.00" \
  q donations totals --by purpose $Y
expect_ok "totals by purpose: all" "all${TAB}donations 5${TAB}money CNY 63000.00" \
  q donations totals --by purpose $Y
expect_ok "600 masks for each of the two hospitals" \
  "enterprise:10${TAB}donations 1${TAB}money -${TAB}goods 600 只" \
  q donations totals --by recipient --direction inbound
expect_ok "second hospital" "enterprise:11${TAB}donations 1" \
  q donations totals --by recipient --direction inbound
expect_ok "totals --json keeps ids" '"quantities":{"只":600},"goods_value":{},"items_without_value":1,"ids":[1]' \
  q donations totals --by recipient --direction inbound --json
expect_ok "by donor: sponsor person 1" "person:1${TAB}donations 1${TAB}money CNY 43000.00" \
  q donations totals --by donor

write "$TMP/usd.jsonl" '{"direction":"DIRECTION_INBOUND","date":{"year":2020,"month":8,"day":3},"purpose":"PURPOSE_EPIDEMIC","donors":[{"ref":{"kind":"KIND_ENTERPRISE","id":"8"},"role":"ROLE_DONOR"}],"money":{"currency":"USD","amountMinor":"150000"},"items":[{"description":"口罩","quantity":"20","unit":"boxes","value":{"currency":"USD","amountMinor":"40000"}}]}'
expect_ok "put a USD donation" "6" q put donation "$TMP/usd.jsonl"
expect_ok "dollars are not added to yuan" \
  "PURPOSE_EPIDEMIC${TAB}donations 4${TAB}money USD 1500.00${TAB}goods 600 只; 6 批次; 20 箱${TAB}goods value USD 400.00" \
  q donations totals --by purpose $Y
write "$TMP/rates.csv" "# illustrative rates" "currency,base,from,to,rate" \
  "USD,CNY,2020-01-01,2020-06-30,7.0" "USD,CNY,2020-07-01,2020-12-31,6.9"
expect_ok "with a rate table: converted total" \
  "total CNY 13110.00" q donations totals --by purpose $Y --rates "$TMP/rates.csv"
write "$TMP/gap.csv" "currency,base,from,to,rate" \
  "USD,CNY,2020-01-01,2020-06-30,7.0" "USD,CNY,2020-08-01,2020-12-31,6.9"
expect_fail "rate table with a gap" 1 "gap in the USD rates: no rate from 2020-07-01 to 2020-07-31" \
  q donations totals --rates "$TMP/gap.csv"
write "$TMP/short.csv" "currency,base,from,to,rate" "USD,CNY,2020-01-01,2020-06-30,7.0"
expect_fail "rate table not covering a donation" 1 "donation 6 (2020-08-03), money: the rate table has no USD rate for 2020-08-03" \
  q donations totals --rates "$TMP/short.csv"
expect_fail "missing rate file" 1 "cannot open rate table" \
  q donations totals --rates "$TMP/none.csv"
expect_fail "bad --by" 1 "is not one of none, purpose, donor, recipient, campaign" \
  q donations totals --by colour
expect_fail "bad --from" 1 "--from" q donations totals --from 2020-02-30

# Bad donations: nothing written.
before=$(count donation)
write "$TMP/bad-unit.jsonl" '{"direction":"DIRECTION_INBOUND","date":{"year":2020,"month":2,"day":1},"items":[{"quantity":"5","unit":"坨"}]}'
expect_fail "unknown unit" 1 'donation.items[0].unit: unknown unit "坨"' q put donation "$TMP/bad-unit.jsonl"
write "$TMP/bad-ref.jsonl" '{"direction":"DIRECTION_INBOUND","date":{"year":2020,"month":2,"day":1},"donors":[{"ref":{"kind":"KIND_EVENT","id":"1"}}]}'
expect_fail "donor is an event" 1 "donation.donors[0].ref: must refer to a person or an enterprise, got event:1" \
  q put donation "$TMP/bad-ref.jsonl"
write "$TMP/bad-cur.jsonl" '{"direction":"DIRECTION_INBOUND","date":{"year":2020,"month":2,"day":1},"money":{"currency":"RMB","amountMinor":"1"}}'
expect_fail "unknown currency" 1 "donation.money.currency" q put donation "$TMP/bad-cur.jsonl"
expect_eq "no donation written" "$(count donation)" "$before"

# --- Events (figures 10, 12, 16).
write "$TMP/posts.jsonl" '{"type":"TYPE_WECHAT_GROUP_POST","date":{"year":2020,"month":12,"day":31},"channel":"CHANNEL_WECHAT_GROUP","count":230,"title":"微信群发布230次"}'
expect_ok "put 230 posts as one record" "9" q put event "$TMP/posts.jsonl"
expect_ok "one record counts 230" "TYPE_WECHAT_GROUP_POST${TAB}count 230${TAB}records 1" \
  q events count --by kind $Y
expect_ok "media reports" "TYPE_MEDIA_REPORT${TAB}count 3${TAB}records 3" q events count --by kind $Y
expect_ok "media reports by outlet" "江苏卫视${TAB}count 2${TAB}records 2" \
  q events count --by outlet --type media_report $Y
expect_ok "clicks" "count 1${TAB}records 1${TAB}clicks 2321${TAB}max clicks 2321 (event 5)" \
  q events count --type official_account_post
expect_ok "by channel" "CHANNEL_WECHAT_GROUP${TAB}count 230" q events count --by channel
expect_ok "events --json" '"case_ids":[1]' q events count --type enterprise_visit --json
write "$TMP/visits.jsonl" '{"type":"TYPE_GREETING_VISIT","date":{"year":2020,"month":1,"day":20},"participants":[{"ref":{"kind":"KIND_PERSON","id":"1"}},{"ref":{"kind":"KIND_PERSON","id":"2"}}],"money":{"currency":"CNY","amountMinor":"100000"},"gifts":[{"quantity":"2","unit":"袋","value":{"currency":"CNY","amountMinor":"30000"}}]}' \
  '{"type":"TYPE_GREETING_VISIT","date":{"year":2020,"month":9,"day":30},"participants":[{"ref":{"kind":"KIND_PERSON","id":"1"}}],"money":{"currency":"CNY","amountMinor":"50000"}}'
expect_ok "put two greeting visits" "11" q put event "$TMP/visits.jsonl"
expect_ok "people greeted and what was given (figure 11)" \
  "count 2${TAB}records 2${TAB}participants 2${TAB}money CNY 1500.00${TAB}gifts 2 袋${TAB}gift value CNY 300.00" \
  q events count --type greeting_visit $Y
expect_fail "unknown event type" 1 'unknown event type "party"' q events count --type party
expect_fail "bad --by" 1 "is not one of none, kind, outlet, channel, month" q events count --by weekday
expect_fail "from after to" 1 "is after to" q events count --from 2021-01-01 --to 2020-01-01

# --- Relations, both ways.
write "$TMP/rel.jsonl" '{"name":"胡小明","relations":[{"person":{"kind":"KIND_PERSON","id":"1"},"type":"TYPE_PARENT"}],"memberships":[{"organization":{"kind":"KIND_ENTERPRISE","id":"8"},"role":"ROLE_PRESIDENT","joined":{"year":2018,"month":6,"day":1}}],"employer":{"kind":"KIND_ENTERPRISE","id":"1"}}'
expect_ok "put a person with relations" "5" q put person "$TMP/rel.jsonl"
expect_ok "seen from the person holding it" "person:1 胡正明 is relative (TYPE_PARENT) of person:5" \
  q relations person 5
expect_ok "seen from the other person" "person:1 is relative (TYPE_PARENT) of person:5 胡小明" \
  q relations person 1
expect_ok "seen from the association" "person:5 胡小明 is leader (ROLE_PRESIDENT) of enterprise:8" \
  q relations enterprise 8
expect_ok "seen from the employer" "person:5 胡小明 is employee of enterprise:1" \
  q relations enterprise 1
expect_ok "relations --json" '"direction":"incoming","other":"person:5"' q relations enterprise 8 --json
expect_fail "relations of a case" 1 "must be a person or an enterprise" q relations case 1
expect_fail "relations of nobody" 1 "NOT_FOUND" q relations person 99
write "$TMP/bad-rel.jsonl" '{"name":"x","relations":[{"person":{"kind":"KIND_ENTERPRISE","id":"1"}}]}'
before=$(count person)
expect_fail "relation to the wrong kind" 1 "person.relations[0].person: must refer to a person, got enterprise:1" \
  q put person "$TMP/bad-rel.jsonl"
expect_eq "no person written" "$(count person)" "$before"

# --- Timeline, newest first.
expect_ok "timeline of a hospital" "2020-02-20${TAB}donation${TAB}donation:1${TAB}recipient:ROLE_RECIPIENT" \
  q timeline enterprise 10
l_new=$(line_of "donation:2")
l_old=$(line_of "donation:1")
expect_eq "newer donation first" "$([ -n "$l_new" ] && [ -n "$l_old" ] && [ "$l_new" -lt "$l_old" ] && echo yes)" "yes"
expect_ok "history in the timeline" "history${TAB}enterprise:10${TAB}OP_CREATE" q timeline enterprise 10
expect_ok "paged" "# more: --cursor" q timeline enterprise 10 --limit 1
cursor=$(grep '^# more: --cursor ' "$OUT" | sed 's/^# more: --cursor //')
expect_ok "second page" "${TAB}" q timeline enterprise 10 --limit 1 --cursor "$cursor"
expect_fail "bad cursor" 1 "malformed" q timeline enterprise 10 --cursor nonsense
expect_fail "timeline of an event" 1 "must be a person or an enterprise" q timeline event 1

finish
