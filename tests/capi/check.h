/* Checks shared by the C API tests (C99): CHECK and CHECK_RC count and
 * report without stopping, remove_tree cleans a scratch store, and
 * check_summary prints the count and gives main's exit status. Define
 * _XOPEN_SOURCE 700 (mkdtemp, nftw) before including it. */
#ifndef QIAOLIAN_TESTS_CAPI_CHECK_H_
#define QIAOLIAN_TESTS_CAPI_CHECK_H_

#include <ftw.h>
#include <stdio.h>

#include "qiaolian/c.h"

static int g_checks = 0;
static int g_failures = 0;

#define CHECK(cond)                                                            \
  do {                                                                         \
    ++g_checks;                                                                \
    if (!(cond)) {                                                             \
      ++g_failures;                                                            \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
    }                                                                          \
  } while (0)

/* `expr` returned `want`; prints and frees errmsg `err` otherwise. */
#define CHECK_RC(expr, want, err)                                       \
  do {                                                                  \
    int rc_ = (expr);                                                   \
    ++g_checks;                                                         \
    if (rc_ != (want)) {                                                \
      ++g_failures;                                                     \
      fprintf(stderr, "%s:%d: %s returned %s, want %s: %s\n", __FILE__, \
              __LINE__, #expr, qiaolian_code_name(rc_),                 \
              qiaolian_code_name(want), (err) != NULL ? (err) : "");    \
    }                                                                   \
    qiaolian_free(err);                                                 \
    (err) = NULL;                                                       \
  } while (0)

static inline int check_remove_entry(const char* path, const struct stat* sb,
                                     int flag, struct FTW* ftw) {
  (void)sb;
  (void)flag;
  (void)ftw;
  return remove(path);
}

/* Removes `dir` and everything under it. */
static inline void remove_tree(const char* dir) {
  nftw(dir, check_remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* Prints "NAME: N checks, M failures"; 0 when none failed, else 1. */
static inline int check_summary(const char* name) {
  printf("%s: %d checks, %d failures\n", name, g_checks, g_failures);
  return g_failures == 0 ? 0 : 1;
}

#endif /* QIAOLIAN_TESTS_CAPI_CHECK_H_ */
