#!/usr/bin/env bash
# End-to-end test of `qiaolian report`: imports examples/jintan-2020, prints
# the report in every format, explains a figure, rejects a bad spec with
# file:line, and renders the HTML page in headless Chromium (skipped, saying
# so, when chromium is not installed).
#   report_test.sh QIAOLIAN_BIN SOURCE_DIR
set -euo pipefail
bin=$1
src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
store=$tmp/store
spec=$src/examples/jintan-2020/report.textproto
fail() { echo "FAIL: $*" >&2; exit 1; }
q() { "$bin" --store "$store" "$@"; }

q init >/dev/null
for k in enterprise person case donation event; do
  q import "$k" "$src/examples/jintan-2020/$k.jsonl" >/dev/null
done
run() { q report "$spec" --from 2020-01-01 --to 2020-12-31 "$@"; }

md=$(run --format md)
grep -q '走访侨资企业\*\*22\*\*家' <<<"$md" || fail "md: figure 1"
grep -q '海外华人微信群从\*\*7\*\*个增加到\*\*26\*\*个' <<<"$md" || fail "md: figure 14"
text=$(run --format text --lang en)
grep -q 'Visited 22 overseas-Chinese-invested enterprises' <<<"$text" || fail "text en"
csv=$(run --format csv)
grep -q '^s2_epidemic,f10_total_clicks,.*,23221,23221,' <<<"$csv" || fail "csv"
json=$(run --format json)
/usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); f={x["id"]:x for x in d["figures"]}; assert f["f15_closure_rate"]["value"]["text"]=="100%"; assert len(f["f12_letters"]["ids"])==1' <<<"$json" \
  || fail "json"
cmp=$(run --format md --compare-from 2019-01-01 --compare-to 2019-12-31)
grep -q '走访侨资企业\*\*22\*\*家（对比期 1，变化 +21）' <<<"$cmp" || fail "compare"

explain=$(q report explain "$spec" f12_letters --from 2020-01-01 --to 2020-12-31)
grep -q '寄送《2019大美金坛经济发展汇报书》  ×89' <<<"$explain" || fail "explain"

# A bad spec: file:line:column and what was expected; exit status 1.
printf 'sections {\n  id: "a"\n  figures { id: "x" aggregate: TOTAL }\n}\n' >"$tmp/bad.textproto"
if err=$(q report "$tmp/bad.textproto" --from 2020-01-01 --to 2020-12-31 2>&1); then
  fail "bad spec accepted"
fi
grep -q "bad.textproto:3:.*unknown aggregate \"TOTAL\"" <<<"$err" || fail "bad spec message: $err"
if q report "$spec" --from 2020-13-01 --to 2020-12-31 >/dev/null 2>&1; then fail "bad date"; fi

# The HTML page: self-contained, rendered by a real browser.
run --format html -o "$tmp/report.html" 2>/dev/null
! grep -q '<script' "$tmp/report.html" || fail "html has a script"
! grep -Eq '(src|href)="https?:' "$tmp/report.html" || fail "html loads from the network"
chrome=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chrome" ]; then
  echo "SKIP: chromium not installed (scripts/install-deps installs it); the HTML was checked but not rendered"
  exit 77  # CTest reports the test as skipped (SKIP_RETURN_CODE).
fi
flags=(--headless --no-sandbox --disable-gpu --disable-dev-shm-usage
       --no-first-run --user-data-dir="$tmp/chrome" --virtual-time-budget=2000)
timeout 120 "$chrome" "${flags[@]}" --dump-dom "file://$tmp/report.html" \
  >"$tmp/dom.html" 2>/dev/null || fail "chromium --dump-dom failed"
for chart in activities cases donations people; do
  grep -q "id=\"chart-$chart\"" "$tmp/dom.html" || fail "chart $chart missing after render"
done
bars=$(grep -o '<rect class="bar"' "$tmp/dom.html" | wc -l)
[ "$bars" -ge 40 ] || fail "only $bars bars rendered"
grep -q 'data-figure="c_people_by_country" data-key="CN" data-series="value" data-value="46"' \
  "$tmp/dom.html" || fail "people by country: CN bar"
timeout 120 "$chrome" "${flags[@]}" --window-size=1000,3000 \
  --screenshot="$tmp/report.png" "file://$tmp/report.html" >/dev/null 2>&1 || fail "screenshot failed"
[ -s "$tmp/report.png" ] || fail "no screenshot"
size=$(stat -c %s "$tmp/report.png")
[ "$size" -gt 20000 ] || fail "screenshot too small ($size bytes): blank page?"
echo "report_test: OK ($bars bars, screenshot $size bytes)"
