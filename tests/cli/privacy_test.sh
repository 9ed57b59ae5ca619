#!/usr/bin/env bash
# End-to-end test of the CLI's privacy surface (docs/privacy.md): masked
# output by default, --unmasked audited, `audit list|verify`, `erase`.
#
#   bash tests/cli/privacy_test.sh BUILD/qiaolian
set -u
. "$(dirname "$0")/harness.sh" privacy_test "$@"
q() { "$BIN" --store "$S" "$@"; }

NAME=欧阳澈思琪
ID=320413200905170026
PHONE=+8613912398765
q init >/dev/null
echo "{\"name\":\"$NAME\",\"birthDate\":{\"year\":2009,\"month\":5,\"day\":17},\"identityDocuments\":[{\"type\":\"TYPE_RESIDENT_ID\",\"issuingCountry\":\"CN\",\"number\":\"$ID\"}],\"contacts\":[{\"type\":\"TYPE_PHONE\",\"value\":\"$PHONE\"}]}" |
  q --actor 录入员 put person >/dev/null
echo '{"type":"TYPE_GREETING_VISIT","date":{"year":2020,"month":1,"day":6},"participants":[{"ref":{"kind":"KIND_PERSON","id":"1"}}]}' |
  q put event >/dev/null

# Masked by default on every read command.
expect_ok "get masks" "320413********0026" q get person 1
expect_absent "get hides the ID" "$ID" q get person 1
expect_absent "get hides the phone" "$PHONE" q get person 1
expect_absent "list hides the phone" "$PHONE" q list person
expect_absent "query hides the phone" "$PHONE" q query "person where name = \"$NAME\""
expect_absent "query --table hides the phone" "$PHONE" q query "person where name = \"$NAME\"" --table
expect_absent "export hides the ID" "$ID" q export "person where name = \"$NAME\""
expect_absent "minor's birth date masked" '"month"' q get person 1
expect_absent "history holds no values" "$PHONE" q history person 1
expect_ok "audit: masked reads not logged" "create" q audit list
checks=$((checks + 1))
[ "$(q audit list | wc -l)" -eq 2 ] || fail "audit list: want 2 entries (two creates)"

# Unmasked: shown, and audited with the actor and fields, never values.
expect_ok "get --unmasked" "$ID" q --actor 李科长 get person 1 --unmasked
expect_ok "query --unmasked" "$PHONE" q --actor 李科长 query "person where name = \"$NAME\"" --unmasked
expect_ok "export --unmasked" "$ID" q --actor 王 export "person where name = \"$NAME\"" --unmasked
expect_ok "audit list shows the reads" "unmasked_read" q audit list
expect_ok "audit list names the actor" "李科长" q audit list
expect_ok "audit list names the fields" "identity_documents.number" q audit list --kind person --id 1
expect_absent "audit list holds no values" "$PHONE" q audit list --json
expect_ok "audit list --json" '"action":"ACTION_UNMASKED_READ"' q audit list --json
expect_ok "audit list --from" "unmasked_read" q audit list --from 2000-01-01
expect_absent "audit list --to" "create" q audit list --to 2000-01-01
expect_fail "audit list bad time" 1 "not a date" q audit list --from yesterday
expect_ok "audit verify" "audit log intact: 5 entries" q audit verify
HEAD=$(q audit verify | sed -n 's/.*head \([0-9a-f]*\).*/\1/p')
expect_ok "audit verify --expect-head" "intact" q audit verify --expect-head "$HEAD"
expect_fail "audit verify wrong head" 1 "NOT intact" q audit verify --expect-head 00ff

# Imports are audited as such, with the file's name.
printf 'name,uscc\n常州三久制造有限公司,91320413723588143D\n' >"$TMP/企业.csv"
checks=$((checks + 1))
q --actor 导入员 import enterprise "$TMP/企业.csv" >/dev/null 2>&1 || fail "import"
expect_ok "audit: import with file name" "file 企业.csv" q audit list --kind enterprise
expect_ok "audit: import action" "import" q audit list --kind enterprise
HEAD=$(q audit verify | sed -n 's/.*head \([0-9a-f]*\).*/\1/p')

# Erasure.
expect_fail "erase refuses while referenced" 1 "event 1 (participants.ref)" q erase person 1
expect_ok "erase --force" "erased person 1" q --actor 管理员 erase person 1 --force
expect_fail "erased: get" 1 "NOT_FOUND" q get person 1
expect_fail "erased: history" 1 "NOT_FOUND" q history person 1
expect_fail "erase twice" 1 "already erased" q erase person 1
expect_ok "erase is audited" "erase" q audit list --kind person --id 1
expect_ok "referrer unlinked, audited" "unlinked from erased person 1" q audit list --kind event
expect_ok "verify after erase" "" q verify
expect_ok "audit verify after erase" "audit log intact" q audit verify --expect-head "$HEAD"
checks=$((checks + 1))
if grep -rlaF -e "$NAME" -e "$ID" -e "$PHONE" "$S" >"$OUT" 2>"$ERR"; then
  fail "erased values still in the store's files: $(cat "$OUT")"
fi

finish
