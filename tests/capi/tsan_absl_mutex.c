/* Tells ThreadSanitizer about absl::Mutex, for tests/capi/tsan_test.sh.
 *
 * Debian's libabsl_synchronization.so is not built with -fsanitize=thread,
 * so the lock and unlock of an absl::Mutex -- which libqiaolian.so calls
 * through its PLT -- are invisible to TSan, and every access they protect
 * would be reported as a race. An instrumented Abseil annotates them itself
 * (ABSL_TSAN_MUTEX_* in mutex.cc); this file does the same from outside:
 * linked into the test executable, its definitions of the Mutex entry
 * points interpose on the library's, annotate, and call the real ones
 * (dlsym(RTLD_NEXT)). Nothing is suppressed: TSan sees exactly the
 * happens-before edges the mutex provides.
 *
 * QIAOLIAN_ABSL_NS is the mangled inline namespace of Abseil's symbols
 * (Debian 12: 7debian3 for absl::debian3), found by tsan_test.sh with nm.
 * Without it (libqiaolian.so calls no absl::Mutex), this file is empty. */
#define _GNU_SOURCE /* RTLD_NEXT */

#ifdef QIAOLIAN_ABSL_NS

#include <dlfcn.h>
#include <pthread.h>
#include <sanitizer/tsan_interface.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define QIAOLIAN_CAT3(a, b, c) a##b##c
#define QIAOLIAN_SYM(ns, f) QIAOLIAN_CAT3(_ZN4absl, ns, f)
#define QIAOLIAN_STR2(x) #x
#define QIAOLIAN_STR(x) QIAOLIAN_STR2(x)
/* absl::Mutex::F(), as a C function of `this`. */
#define MUTEX_FN(f) QIAOLIAN_SYM(QIAOLIAN_ABSL_NS, f)
#define MUTEX_NAME(f) QIAOLIAN_STR(MUTEX_FN(f))

typedef void (*MutexFn)(void* mu);

enum { kLock, kUnlock, kReaderLock, kReaderUnlock, kDestroy, kFns };
static MutexFn g_real[kFns];
static pthread_once_t g_once = PTHREAD_ONCE_INIT;

static void resolve(void) {
  static const char* const kNames[kFns] = {
      MUTEX_NAME(5Mutex4LockEv), MUTEX_NAME(5Mutex6UnlockEv),
      MUTEX_NAME(5Mutex10ReaderLockEv), MUTEX_NAME(5Mutex12ReaderUnlockEv),
      MUTEX_NAME(5MutexD1Ev)};
  int i;
  for (i = 0; i < kFns; ++i) {
    void* p = dlsym(RTLD_NEXT, kNames[i]);
    if (p == NULL) {
      fprintf(stderr, "tsan_absl_mutex: %s not found: %s\n", kNames[i],
              dlerror());
      abort();
    }
    memcpy(&g_real[i], &p, sizeof p); /* object to function pointer */
  }
}

static MutexFn real(int fn) {
  pthread_once(&g_once, resolve);
  return g_real[fn];
}

/* Declarations first, for -Wmissing-prototypes. */
void MUTEX_FN(5Mutex4LockEv)(void* mu);
void MUTEX_FN(5Mutex6UnlockEv)(void* mu);
void MUTEX_FN(5Mutex10ReaderLockEv)(void* mu);
void MUTEX_FN(5Mutex12ReaderUnlockEv)(void* mu);
void MUTEX_FN(5MutexD1Ev)(void* mu);

void MUTEX_FN(5Mutex4LockEv)(void* mu) {
  MutexFn f = real(kLock);
  __tsan_mutex_pre_lock(mu, 0);
  f(mu);
  __tsan_mutex_post_lock(mu, 0, 0);
}

void MUTEX_FN(5Mutex6UnlockEv)(void* mu) {
  MutexFn f = real(kUnlock);
  __tsan_mutex_pre_unlock(mu, 0);
  f(mu);
  __tsan_mutex_post_unlock(mu, 0);
}

void MUTEX_FN(5Mutex10ReaderLockEv)(void* mu) {
  MutexFn f = real(kReaderLock);
  __tsan_mutex_pre_lock(mu, __tsan_mutex_read_lock);
  f(mu);
  __tsan_mutex_post_lock(mu, __tsan_mutex_read_lock, 0);
}

void MUTEX_FN(5Mutex12ReaderUnlockEv)(void* mu) {
  MutexFn f = real(kReaderUnlock);
  __tsan_mutex_pre_unlock(mu, __tsan_mutex_read_lock);
  f(mu);
  __tsan_mutex_post_unlock(mu, __tsan_mutex_read_lock);
}

void MUTEX_FN(5MutexD1Ev)(void* mu) {
  MutexFn f = real(kDestroy);
  __tsan_mutex_destroy(mu, 0);
  f(mu);
}

#else
/* ISO C wants at least one declaration in a translation unit. */
typedef int qiaolian_tsan_absl_mutex_unused;
#endif
