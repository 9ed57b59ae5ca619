/* Concurrent use of one qiaolian_db_t from several threads (c.h, convention
 * 6), in C99 with POSIX threads. Also built with -fsanitize=thread by the
 * capi_threads_tsan test (tests/capi/tsan_test.sh).
 *
 *   c_api_threads_test [ITERATIONS]
 *
 * 1. Four threads create, get, query and update records on one handle;
 *    after they are joined, every record is there and indexes agree.
 *    Then, the store compacted, four threads search it at once.
 * 2. Four threads keep calling while a fifth closes the handle: each call
 *    succeeds or is FAILED_PRECONDITION (and stays so once seen); cursors
 *    opened before the close fail the same way. Nothing crashes. */
#define _XOPEN_SOURCE 700 /* mkdtemp, nanosleep */

#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "qiaolian/c.h"

enum { kThreads = 4 };

static pthread_mutex_t g_mu = PTHREAD_MUTEX_INITIALIZER;
static int g_checks = 0;
static int g_failures = 0;
static int g_iterations = 40;

static void check(int ok, const char* what, int rc, const char* err,
                  const char* file, int line) {
  pthread_mutex_lock(&g_mu);
  ++g_checks;
  if (!ok) {
    ++g_failures;
    fprintf(stderr, "%s:%d: CHECK failed: %s (rc %s: %s)\n", file, line, what,
            qiaolian_code_name(rc), err != NULL ? err : "");
  }
  pthread_mutex_unlock(&g_mu);
}

#define CHECK(cond) check((cond) ? 1 : 0, #cond, 0, NULL, __FILE__, __LINE__)
/* Checks `rc == want`, printing and then freeing `err`. */
#define CHECK_RC(rc, want, err)                                           \
  do {                                                                    \
    int rc_ = (rc);                                                       \
    check(rc_ == (want), #rc " == " #want, rc_, err, __FILE__, __LINE__); \
    qiaolian_free(err);                                                   \
    err = NULL;                                                           \
  } while (0)

static void sleep_ms(long ms) {
  struct timespec ts;
  ts.tv_sec = ms / 1000;
  ts.tv_nsec = (ms % 1000) * 1000000L;
  nanosleep(&ts, NULL);
}

static qiaolian_db_t* open_store(const char* root, const char* name) {
  char path[400];
  qiaolian_db_t* db = NULL;
  char* err = NULL;
  int rc;
  snprintf(path, sizeof path, "%s/%s", root, name);
  rc = qiaolian_open(path, NULL, &db, &err);
  if (rc != QIAOLIAN_OK) {
    fprintf(stderr, "open %s: %s: %s\n", path, qiaolian_code_name(rc),
            err != NULL ? err : "");
    exit(2);
  }
  return db;
}

/* ---- 1. Concurrent use. */

typedef struct {
  qiaolian_db_t* db;
  int index;
} Worker;

static void* work(void* arg) {
  const Worker* w = (const Worker*)arg;
  char* err = NULL;
  int i;
  for (i = 0; i < g_iterations; ++i) {
    char json[256];
    char query[160];
    uint8_t* out = NULL;
    size_t len = 0;
    uint64_t id = 0;
    uint64_t rev = 0;
    uint64_t n = 0;
    qiaolian_cursor_t* cursor = NULL;
    int rows = 0;
    int rc;
    snprintf(json, sizeof json,
             "{\"name\":\"金坛线程%d企业%d\",\"industry\":\"制造业\","
             "\"tags\":[\"线程%d\"]}",
             w->index, i, w->index);
    CHECK_RC(qiaolian_create(w->db, NULL, QIAOLIAN_KIND_ENTERPRISE,
                             QIAOLIAN_FORMAT_JSON, (const uint8_t*)json,
                             strlen(json), &id, &err),
             QIAOLIAN_OK, err);
    CHECK_RC(qiaolian_get(w->db, QIAOLIAN_KIND_ENTERPRISE, id,
                          QIAOLIAN_FORMAT_PROTO, &out, &len, &err),
             QIAOLIAN_OK, err);
    /* Update from the protobuf just read (based on revision 1). */
    if (out != NULL) {
      CHECK_RC(qiaolian_update(w->db, NULL, QIAOLIAN_KIND_ENTERPRISE,
                               QIAOLIAN_FORMAT_PROTO, out, len, &rev, &err),
               QIAOLIAN_OK, err);
      CHECK(rev == 2);
      qiaolian_free(out);
    }
    snprintf(query, sizeof query,
             "enterprise where name = \"金坛线程%d企业%d\"", w->index, i);
    CHECK_RC(qiaolian_query(w->db, query, strlen(query), NULL,
                            QIAOLIAN_FORMAT_JSON, &cursor, &err),
             QIAOLIAN_OK, err);
    while ((rc = qiaolian_cursor_next(cursor, &err)) == QIAOLIAN_ROW) {
      uint64_t row_id = 0;
      CHECK_RC(qiaolian_cursor_id(cursor, &row_id, &err), QIAOLIAN_OK, err);
      CHECK(row_id == id);
      ++rows;
    }
    CHECK_RC(rc, QIAOLIAN_DONE, err);
    CHECK(rows == 1);
    qiaolian_cursor_destroy(cursor);
    CHECK_RC(qiaolian_count(w->db, QIAOLIAN_KIND_ENTERPRISE, &n, &err),
             QIAOLIAN_OK, err);
    CHECK(n >= (uint64_t)i + 1);
  }
  return NULL;
}

/* Searches, once the records are in table files: each thread finds every
 * enterprise it created, several times, while the others search too (the
 * blocks they read are kept for later searches: src/storage/pread_env.h). */
static void* search_work(void* arg) {
  const Worker* w = (const Worker*)arg;
  char* err = NULL;
  int round, i;
  for (round = 0; round < 3; ++round) {
    for (i = 0; i < g_iterations; ++i) {
      char text[96];
      char* hits = NULL;
      size_t len = 0;
      snprintf(text, sizeof text, "金坛线程%d企业%d", w->index, i);
      CHECK_RC(qiaolian_search(w->db, QIAOLIAN_KIND_ENTERPRISE, text,
                               strlen(text), 3, 0, &hits, &len, &err),
               QIAOLIAN_OK, err);
      CHECK(hits != NULL && strstr(hits, text) != NULL);
      qiaolian_free(hits);
    }
  }
  return NULL;
}

static void test_concurrent(const char* root) {
  qiaolian_db_t* db = open_store(root, "concurrent");
  pthread_t threads[kThreads];
  Worker workers[kThreads];
  char* err = NULL;
  char* json = NULL;
  size_t json_len = 0;
  uint64_t n = 0;
  int consistent = 0;
  int i;
  static const char kAgg[] = "enterprise group by industry compute count";
  for (i = 0; i < kThreads; ++i) {
    workers[i].db = db;
    workers[i].index = i;
    CHECK(pthread_create(&threads[i], NULL, work, &workers[i]) == 0);
  }
  for (i = 0; i < kThreads; ++i) pthread_join(threads[i], NULL);
  CHECK_RC(qiaolian_count(db, QIAOLIAN_KIND_ENTERPRISE, &n, &err), QIAOLIAN_OK,
           err);
  CHECK(n == (uint64_t)(kThreads * g_iterations));
  CHECK_RC(qiaolian_verify(db, &consistent, NULL, NULL, &err), QIAOLIAN_OK,
           err);
  CHECK(consistent == 1);
  CHECK_RC(
      qiaolian_aggregate(db, kAgg, strlen(kAgg), NULL, &json, &json_len, &err),
      QIAOLIAN_OK, err);
  CHECK(json != NULL && strstr(json, "制造业") != NULL);
  qiaolian_free(json);
  CHECK_RC(qiaolian_compact(db, NULL, NULL, &err), QIAOLIAN_OK, err);
  for (i = 0; i < kThreads; ++i) {
    CHECK(pthread_create(&threads[i], NULL, search_work, &workers[i]) == 0);
  }
  for (i = 0; i < kThreads; ++i) pthread_join(threads[i], NULL);
  qiaolian_close(db);
}

/* ---- 2. Closing while others call. */

typedef struct {
  qiaolian_db_t* db;
  int index;
  int started; /* iterations done, under g_mu */
} Racer;

static int ok_or_closed(int rc) {
  return rc == QIAOLIAN_OK || rc == QIAOLIAN_FAILED_PRECONDITION;
}

static void* race(void* arg) {
  Racer* r = (Racer*)arg;
  int closed = 0; /* FAILED_PRECONDITION seen */
  int after = 0;  /* calls made after that */
  int i;
  qiaolian_cursor_t* early = NULL;
  char* err = NULL;
  int rc = qiaolian_query(r->db, "enterprise where industry = \"制造业\"",
                          strlen("enterprise where industry = \"制造业\""),
                          NULL, QIAOLIAN_FORMAT_PROTO, &early, &err);
  CHECK_RC(rc, QIAOLIAN_OK, err);
  for (i = 0; after < 20; ++i) {
    char json[160];
    uint8_t* out = NULL;
    size_t len = 0;
    uint64_t id = 0;
    uint64_t n = 0;
    qiaolian_cursor_t* cursor = NULL;
    int codes[5];
    int k;
    snprintf(json, sizeof json, "{\"name\":\"关闭竞争%d-%d\"}", r->index, i);
    codes[0] = qiaolian_create(r->db, NULL, QIAOLIAN_KIND_ENTERPRISE,
                               QIAOLIAN_FORMAT_JSON, (const uint8_t*)json,
                               strlen(json), &id, &err);
    qiaolian_free(err);
    err = NULL;
    codes[1] = qiaolian_get(r->db, QIAOLIAN_KIND_ENTERPRISE,
                            codes[0] == QIAOLIAN_OK ? id : 1,
                            QIAOLIAN_FORMAT_JSON, &out, &len, &err);
    qiaolian_free(err);
    err = NULL;
    codes[2] = codes[1]; /* the update needs the get */
    if (codes[1] == QIAOLIAN_OK && codes[0] == QIAOLIAN_OK) {
      codes[2] = qiaolian_update(r->db, NULL, QIAOLIAN_KIND_ENTERPRISE,
                                 QIAOLIAN_FORMAT_JSON, out, len, NULL, &err);
      qiaolian_free(err);
      err = NULL;
    }
    qiaolian_free(out);
    codes[3] = qiaolian_query(r->db, "enterprise where name = \"三久制造\"",
                              strlen("enterprise where name = \"三久制造\""),
                              NULL, QIAOLIAN_FORMAT_JSON, &cursor, &err);
    qiaolian_free(err);
    err = NULL;
    if (codes[3] == QIAOLIAN_OK) {
      while ((rc = qiaolian_cursor_next(cursor, &err)) == QIAOLIAN_ROW) {
      }
      CHECK(rc == QIAOLIAN_DONE || rc == QIAOLIAN_FAILED_PRECONDITION);
      qiaolian_free(err);
      err = NULL;
      qiaolian_cursor_destroy(cursor);
    }
    codes[4] = qiaolian_count(r->db, QIAOLIAN_KIND_ENTERPRISE, &n, &err);
    qiaolian_free(err);
    err = NULL;
    /* The early cursor, stepped now and then. */
    if (early != NULL) {
      rc = qiaolian_cursor_next(early, NULL);
      CHECK(rc == QIAOLIAN_ROW || rc == QIAOLIAN_DONE ||
            rc == QIAOLIAN_FAILED_PRECONDITION);
      if (closed) CHECK(rc == QIAOLIAN_FAILED_PRECONDITION);
    }
    for (k = 0; k < 5; ++k) {
      check(ok_or_closed(codes[k]), "OK or FAILED_PRECONDITION", codes[k], NULL,
            __FILE__, __LINE__);
      /* Once closed, always closed. */
      if (closed) {
        check(codes[k] == QIAOLIAN_FAILED_PRECONDITION,
              "FAILED_PRECONDITION after close", codes[k], NULL, __FILE__,
              __LINE__);
      }
      if (codes[k] == QIAOLIAN_FAILED_PRECONDITION) closed = 1;
    }
    if (closed) ++after;
    pthread_mutex_lock(&g_mu);
    ++r->started;
    pthread_mutex_unlock(&g_mu);
  }
  qiaolian_cursor_destroy(early);
  return NULL;
}

typedef struct {
  qiaolian_db_t* db;
  Racer* racers;
} Closer;

static void* close_soon(void* arg) {
  Closer* c = (Closer*)arg;
  /* Wait until every racer is well under way, then close under them. */
  for (;;) {
    int ready = 1;
    int i;
    pthread_mutex_lock(&g_mu);
    for (i = 0; i < kThreads; ++i) {
      if (c->racers[i].started < 3) ready = 0;
    }
    pthread_mutex_unlock(&g_mu);
    if (ready) break;
    sleep_ms(1);
  }
  qiaolian_close(c->db);
  qiaolian_close(c->db); /* twice, still harmless */
  return NULL;
}

static void test_close_while_calling(const char* root) {
  qiaolian_db_t* db = open_store(root, "closing");
  pthread_t threads[kThreads + 1];
  Racer racers[kThreads];
  Closer closer;
  char* err = NULL;
  uint64_t id = 0;
  uint64_t n = 0;
  int i;
  static const char kSeed[] = "{\"name\":\"三久制造\",\"industry\":\"制造业\"}";
  for (i = 0; i < 3; ++i) {
    CHECK_RC(qiaolian_create(db, NULL, QIAOLIAN_KIND_ENTERPRISE,
                             QIAOLIAN_FORMAT_JSON, (const uint8_t*)kSeed,
                             strlen(kSeed), &id, &err),
             QIAOLIAN_OK, err);
  }
  for (i = 0; i < kThreads; ++i) {
    racers[i].db = db;
    racers[i].index = i;
    racers[i].started = 0;
    CHECK(pthread_create(&threads[i], NULL, race, &racers[i]) == 0);
  }
  closer.db = db;
  closer.racers = racers;
  CHECK(pthread_create(&threads[kThreads], NULL, close_soon, &closer) == 0);
  for (i = 0; i <= kThreads; ++i) pthread_join(threads[i], NULL);
  CHECK_RC(qiaolian_count(db, QIAOLIAN_KIND_ENTERPRISE, &n, &err),
           QIAOLIAN_FAILED_PRECONDITION, err);
  qiaolian_close(db);
  /* The store was closed cleanly: it opens again with what was written. */
  db = open_store(root, "closing");
  CHECK_RC(qiaolian_count(db, QIAOLIAN_KIND_ENTERPRISE, &n, &err), QIAOLIAN_OK,
           err);
  CHECK(n >= 3);
  {
    int consistent = 0;
    CHECK_RC(qiaolian_verify(db, &consistent, NULL, NULL, &err), QIAOLIAN_OK,
             err);
    CHECK(consistent == 1);
  }
  qiaolian_close(db);
}

int main(int argc, char** argv) {
  char root[256];
  char cmd[320];
  const char* base = getenv("TMPDIR");
  if (argc > 1) g_iterations = atoi(argv[1]);
  if (g_iterations <= 0) g_iterations = 1;
  snprintf(root, sizeof root, "%s/qiaolian-threads-test.XXXXXX",
           base != NULL && base[0] != '\0' ? base : "/tmp");
  if (mkdtemp(root) == NULL) {
    perror("mkdtemp");
    return 2;
  }
  test_concurrent(root);
  test_close_while_calling(root);
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
  if (system(cmd) != 0) fprintf(stderr, "cannot remove %s\n", root);
  printf("c_api_threads_test: %d checks, %d failures\n", g_checks, g_failures);
  return g_failures == 0 ? 0 : 1;
}
