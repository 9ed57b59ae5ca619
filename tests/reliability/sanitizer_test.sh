#!/usr/bin/env bash
# The C++ tests under AddressSanitizer + UndefinedBehaviorSanitizer, and the
# libFuzzer targets (docs/reliability.md, "Sanitizers" and "Fuzzing").
#
#   sanitizer_test.sh build  REPO_ROOT ASAN_BUILD_DIR [fuzz]
#   sanitizer_test.sh tests  REPO_ROOT ASAN_BUILD_DIR
#   sanitizer_test.sh fuzz   REPO_ROOT ASAN_BUILD_DIR [RUNS]
#
# build: configures ASAN_BUILD_DIR (clang when it has libFuzzer, else the
#   default compiler without fuzz targets) with -fsanitize=address,undefined
#   -fno-sanitize-recover=all, then builds every GoogleTest binary,
#   crash_driver (target cc_test_targets) and the fuzz targets (target
#   fuzz_targets), incrementally after the first run. For CI time the
#   library is compiled at -O0 (docs/reliability.md, "Cost in CI"), with
#   libFuzzer's edge counters only. With `fuzz` (scripts/fuzz, long runs):
#   -O1 and the whole library -fsanitize=fuzzer-no-link (comparison
#   tracing too), and only the fuzz targets are built.
# tests: runs every GoogleTest binary and a short crash test there, JOBS
#   at a time; any sanitizer report fails. Lists the tests that skipped.
# fuzz: replays each target's seed corpus (fuzz/corpus/<target>/) and runs
#   it RUNS more inputs (default 2000) from there; new inputs go to a
#   scratch directory, never into the source tree. Skipped (exit 0, saying
#   so) without clang + libFuzzer.
set -u
if [ $# -lt 3 ]; then
  echo "usage: $0 build|tests|fuzz REPO_ROOT ASAN_BUILD_DIR [fuzz|RUNS]" >&2
  exit 2
fi
MODE=$1
ROOT=$2
B=$3
RUNS=${4:-2000}
FOR_FUZZING=0
[ "$MODE" = build ] && [ "${4:-}" = fuzz ] && FOR_FUZZING=1
JOBS=${QIAOLIAN_ASAN_JOBS:-$(nproc)}
# A 32 MB quarantine of freed memory (256 by default) and 10-frame
# allocation stacks (30): a use after free is still caught unless 32 MB were
# freed in between, and the tests run ~13 % faster (docs/reliability.md).
export ASAN_OPTIONS="halt_on_error=1:abort_on_error=0:detect_leaks=1:quarantine_size_mb=32:malloc_context_size=10:${ASAN_OPTIONS:-}"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:${UBSAN_OPTIONS:-}"
# Debian's libprotobuf/libleveldb are not instrumented; their allocations
# freed at exit are not leaks of ours.
export LSAN_OPTIONS="suppressions=$ROOT/tests/reliability/lsan.supp:${LSAN_OPTIONS:-}"

have_libfuzzer() {
  command -v clang++ >/dev/null 2>&1 || return 1
  local d
  d=$(mktemp -d)
  printf 'extern "C" int LLVMFuzzerTestOneInput(const unsigned char*, unsigned long) { return 0; }\n' >"$d/f.cc"
  clang++ -fsanitize=fuzzer,address "$d/f.cc" -o "$d/f" >/dev/null 2>&1
  local rc=$?
  rm -rf "$d"
  return $rc
}

case $MODE in
build)
  mkdir -p "$B"
  log=$B/asan-build.log
  start=$(date +%s)
  # Built for CI time (docs/reliability.md, "Cost in CI"): -O0 with line
  # tables only (reports keep file:line), a unity build, precompiled test
  # headers, lld when present.
  opt=-O0
  [ $FOR_FUZZING = 1 ] && opt=-O1
  flags="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer $opt -DNDEBUG"
  ldflags="-fsanitize=address,undefined"
  extra=()
  if have_libfuzzer; then
    flags="$flags -gline-tables-only"
    [ $FOR_FUZZING = 1 ] && flags="$flags -fsanitize=fuzzer-no-link"
    extra=(-DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ -DQIAOLIAN_FUZZ=ON)
  elif [ $FOR_FUZZING = 1 ]; then
    echo "sanitizer_test: clang with libFuzzer not found: no fuzz targets" >&2
    exit 1
  else
    flags="$flags -g1"
  fi
  command -v ld.lld >/dev/null 2>&1 && ldflags="$ldflags -fuse-ld=lld"
  # The test programs' own code: -O0, and not instrumented for ASan (the
  # library they call is; UBSan stays): a third less compile time.
  # QIAOLIAN_SANITIZED_BUILD tells them (tests/testing/sanitized.h).
  test_opts="-O0;-fno-sanitize=address;-DQIAOLIAN_SANITIZED_BUILD=1"
  # Configured again when the flags change (an older build dir).
  stamp="$flags ${extra[*]} $test_opts"
  if [ ! -f "$B/CMakeCache.txt" ] || [ "$(cat "$B/flags.txt" 2>/dev/null)" != "$stamp" ]; then
    rm -f "$B/CMakeCache.txt"
    if ! cmake -S "$ROOT" -B "$B" -DCMAKE_BUILD_TYPE=None \
      "${extra[@]}" -DCMAKE_C_FLAGS="$flags" -DCMAKE_CXX_FLAGS="$flags" \
      -DCMAKE_EXE_LINKER_FLAGS="$ldflags" \
      -DCMAKE_SHARED_LINKER_FLAGS="$ldflags" -DCMAKE_UNITY_BUILD=ON \
      -DQIAOLIAN_TEST_PCH=ON "-DQIAOLIAN_TEST_COMPILE_OPTIONS=$test_opts" \
      -DQIAOLIAN_UNIT_TESTS=ON -DQIAOLIAN_TSAN_TEST=OFF \
      -DQIAOLIAN_ASAN_TEST=OFF -DPython3_EXECUTABLE=/usr/bin/python3 \
      >"$log" 2>&1; then
      echo "sanitizer_test: configuring $B failed:" >&2
      tail -n 40 "$log" >&2
      rm -f "$B/CMakeCache.txt"
      exit 1
    fi
    echo "$stamp" >"$B/flags.txt"
  fi
  # Two umbrella targets (tests/CMakeLists.txt, fuzz/CMakeLists.txt): the
  # Makefile generator builds the targets named here one after another.
  targets=(cc_test_targets)
  [ $FOR_FUZZING = 1 ] && targets=()
  grep -q '^QIAOLIAN_FUZZ:BOOL=ON' "$B/CMakeCache.txt" && targets+=(fuzz_targets)
  if ! cmake --build "$B" -j"$JOBS" --target "${targets[@]}" \
    >>"$log" 2>&1; then
    echo "sanitizer_test: building with sanitizers failed:" >&2
    grep -E "error|Error" "$log" | tail -n 30 >&2
    exit 1
  fi
  echo "sanitizer_test: build took $(($(date +%s) - start)) s ($(grep -o 'CMAKE_CXX_COMPILER:[A-Z]*=.*' "$B/CMakeCache.txt"), $opt)"
  ;;
tests)
  start=$(date +%s)
  # Each binary and the crash test is one job, JOBS at a time; a job leaves
  # its output in NAME.log and its exit status in NAME.rc.
  run_one() {
    local name=$1
    shift
    QIAOLIAN_SHARED_DATA="$ROOT/../shared/data" "$@" >"$B/$name.log" 2>&1
    echo $? >"$B/$name.rc"
  }
  # The longest first (importer_test imports the real registry extracts when
  # ../shared/data is there: about two minutes under ASan), so that the
  # others fill the other jobs meanwhile.
  heavy="importer_test engine_test fault_injection_test bulk_load_test corruption_test store_test index_maintenance_test"
  all=$(find "$B/tests" -maxdepth 1 -type f -name '*_test' -perm -u+x | sort)
  ordered=()
  for h in $heavy; do
    [ -x "$B/tests/$h" ] && ordered+=("$B/tests/$h")
  done
  for t in $all; do
    case " $heavy " in *" $(basename "$t") "*) ;; *) ordered+=("$t") ;; esac
  done
  names=()
  for t in "${ordered[@]}"; do
    while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n; done
    name=$(basename "$t")
    names+=("$name")
    rm -f "$B/$name.rc"
    run_one "$name" "$t" &
  done
  while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n; done
  rm -f "$B/crash.rc"
  run_one crash "$B/tests/crash_driver" --iterations 4 --max-kill-ms 400 --quiet &
  wait
  failed=0
  for name in "${names[@]}"; do
    if [ "$(cat "$B/$name.rc" 2>/dev/null)" != 0 ]; then
      failed=$((failed + 1))
      echo "sanitizer_test: $name FAILED under ASan+UBSan:" >&2
      grep -E -A25 "ERROR: (Address|Leak)Sanitizer|runtime error|FAILED|Failure" "$B/$name.log" | head -60 >&2
    fi
  done
  if [ "$(cat "$B/crash.rc" 2>/dev/null)" != 0 ]; then
    failed=$((failed + 1))
    echo "sanitizer_test: crash_driver FAILED under ASan+UBSan:" >&2
    tail -n 30 "$B/crash.log" >&2
  fi
  # Skipped tests (e.g. without ../shared/data) are listed, with why.
  for name in "${names[@]}"; do
    awk -v bin="$name" '/: Skipped$/ { getline why }
      /^\[  SKIPPED \] .* \([0-9]+ ms\)$/ {
        print "sanitizer_test: " bin ": " $4 " SKIPPED: " why }' "$B/$name.log"
  done
  echo "sanitizer_test: ${#names[@]} test binaries and the crash test under ASan+UBSan in $(($(date +%s) - start)) s, $JOBS at a time, $failed failed"
  [ $failed -eq 0 ]
  ;;
fuzz)
  if [ ! -d "$B/fuzz" ]; then
    echo "sanitizer_test: no fuzz targets in $B (clang with libFuzzer not found): skipped"
    exit 0
  fi
  start=$(date +%s)
  failed=0
  scratch=$(mktemp -d "${TMPDIR:-/tmp}/qiaolian-fuzz-corpus.XXXXXX")
  trap 'rm -rf "$scratch"' EXIT
  for t in $(find "$B/fuzz" -maxdepth 1 -type f -name '*_fuzzer' -perm -u+x | sort); do
    name=$(basename "$t" _fuzzer)
    seeds=$ROOT/fuzz/corpus/$name
    mkdir -p "$scratch/$name"
    # New inputs go to the scratch directory (first); the seeds are read.
    if ! "$t" -runs="$RUNS" -max_len=65536 -timeout=20 -rss_limit_mb=2048 \
      -artifact_prefix="$B/fuzz/$name-" "$scratch/$name" "$seeds" \
      >"$B/fuzz/$name.log" 2>&1; then
      failed=$((failed + 1))
      echo "sanitizer_test: $name fuzzer FAILED (artifact in $B/fuzz/):" >&2
      grep -E -B2 -A30 "ERROR|runtime error|deadly signal|Timeout|out-of-memory" "$B/fuzz/$name.log" | head -60 >&2
    else
      echo "sanitizer_test: $name: $(grep -E '^(#[0-9]+|Done)' "$B/fuzz/$name.log" | tail -1)"
    fi
  done
  echo "sanitizer_test: fuzz targets replayed their corpora and ran $RUNS inputs each in $(($(date +%s) - start)) s, $failed failed"
  [ $failed -eq 0 ]
  ;;
*)
  echo "usage: $0 build|tests|fuzz REPO_ROOT ASAN_BUILD_DIR [fuzz|RUNS]" >&2
  exit 2
  ;;
esac
