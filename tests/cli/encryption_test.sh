#!/usr/bin/env bash
# End-to-end test of encryption at rest from the CLI (docs/privacy.md):
# --key-file creates an encrypted store and is required to open it; values
# come back in plaintext (masked by default); equality queries on encrypted
# fields work through their index; the plaintext is in no file of the store.
#
#   bash tests/cli/encryption_test.sh BUILD/qiaolian
set -u
. "$(dirname "$0")/harness.sh" encryption_test "$@"

KEY=$TMP/key.hex
RAW=$TMP/key.bin
head -c 32 /dev/urandom >"$RAW"
od -An -tx1 -v "$RAW" | tr -d ' \n' >"$KEY"
echo >>"$KEY"  # A trailing newline is allowed.
printf 'not a key' >"$TMP/bad"
q() { "$BIN" --store "$S" --key-file "$KEY" "$@"; }

NAME=司马加密
ID=320413200905170026
PHONE=+8613912398765
expect_ok "init with a key" "" q init
printf '{"name":"%s","identityDocuments":[{"type":"TYPE_RESIDENT_ID","number":"%s"}],"contacts":[{"type":"TYPE_PHONE","value":"%s"}]}\n' \
  "$NAME" "$ID" "$PHONE" | q put person >/dev/null
expect_ok "get: masked" "+86*******8765" q get person 1
expect_ok "get --unmasked: plaintext" "$PHONE" q get person 1 --unmasked
expect_ok "equality on an encrypted field" "$NAME" q query "person where id_number = \"$ID\""
expect_ok "explain: an index lookup" "person.identity_documents.number" q explain "person where id_number = \"$ID\""
expect_fail "range refused" 1 "encrypts" q query "person where id_number > \"3\"" --allow-scan
expect_ok "verify" "" q verify
expect_ok "the raw key file works too" "$NAME" "$BIN" --store "$S" --key-file "$RAW" get person 1
expect_fail "no key" 1 "FAILED_PRECONDITION" "$BIN" --store "$S" get person 1
printf '%064d\n' 0 >"$TMP/zero"
expect_fail "wrong key" 1 "PERMISSION_DENIED" "$BIN" --store "$S" --key-file "$TMP/zero" get person 1
expect_fail "malformed key file" 1 "64 hex digits" "$BIN" --store "$S" --key-file "$TMP/bad" get person 1
expect_fail "missing key file" 1 "cannot read" "$BIN" --store "$S" --key-file "$TMP/none" get person 1
expect_ok "repair with the key" "" q repair
checks=$((checks + 1))
grep -rlaF -e "$NAME" "$S" >/dev/null || fail "names should be stored as is (the search must see the files)"
checks=$((checks + 1))
if grep -rlaF -e "$ID" -e "$PHONE" "$S" >"$OUT" 2>"$ERR"; then
  fail "plaintext of encrypted fields in the store's files: $(cat "$OUT")"
fi

finish
