#!/usr/bin/env bash
# Runs tests/capi/c_api_threads_test.c under ThreadSanitizer.
#
#   tsan_test.sh REPO_ROOT TSAN_BUILD_DIR C_COMPILER CXX_COMPILER [ITERATIONS]
#
# Configures the project once into TSAN_BUILD_DIR with -fsanitize=thread and
# BUILD_TESTING=OFF, builds only the `qiaolian` target (libqiaolian.so;
# incremental on later runs), compiles the threads test against it, and runs
# it. Any ThreadSanitizer report fails the test.
#
# Debian's shared libraries (libabsl_*, libprotobuf, libleveldb, libicu*)
# are not instrumented. Two consequences, both handled here:
#  - absl::Mutex, which our code locks, is invisible to TSan, so every
#    access it protects would be reported as a race. tsan_absl_mutex.c
#    interposes the Mutex entry points our code calls and tells TSan about
#    each lock and unlock (what an instrumented Abseil does itself).
#  - Memory the uninstrumented libraries share between threads through
#    their own atomics is seen only through interceptors (memcpy, free...):
#    tests/capi/tsan.supp ignores interceptor calls made from those
#    libraries (called_from_lib), and nothing else.
set -u

if [ $# -lt 4 ]; then
  echo "usage: $0 REPO_ROOT TSAN_BUILD_DIR C_COMPILER CXX_COMPILER [ITERATIONS]" >&2
  exit 2
fi
ROOT=$1
B=$2
CC=$3
CXX=$4
ITERATIONS=${5:-20}
JOBS=${QIAOLIAN_TSAN_JOBS:-$(nproc)}

mkdir -p "$B"
log=$B/tsan-build.log
start=$(date +%s)
if [ ! -f "$B/CMakeCache.txt" ]; then
  # Built for CI time: -O0 with minimal debug info (reports keep
  # function:line), a unity build, lld when present.
  ldflags=-fsanitize=thread
  command -v ld.lld >/dev/null 2>&1 && ldflags="$ldflags -fuse-ld=lld"
  if ! cmake -S "$ROOT" -B "$B" -DCMAKE_BUILD_TYPE=None \
    -DCMAKE_C_COMPILER="$CC" -DCMAKE_CXX_COMPILER="$CXX" \
    -DCMAKE_C_FLAGS="-fsanitize=thread -O0 -g1 -DNDEBUG" \
    -DCMAKE_CXX_FLAGS="-fsanitize=thread -O0 -g1 -DNDEBUG" \
    -DCMAKE_SHARED_LINKER_FLAGS="$ldflags" \
    -DCMAKE_EXE_LINKER_FLAGS="$ldflags" -DCMAKE_UNITY_BUILD=ON \
    -DBUILD_TESTING=OFF >"$log" 2>&1; then
    echo "tsan_test: configuring $B failed:" >&2
    tail -n 40 "$log" >&2
    rm -f "$B/CMakeCache.txt"
    exit 1
  fi
fi
if ! cmake --build "$B" --target qiaolian -j"$JOBS" >>"$log" 2>&1; then
  echo "tsan_test: building libqiaolian.so with -fsanitize=thread failed:" >&2
  tail -n 40 "$log" >&2
  exit 1
fi
exe=$B/c_api_threads_test_tsan
# The mangled Abseil namespace of absl::Mutex::Lock() as libqiaolian.so
# calls it (Debian 12: _ZN4absl7debian35Mutex4LockEv -> 7debian3).
shim=()
if ns=$(nm -D --undefined-only "$B/libqiaolian.so" |
  sed -n 's/.* _ZN4absl\([0-9a-z_]*\)5Mutex4LockEv.*/\1/p' | grep -m1 '') ||
  nm -D --undefined-only "$B/libqiaolian.so" | grep -q ' _ZN4absl5Mutex4LockEv'; then
  shim=(-DQIAOLIAN_ABSL_NS="$ns")
fi
if ! "$CC" -std=c99 -Wall -Wextra -Werror -pedantic -fsanitize=thread -g -O1 \
  -I"$ROOT/include" "$ROOT/tests/capi/c_api_threads_test.c" \
  "${shim[@]}" "$ROOT/tests/capi/tsan_absl_mutex.c" -o "$exe" \
  -L"$B" -Wl,-rpath,"$B" -lqiaolian -lpthread -ldl >>"$log" 2>&1; then
  echo "tsan_test: compiling the threads test failed:" >&2
  tail -n 40 "$log" >&2
  exit 1
fi
echo "tsan_test: build took $(($(date +%s) - start)) s"

# exitcode: TSan's status when it reported something (the test's own
# failures exit 1).
export TSAN_OPTIONS="suppressions=$ROOT/tests/capi/tsan.supp exitcode=66 halt_on_error=0 second_deadlock_stack=1 report_signal_unsafe=0 ${TSAN_OPTIONS:-}"
start=$(date +%s)
"$exe" "$ITERATIONS"
rc=$?
echo "tsan_test: run took $(($(date +%s) - start)) s, exit status $rc"
if [ "$rc" -eq 66 ]; then
  echo "tsan_test: ThreadSanitizer reported problems (above)" >&2
fi
exit "$rc"
