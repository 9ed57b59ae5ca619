// Whether this test program is built with a sanitizer (`make test` runs the
// GoogleTest binaries under ASan+UBSan only, docs/reliability.md), and
// workload sizes scaled down for it: a sanitized build runs the library
// about ten times slower, and the few largest workloads would otherwise be
// most of `make test`'s time. A scaled workload still takes every path the
// full one takes; a plain build runs the full size.
#ifndef QIAOLIAN_TESTS_TESTING_SANITIZED_H_
#define QIAOLIAN_TESTS_TESTING_SANITIZED_H_

#include <algorithm>

namespace qiaolian {
namespace testing {

// QIAOLIAN_SANITIZED_BUILD: set by tests/reliability/sanitizer_test.sh,
// which compiles the test programs' own code without ASan (the library has
// it).
#if defined(QIAOLIAN_SANITIZED_BUILD) || defined(__SANITIZE_ADDRESS__) || \
    defined(__SANITIZE_THREAD__)
inline constexpr bool kSanitized = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
inline constexpr bool kSanitized = true;
#else
inline constexpr bool kSanitized = false;
#endif
#else
inline constexpr bool kSanitized = false;
#endif

// n in a plain build; n / divisor (at least 1) in a sanitized one.
constexpr int ScaledForSanitizers(int n, int divisor) {
  return kSanitized ? std::max(1, n / divisor) : n;
}

}  // namespace testing
}  // namespace qiaolian

#endif  // QIAOLIAN_TESTS_TESTING_SANITIZED_H_
