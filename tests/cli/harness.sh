# Shared by the CLI end-to-end tests (tests/cli/*_test.sh). A test sources
# it with its name and arguments:
#
#   . "$(dirname "$0")/harness.sh" encryption_test "$@"
#
# It checks the arguments (QIAOLIAN_BINARY, then REPO_ROOT for the tests
# that read the examples: set as ROOT, empty when not given), makes a
# scratch directory TMP (removed at exit) with a store path S, and defines:
#   run CMD...                      stdout to OUT, stderr to ERR, status rc
#   expect_ok NAME TEXT CMD...      exit 0 and TEXT in stdout
#   expect_absent NAME TEXT CMD...  exit 0 and TEXT nowhere in stdout
#   expect_fail NAME STATUS TEXT CMD...
#                                   exit STATUS and TEXT in stdout+stderr
#   fail MESSAGE                    counts a failure, shows OUT and ERR
#   finish                          prints the counts; status 0 if all passed
# shellcheck shell=bash
HARNESS_NAME=$1
shift
if [ $# -lt 1 ] || [ $# -gt 2 ]; then
  echo "usage: $0 QIAOLIAN_BINARY [REPO_ROOT]" >&2
  exit 2
fi
BIN=$1
ROOT=${2:-}
unset QIAOLIAN_STORE
TMP=$(mktemp -d "${TMPDIR:-/tmp}/qiaolian-$HARNESS_NAME.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
S=$TMP/store
OUT=$TMP/out
ERR=$TMP/err
checks=0
failures=0

fail() {
  failures=$((failures + 1))
  echo "FAIL: $*" >&2
  echo "  stdout: $(head -c 600 "$OUT")" >&2
  echo "  stderr: $(head -c 600 "$ERR")" >&2
}
run() {
  "$@" >"$OUT" 2>"$ERR"
  rc=$?
}
expect_ok() {
  local name=$1 text=$2
  shift 2
  checks=$((checks + 1))
  run "$@"
  if [ $rc -ne 0 ]; then fail "$name: exit $rc"; return; fi
  grep -qF -- "$text" "$OUT" || fail "$name: no \"$text\" in stdout"
}
expect_absent() {
  local name=$1 text=$2
  shift 2
  checks=$((checks + 1))
  run "$@"
  if [ $rc -ne 0 ]; then fail "$name: exit $rc"; return; fi
  if grep -qF -- "$text" "$OUT"; then fail "$name: \"$text\" printed"; fi
}
expect_fail() {
  local name=$1 status=$2 text=$3
  shift 3
  checks=$((checks + 1))
  run "$@"
  if [ $rc -ne "$status" ]; then fail "$name: exit $rc, want $status"; return; fi
  cat "$OUT" "$ERR" | grep -qF -- "$text" || fail "$name: no \"$text\""
}
finish() {
  echo "$HARNESS_NAME: $checks checks, $failures failures"
  [ $failures -eq 0 ]
}
