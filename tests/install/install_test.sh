#!/usr/bin/env bash
# Installs the build tree into a temporary prefix and builds a program
# outside the tree against it, with CMake (find_package(qiaolian): the
# shared and the static library) and with pkg-config; runs each on a fresh
# store.
#
#   install_test.sh BUILD_DIR OUTSIDE_SRC C_COMPILER
set -u

if [ $# -ne 3 ]; then
  echo "usage: $0 BUILD_DIR OUTSIDE_SRC C_COMPILER" >&2
  exit 2
fi
BUILD=$1
OUTSIDE=$2
CC=$3

TMP=$(mktemp -d "${TMPDIR:-/tmp}/qiaolian-install-test.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
P=$TMP/prefix
failures=0

fail() {
  failures=$((failures + 1))
  echo "FAIL: $*" >&2
}

# run LOG CMD...: runs CMD with its output in LOG, shown on failure.
run() {
  local log=$1
  shift
  if ! "$@" >"$log" 2>&1; then
    echo "command failed: $*" >&2
    tail -n 40 "$log" >&2
    return 1
  fi
}

run "$TMP/install.log" cmake --install "$BUILD" --prefix "$P" || {
  fail "cmake --install"
  exit 1
}

# What must be there.
libdir=
for d in "$P"/lib "$P"/lib64 "$P"/lib/*-linux-gnu; do
  [ -e "$d/libqiaolian.so" ] && libdir=$d
done
if [ -z "$libdir" ]; then
  fail "no libqiaolian.so under $P"
  find "$P" >&2
  exit 1
fi
for f in include/qiaolian/c.h include/qiaolian/version.h bin/qiaolian; do
  [ -e "$P/$f" ] || fail "missing $f"
done
for f in libqiaolian.so libqiaolian.so.0 libqiaolian.a pkgconfig/qiaolian.pc \
  cmake/qiaolian/qiaolianConfig.cmake \
  cmake/qiaolian/qiaolianConfigVersion.cmake; do
  [ -e "$libdir/$f" ] || fail "missing ${libdir#"$P"/}/$f"
done
[ -L "$libdir/libqiaolian.so" ] || fail "libqiaolian.so is not a symlink"
soname=$(objdump -p "$libdir/libqiaolian.so" | awk '$1 == "SONAME" { print $2 }')
[ "$soname" = "libqiaolian.so.0" ] || fail "SONAME is '$soname'"
"$P/bin/qiaolian" --help >/dev/null 2>&1 || fail "bin/qiaolian --help"

export LD_LIBRARY_PATH=$libdir${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}

# 1. CMake: find_package(qiaolian) with the shared and the static library.
if run "$TMP/cmake.log" cmake -S "$OUTSIDE" -B "$TMP/outside" \
  -DCMAKE_PREFIX_PATH="$P" -DCMAKE_C_COMPILER="$CC" \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo &&
  run "$TMP/build.log" cmake --build "$TMP/outside" -j2; then
  for exe in outside outside_static; do
    if run "$TMP/$exe.log" "$TMP/outside/$exe" "$TMP/store-$exe"; then
      cat "$TMP/$exe.log"
    else
      fail "$exe (CMake) did not run"
    fi
  done
  # The shared one uses the installed library, the static one none.
  ldd "$TMP/outside/outside" | grep -q "$libdir/libqiaolian.so.0" ||
    fail "outside is not linked to the installed libqiaolian.so.0"
  ! ldd "$TMP/outside/outside_static" | grep -q libqiaolian ||
    fail "outside_static is linked to libqiaolian.so"
else
  fail "building the outside project with CMake"
fi

# 2. pkg-config.
export PKG_CONFIG_PATH=$libdir/pkgconfig
if flags=$(pkg-config --cflags --libs qiaolian); then
  echo "pkg-config: $flags"
  # shellcheck disable=SC2086  # word splitting of the flags is intended
  if run "$TMP/cc.log" "$CC" -std=c99 -Wall -Wextra -Werror -pedantic \
    "$OUTSIDE/main.c" -o "$TMP/outside-pc" $flags; then
    if run "$TMP/pc.log" "$TMP/outside-pc" "$TMP/store-pc"; then
      cat "$TMP/pc.log"
    else
      fail "outside (pkg-config) did not run"
    fi
  else
    fail "compiling with pkg-config flags"
  fi
  # What libqiaolian.a needs (Requires.private, Libs.private) resolves.
  if static_libs=$(pkg-config --static --libs qiaolian); then
    case " $static_libs " in
    *" -lprotobuf "*" -lleveldb "* | *" -lleveldb "*" -lprotobuf "*) ;;
    *) fail "pkg-config --static --libs lacks protobuf or leveldb: $static_libs" ;;
    esac
  else
    fail "pkg-config --static --libs qiaolian"
  fi
  [ "$(pkg-config --modversion qiaolian)" = "$(sed -n \
    's/^#define QIAOLIAN_VERSION "\(.*\)"/\1/p' "$P/include/qiaolian/version.h")" ] ||
    fail "pkg-config --modversion differs from QIAOLIAN_VERSION"
else
  fail "pkg-config --cflags --libs qiaolian"
fi

if [ "$failures" -ne 0 ]; then
  echo "install_test: $failures failure(s)" >&2
  exit 1
fi
echo "install_test: ok"
