# qiaolian — top-level entry points. Quick start: `make demo`, `make test`.
# Each target installs missing Debian packages, configures once, builds
# incrementally, then runs.
BUILD ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= $(shell nproc)
# Debian's own interpreter: the first python3 on PATH may lack python3-pytest.
PYTHON ?= /usr/bin/python3

MAKEFLAGS += --no-print-directory

.PHONY: all deps configure build demo test bench abi-baseline format clean

all: build

deps:
	@scripts/install-deps

# Configured for build time (docs/ARCHITECTURE.md, "Build"): a unity build,
# minimal debug info (-g1: backtraces keep function and line; the C API keeps
# full debug info for the ABI check) and the lld linker. The GoogleTest
# binaries are built and run once, in the ASan+UBSan build (build/asan,
# CTest asan_build and asan_tests), not here too. A plain
# `cmake -S . -B DIR` build uses none of these.
FAST_BUILD ?= -DCMAKE_UNITY_BUILD=ON \
  -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG" \
  -DCMAKE_EXE_LINKER_FLAGS=-fuse-ld=lld -DCMAKE_SHARED_LINKER_FLAGS=-fuse-ld=lld \
  -DQIAOLIAN_UNIT_TESTS=OFF -DQIAOLIAN_TEST_COMPILE_OPTIONS=-O0

configure: deps
	@if [ ! -f $(BUILD)/CMakeCache.txt ]; then \
	  cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(FAST_BUILD) \
	    -DPython3_EXECUTABLE=$(PYTHON) >/dev/null; fi

build: configure
	@cmake --build $(BUILD) -j$(JOBS)

demo: build
	@scripts/demo $(BUILD)

test: build
	@ctest --test-dir $(BUILD) --output-on-failure -j$(JOBS)

bench: build
	@$(BUILD)/bench/store_bench

# Rewrites abi/libqiaolian.abi from the built libqiaolian.so: only when the C
# ABI changes on purpose (abi/README.md).
abi-baseline: build
	@bash tests/capi/abi_check.sh --update $(BUILD)/libqiaolian.so . $(PYTHON)

format:
	@git ls-files '*.cc' '*.h' '*.c' | xargs clang-format -i

clean:
	rm -rf $(BUILD)
