/* Tests of the C API (include/qiaolian/c.h), written in C99 and compiled
 * with -std=c99 -Wall -Wextra -Werror -pedantic, so that a C++-ism in the
 * header breaks the build. Links libqiaolian.so.
 *
 *   c_api_test EXAMPLES_DIR    (the repository's examples/2020)
 *
 * Every check is counted; failures print file:line and the test exits 1.
 * Each step runs on a fresh store in a temporary directory (mkdtemp). */
#define _XOPEN_SOURCE 700 /* mkdtemp, nftw */

#include <dirent.h>
#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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

/* Checks that the call `expr` returned `want`, and that `err` (a char*
 * errmsg variable) is NULL on QIAOLIAN_OK/ROW/DONE and a non-empty message
 * otherwise. Frees the message and resets `err` to NULL. */
#define CHECK_RC(expr, want, err) \
  check_rc((expr), (want), &(err), #expr, __FILE__, __LINE__)

static void check_rc(int rc, int want, char** err, const char* expr,
                     const char* file, int line) {
  ++g_checks;
  if (rc != want) {
    ++g_failures;
    fprintf(stderr, "%s:%d: %s returned %s (%d), want %s (%d): %s\n", file,
            line, expr, qiaolian_code_name(rc), rc, qiaolian_code_name(want),
            want, *err != NULL ? *err : "(no message)");
  } else if (rc == QIAOLIAN_OK || rc == QIAOLIAN_ROW || rc == QIAOLIAN_DONE) {
    if (*err != NULL) {
      ++g_failures;
      fprintf(stderr, "%s:%d: %s succeeded but set errmsg \"%s\"\n", file, line,
              expr, *err);
    }
  } else if (*err == NULL || (*err)[0] == '\0') {
    ++g_failures;
    fprintf(stderr, "%s:%d: %s failed (%s) without a message\n", file, line,
            expr, qiaolian_code_name(rc));
  }
  qiaolian_free(*err);
  *err = NULL;
}

/* Like CHECK_RC for a failure, and also checks that the message contains
 * `needle`. */
#define CHECK_FAIL(expr, want, needle, err) \
  check_fail((expr), (want), (needle), &(err), #expr, __FILE__, __LINE__)

static void check_fail(int rc, int want, const char* needle, char** err,
                       const char* expr, const char* file, int line) {
  ++g_checks;
  if (rc != want || *err == NULL || strstr(*err, needle) == NULL) {
    ++g_failures;
    fprintf(stderr,
            "%s:%d: %s returned %s (%d) with \"%s\", want %s (%d) with a "
            "message containing \"%s\"\n",
            file, line, expr, qiaolian_code_name(rc), rc,
            *err != NULL ? *err : "(no message)", qiaolian_code_name(want),
            want, needle);
  }
  qiaolian_free(*err);
  *err = NULL;
}

static const uint8_t* u8(const char* s) { return (const uint8_t*)s; }

/* True when the `len` bytes at `hay` contain the NUL-terminated `needle`. */
static int contains(const void* hay, size_t len, const char* needle) {
  const char* h = (const char*)hay;
  size_t n = strlen(needle);
  size_t i;
  if (n > len) return 0;
  for (i = 0; i + n <= len; ++i) {
    if (memcmp(h + i, needle, n) == 0) return 1;
  }
  return 0;
}

/* ---- Temporary directories. */

static int remove_entry(const char* path, const struct stat* sb, int flag,
                        struct FTW* ftw) {
  (void)sb;
  (void)flag;
  (void)ftw;
  return remove(path);
}

/* Creates a fresh directory; its path is written to `dir` (>= 64 bytes). */
static void make_temp_dir(char* dir, size_t size) {
  const char* base = getenv("TMPDIR");
  snprintf(dir, size, "%s/qiaolian-c-api-test.XXXXXX",
           base != NULL && base[0] != '\0' ? base : "/tmp");
  if (mkdtemp(dir) == NULL) {
    perror("mkdtemp");
    exit(2);
  }
}

static void remove_tree(const char* dir) {
  nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

/* ---- Example data. */

static char g_examples[1024];

/* Reads line `n` (1-based) of EXAMPLES/name.jsonl into a malloc'd string
 * without its newline; exits if missing. */
static char* example_line(const char* name, int n) {
  char path[1200];
  char* line = NULL;
  size_t cap = 0;
  ssize_t got = -1;
  int i;
  FILE* f;
  snprintf(path, sizeof path, "%s/%s.jsonl", g_examples, name);
  f = fopen(path, "r");
  if (f == NULL) {
    perror(path);
    exit(2);
  }
  for (i = 0; i < n; ++i) {
    got = getline(&line, &cap, f);
    if (got < 0) break;
  }
  fclose(f);
  if (got < 0) {
    fprintf(stderr, "%s has no line %d\n", path, n);
    exit(2);
  }
  while (got > 0 && (line[got - 1] == '\n' || line[got - 1] == '\r')) {
    line[--got] = '\0';
  }
  return line;
}

/* Opens a fresh store in `dir`/store; returns the handle. */
static qiaolian_db_t* open_store(const char* dir) {
  char path[256];
  qiaolian_db_t* db = NULL;
  char* err = NULL;
  snprintf(path, sizeof path, "%s/store", dir);
  CHECK_RC(qiaolian_open(path, NULL, &db, &err), QIAOLIAN_OK, err);
  CHECK(db != NULL);
  if (db == NULL) exit(1);
  return db;
}

/* Creates every enterprise of the example data; returns how many. */
static int load_enterprises(qiaolian_db_t* db) {
  char* err = NULL;
  int n;
  for (n = 1; n <= 13; ++n) {
    char* json = example_line("enterprise", n);
    uint64_t id = 0;
    CHECK_RC(qiaolian_create(db, NULL, QIAOLIAN_KIND_ENTERPRISE,
                             QIAOLIAN_FORMAT_JSON, u8(json), strlen(json), &id,
                             &err),
             QIAOLIAN_OK, err);
    CHECK(id == (uint64_t)n);
    free(json);
  }
  return 13;
}

/* ---- Tests. */

static void test_version(void) {
  CHECK(strcmp(qiaolian_version(), QIAOLIAN_VERSION) == 0);
  CHECK(qiaolian_version_number() == QIAOLIAN_VERSION_NUMBER);
  CHECK(QIAOLIAN_VERSION_NUMBER / 1000000 >= 0);
  {
    /* The string and the number agree. */
    char s[32];
    int v = QIAOLIAN_VERSION_NUMBER;
    snprintf(s, sizeof s, "%d.%d.%d", v / 1000000, v / 1000 % 1000, v % 1000);
    CHECK(strcmp(s, QIAOLIAN_VERSION) == 0);
  }
  CHECK(strcmp(qiaolian_code_name(QIAOLIAN_OK), "OK") == 0);
  CHECK(strcmp(qiaolian_code_name(QIAOLIAN_NOT_FOUND), "NOT_FOUND") == 0);
  CHECK(strcmp(qiaolian_code_name(QIAOLIAN_DATA_LOSS), "DATA_LOSS") == 0);
  CHECK(strcmp(qiaolian_code_name(QIAOLIAN_ROW), "ROW") == 0);
  CHECK(strcmp(qiaolian_code_name(QIAOLIAN_DONE), "DONE") == 0);
  CHECK(strcmp(qiaolian_code_name(-1), "UNKNOWN_CODE") == 0);
  CHECK(strcmp(qiaolian_code_name(16), "UNKNOWN_CODE") == 0);
  CHECK(strcmp(qiaolian_kind_name(QIAOLIAN_KIND_PERSON), "person") == 0);
  CHECK(strcmp(qiaolian_kind_name(QIAOLIAN_KIND_ENTERPRISE), "enterprise") ==
        0);
  CHECK(strcmp(qiaolian_kind_name(QIAOLIAN_KIND_EVENT), "event") == 0);
  CHECK(qiaolian_kind_name(0) == NULL);
  CHECK(qiaolian_kind_name(6) == NULL);
  qiaolian_free(NULL);
}

static void test_schema(void) {
  uint8_t* set = NULL;
  size_t len = 0;
  char* err = NULL;
  CHECK_RC(qiaolian_schema(&set, &len, &err), QIAOLIAN_OK, err);
  CHECK(set != NULL && len > 100);
  /* A FileDescriptorSet: field 1 (file), length-delimited. */
  CHECK(set != NULL && set[0] == 0x0a);
  CHECK(contains(set, len, "qiaolian/v1/enterprise.proto"));
  CHECK(contains(set, len, "qiaolian/v1/event.proto"));
  CHECK(contains(set, len, "qiaolian.v1"));
  qiaolian_free(set);
}

static void test_options(void) {
  char dir[256];
  char path[300];
  qiaolian_options_t* o = qiaolian_options_create();
  qiaolian_write_options_t* w = qiaolian_write_options_create();
  qiaolian_query_options_t* q = qiaolian_query_options_create();
  qiaolian_db_t* db = NULL;
  char* err = NULL;
  uint64_t id = 0;
  static const char kJson[] = "{\"name\":\"金坛测试有限公司\"}";

  CHECK(o != NULL && w != NULL && q != NULL);
  CHECK(qiaolian_options_set_create_if_missing(o, 0) == QIAOLIAN_OK);
  CHECK(qiaolian_options_set_read_only(o, 0) == QIAOLIAN_OK);
  CHECK(qiaolian_options_set_sync(o, 1) == QIAOLIAN_OK);
  CHECK(qiaolian_options_set_cache_bytes(o, 1u << 20) == QIAOLIAN_OK);
  CHECK(qiaolian_write_options_set_actor(w, "c_api_test", 10) == QIAOLIAN_OK);
  CHECK(qiaolian_write_options_set_actor(w, NULL, 0) == QIAOLIAN_OK);
  CHECK(qiaolian_write_options_set_actor(w, "侨联", strlen("侨联")) ==
        QIAOLIAN_OK);
  CHECK(qiaolian_write_options_set_sync(w, -1) == QIAOLIAN_OK);
  CHECK(qiaolian_write_options_set_sync(w, 0) == QIAOLIAN_OK);
  CHECK(qiaolian_query_options_set_allow_scan(q, 1) == QIAOLIAN_OK);
  CHECK(qiaolian_query_options_set_page_size(q, 10) == QIAOLIAN_OK);
  CHECK(qiaolian_query_options_set_cursor(q, NULL, 0) == QIAOLIAN_OK);
  /* NULL objects. */
  CHECK(qiaolian_options_set_sync(NULL, 1) == QIAOLIAN_INVALID_ARGUMENT);
  CHECK(qiaolian_write_options_set_actor(w, NULL, 3) ==
        QIAOLIAN_INVALID_ARGUMENT);
  CHECK(qiaolian_query_options_set_cursor(q, NULL, 3) ==
        QIAOLIAN_INVALID_ARGUMENT);

  make_temp_dir(dir, sizeof dir);
  snprintf(path, sizeof path, "%s/store", dir);
  /* create_if_missing 0: no store there. */
  CHECK_RC(qiaolian_open(path, o, &db, &err), QIAOLIAN_NOT_FOUND, err);
  CHECK(db == NULL);
  CHECK(qiaolian_options_set_create_if_missing(o, 1) == QIAOLIAN_OK);
  CHECK_RC(qiaolian_open(path, o, &db, &err), QIAOLIAN_OK, err);
  /* The actor is kept in meta. */
  CHECK_RC(
      qiaolian_create(db, w, QIAOLIAN_KIND_ENTERPRISE, QIAOLIAN_FORMAT_JSON,
                      u8(kJson), strlen(kJson), &id, &err),
      QIAOLIAN_OK, err);
  {
    uint8_t* out = NULL;
    size_t len = 0;
    CHECK_RC(qiaolian_get(db, QIAOLIAN_KIND_ENTERPRISE, id,
                          QIAOLIAN_FORMAT_JSON, &out, &len, &err),
             QIAOLIAN_OK, err);
    CHECK(out != NULL && contains(out, len, "侨联"));
    qiaolian_free(out);
  }
  qiaolian_close(db);

  /* Read-only: reads work, writes are FAILED_PRECONDITION. */
  CHECK(qiaolian_options_set_read_only(o, 1) == QIAOLIAN_OK);
  db = NULL;
  CHECK_RC(qiaolian_open(path, o, &db, &err), QIAOLIAN_OK, err);
  {
    uint64_t n = 0;
    CHECK_RC(qiaolian_count(db, QIAOLIAN_KIND_ENTERPRISE, &n, &err),
             QIAOLIAN_OK, err);
    CHECK(n == 1);
  }
  CHECK_RC(
      qiaolian_create(db, NULL, QIAOLIAN_KIND_ENTERPRISE, QIAOLIAN_FORMAT_JSON,
                      u8(kJson), strlen(kJson), &id, &err),
      QIAOLIAN_FAILED_PRECONDITION, err);
  qiaolian_close(db);

  qiaolian_options_destroy(o);
  qiaolian_write_options_destroy(w);
  qiaolian_query_options_destroy(q);
  /* Destructors accept NULL. */
  qiaolian_options_destroy(NULL);
  qiaolian_write_options_destroy(NULL);
  qiaolian_query_options_destroy(NULL);
  qiaolian_cursor_destroy(NULL);
  qiaolian_close(NULL);
  remove_tree(dir);
}

/* Table files (*.ldb) in store directory `path`. */
static int count_tables(const char* path) {
  DIR* d = opendir(path);
  struct dirent* e;
  int n = 0;
  CHECK(d != NULL);
  while ((e = readdir(d)) != NULL) {
    const size_t len = strlen(e->d_name);
    if (len > 4 && strcmp(e->d_name + len - 4, ".ldb") == 0) ++n;
  }
  closedir(d);
  return n;
}

/* Creates `n` enterprises 金坛第0测试有限公司... (ids 1..n in a new store). */
static void create_enterprises(qiaolian_db_t* db, int n) {
  char* err = NULL;
  uint64_t id = 0;
  int i;
  for (i = 0; i < n; ++i) {
    char json[256];
    snprintf(json, sizeof json,
             "{\"name\":\"金坛第%d测试有限公司\",\"businessScope\":"
             "\"电子产品、机械设备、五金交电、建筑材料的销售与技术咨询%d\"}",
             i, i);
    CHECK_RC(qiaolian_create(db, NULL, QIAOLIAN_KIND_ENTERPRISE,
                             QIAOLIAN_FORMAT_JSON, u8(json), strlen(json), &id,
                             &err),
             QIAOLIAN_OK, err);
  }
}

/* The write buffer reaches LevelDB: 300 enterprises (a few hundred KB of
 * rows, history and index entries) stay in the default 4 MiB memtable, and
 * overflow a 64 KiB one into table files before the store is closed. Both
 * stores read back every record. */
static void test_write_buffer(void) {
  char dir[256], path[320];
  uint64_t sizes[2] = {0, 64u << 10};
  int tables[2] = {0, 0};
  int round;
  make_temp_dir(dir, sizeof dir);
  for (round = 0; round < 2; ++round) {
    qiaolian_options_t* o = qiaolian_options_create();
    qiaolian_db_t* db = NULL;
    char* err = NULL;
    uint64_t n = 0;
    CHECK(o != NULL);
    if (sizes[round] != 0) {
      CHECK(qiaolian_options_set_write_buffer_bytes(o, sizes[round]) ==
            QIAOLIAN_OK);
    }
    snprintf(path, sizeof path, "%s/store%d", dir, round);
    CHECK_RC(qiaolian_open(path, o, &db, &err), QIAOLIAN_OK, err);
    create_enterprises(db, 300);
    tables[round] = count_tables(path);
    CHECK_RC(qiaolian_count(db, QIAOLIAN_KIND_ENTERPRISE, &n, &err),
             QIAOLIAN_OK, err);
    CHECK(n == 300);
    qiaolian_close(db);
    qiaolian_options_destroy(o);
  }
  CHECK(tables[0] == 0);
  CHECK(tables[1] > 0);
  CHECK(qiaolian_options_set_write_buffer_bytes(NULL, 1) ==
        QIAOLIAN_INVALID_ARGUMENT);
  remove_tree(dir);
}

/* Lines of /proc/self/maps naming a table file under `dir`. */
static int mapped_tables(const char* dir) {
  char line[1024];
  int n = 0;
  FILE* f = fopen("/proc/self/maps", "r");
  if (f == NULL) return -1;
  while (fgets(line, sizeof line, f) != NULL) {
    if (strstr(line, dir) != NULL && strstr(line, ".ldb") != NULL) ++n;
  }
  fclose(f);
  return n;
}

/* map_tables 0: tables are read with pread, none is mapped, every record
 * reads back; the default maps them. */
static void test_map_tables(void) {
  char dir[256], path[320];
  int round;
  make_temp_dir(dir, sizeof dir);
  snprintf(path, sizeof path, "%s/store", dir);
  for (round = 0; round < 2; ++round) {
    qiaolian_options_t* o = qiaolian_options_create();
    qiaolian_db_t* db = NULL;
    char* err = NULL;
    uint64_t id = 0;
    CHECK(o != NULL);
    CHECK(qiaolian_options_set_write_buffer_bytes(o, 64u << 10) == QIAOLIAN_OK);
    if (round == 0) CHECK(qiaolian_options_set_map_tables(o, 0) == QIAOLIAN_OK);
    CHECK_RC(qiaolian_open(path, o, &db, &err), QIAOLIAN_OK, err);
    if (round == 0) create_enterprises(db, 300);
    CHECK(count_tables(path) > 0);
    for (id = 1; id <= 300; ++id) {
      uint8_t* data = NULL;
      size_t len = 0;
      CHECK_RC(qiaolian_get(db, QIAOLIAN_KIND_ENTERPRISE, id,
                            QIAOLIAN_FORMAT_JSON, &data, &len, &err),
               QIAOLIAN_OK, err);
      CHECK(data != NULL && contains((const char*)data, len, "测试有限公司"));
      qiaolian_free(data);
    }
    CHECK(round == 0 ? mapped_tables(path) == 0 : mapped_tables(path) > 0);
    qiaolian_close(db);
    qiaolian_options_destroy(o);
  }
  CHECK(qiaolian_options_set_map_tables(NULL, 1) == QIAOLIAN_INVALID_ARGUMENT);
  remove_tree(dir);
}

/* search_cache_bytes: searches of a store whose records are in table files
 * find the same hits, again and again, with the default memory for their
 * blocks, with none, and with a little. */
static void test_search_cache_bytes(void) {
  char dir[256], path[320];
  char* first = NULL;
  int round;
  make_temp_dir(dir, sizeof dir);
  snprintf(path, sizeof path, "%s/store", dir);
  for (round = 0; round < 5; ++round) {
    qiaolian_options_t* o = qiaolian_options_create();
    qiaolian_db_t* db = NULL;
    char* err = NULL;
    int i;
    CHECK(o != NULL);
    CHECK(qiaolian_options_set_write_buffer_bytes(o, 64u << 10) == QIAOLIAN_OK);
    if (round == 1) {
      CHECK(qiaolian_options_set_search_cache_bytes(o, 0) == QIAOLIAN_OK);
    } else if (round == 2) {
      CHECK(qiaolian_options_set_search_cache_bytes(o, 2u << 20) ==
            QIAOLIAN_OK);
    }
    CHECK_RC(qiaolian_open(path, o, &db, &err), QIAOLIAN_OK, err);
    if (round == 0) {
      create_enterprises(db, 300);
      CHECK_RC(qiaolian_compact(db, NULL, NULL, &err), QIAOLIAN_OK, err);
    }
    CHECK(count_tables(path) > 0);
    for (i = 0; i < 8; ++i) {
      static const char kText[] = "金坛第12测试";
      char* hits = NULL;
      size_t len = 0;
      CHECK_RC(qiaolian_search(db, QIAOLIAN_KIND_ENTERPRISE, kText,
                               strlen(kText), 5, 0, &hits, &len, &err),
               QIAOLIAN_OK, err);
      CHECK(hits != NULL && contains(hits, len, "金坛第12测试有限公司"));
      if (first == NULL) {
        first = hits;
      } else {
        CHECK(strcmp(first, hits) == 0);
        qiaolian_free(hits);
      }
    }
    qiaolian_close(db);
    qiaolian_options_destroy(o);
  }
  qiaolian_free(first);
  CHECK(qiaolian_options_set_search_cache_bytes(NULL, 1) ==
        QIAOLIAN_INVALID_ARGUMENT);
  remove_tree(dir);
}

/* warm_up_in_background: by default an opened store maps all its table
 * files by itself (polled for, up to 60 s: a stuck warm-up fails the test;
 * tests/storage/db_test.cc shows that no read of the caller's is needed);
 * turned off, the searches find the same hits, as they do with the search
 * indexes' tables mapped into memory (warm_up_search_bytes, round 3) or not
 * (0, round 4); and a store closed right after opening closes. */
static void test_warm_up_in_background(void) {
  char dir[256], path[320];
  char* first = NULL;
  int round, tables, waited;
  make_temp_dir(dir, sizeof dir);
  snprintf(path, sizeof path, "%s/store", dir);
  for (round = 0; round < 3; ++round) {
    qiaolian_options_t* o = qiaolian_options_create();
    qiaolian_db_t* db = NULL;
    char* err = NULL;
    char* hits = NULL;
    size_t len = 0;
    static const char kText[] = "金坛第12测试";
    CHECK(o != NULL);
    CHECK(qiaolian_options_set_write_buffer_bytes(o, 64u << 10) == QIAOLIAN_OK);
    if (round == 1) {
      CHECK(qiaolian_options_set_warm_up_in_background(o, 0) == QIAOLIAN_OK);
    }
    if (round >= 3) {
      CHECK(qiaolian_options_set_warm_up_search_bytes(
                o, round == 3 ? (uint64_t)1 << 30 : 0) == QIAOLIAN_OK);
    }
    CHECK_RC(qiaolian_open(path, o, &db, &err), QIAOLIAN_OK, err);
    if (round == 0) {
      /* Compacted, so that no compaction replaces tables meanwhile. */
      create_enterprises(db, 400);
      CHECK_RC(qiaolian_compact(db, NULL, NULL, &err), QIAOLIAN_OK, err);
      qiaolian_close(db);
      CHECK_RC(qiaolian_open(path, o, &db, &err), QIAOLIAN_OK, err);
    }
    tables = count_tables(path);
    CHECK(tables > 0);
    if (round == 0 || round >= 3) {
      for (waited = 0; waited < 6000 && mapped_tables(path) < tables;
           ++waited) {
        const struct timespec ten_ms = {0, 10 * 1000 * 1000};
        nanosleep(&ten_ms, NULL);
      }
      CHECK(mapped_tables(path) == tables);
    }
    if (round == 2) {
      qiaolian_close(db); /* At once, while it opens tables. */
      CHECK(mapped_tables(path) == 0);
      qiaolian_options_destroy(o);
      continue;
    }
    CHECK_RC(qiaolian_search(db, QIAOLIAN_KIND_ENTERPRISE, kText, strlen(kText),
                             5, 0, &hits, &len, &err),
             QIAOLIAN_OK, err);
    CHECK(hits != NULL && contains(hits, len, "金坛第12测试有限公司"));
    if (first == NULL) {
      first = hits;
    } else {
      CHECK(hits != NULL && strcmp(first, hits) == 0);
      qiaolian_free(hits);
    }
    qiaolian_close(db);
    qiaolian_options_destroy(o);
  }
  qiaolian_free(first);
  CHECK(qiaolian_options_set_warm_up_in_background(NULL, 1) ==
        QIAOLIAN_INVALID_ARGUMENT);
  CHECK(qiaolian_options_set_warm_up_search_bytes(NULL, 1) ==
        QIAOLIAN_INVALID_ARGUMENT);
  remove_tree(dir);
}

/* Create (JSON and protobuf), get (both formats), update, conflicts,
 * delete, count. */
static void test_records(void) {
  char dir[256];
  qiaolian_db_t* db;
  char* err = NULL;
  uint8_t* out = NULL;
  uint8_t* proto = NULL;
  size_t len = 0;
  size_t proto_len = 0;
  uint64_t id = 0;
  uint64_t rev = 0;
  uint64_t n = 0;
  /* qiaolian.v1.Enterprise{name: "金坛侨联测试企业"} serialized by hand:
   * field 2 (name), wire type 2, then the UTF-8 length and bytes. */
  static const char kName[] = "金坛侨联测试企业";
  uint8_t hand[64];

  make_temp_dir(dir, sizeof dir);
  db = open_store(dir);
  load_enterprises(db);
  CHECK_RC(qiaolian_count(db, QIAOLIAN_KIND_ENTERPRISE, &n, &err), QIAOLIAN_OK,
           err);
  CHECK(n == 13);
  CHECK_RC(qiaolian_count(db, QIAOLIAN_KIND_PERSON, &n, &err), QIAOLIAN_OK,
           err);
  CHECK(n == 0);

  /* Success clears a stale errmsg pointer. */
  err = (char*)"not a message";
  CHECK(qiaolian_count(db, QIAOLIAN_KIND_ENTERPRISE, &n, &err) == QIAOLIAN_OK);
  CHECK(err == NULL);
  err = NULL;

  /* Create from protobuf bytes. */
  hand[0] = 0x12;
  hand[1] = (uint8_t)strlen(kName);
  memcpy(hand + 2, kName, strlen(kName));
  CHECK_RC(
      qiaolian_create(db, NULL, QIAOLIAN_KIND_ENTERPRISE, QIAOLIAN_FORMAT_PROTO,
                      hand, 2 + strlen(kName), &id, &err),
      QIAOLIAN_OK, err);
  CHECK(id == 14);
  CHECK_RC(qiaolian_get(db, QIAOLIAN_KIND_ENTERPRISE, 14, QIAOLIAN_FORMAT_JSON,
                        &out, &len, &err),
           QIAOLIAN_OK, err);
  CHECK(out != NULL && contains(out, len, kName));
  CHECK(out != NULL && strlen((const char*)out) == len);
  CHECK(out != NULL && contains(out, len, "\"revision\":\"1\""));
  qiaolian_free(out);
  out = NULL;

  /* Get in both formats. */
  CHECK_RC(qiaolian_get(db, QIAOLIAN_KIND_ENTERPRISE, 1, QIAOLIAN_FORMAT_JSON,
                        &out, &len, &err),
           QIAOLIAN_OK, err);
  CHECK(out != NULL && contains(out, len, "三久制造"));
  CHECK(out != NULL && contains(out, len, "\"id\":\"1\""));
  CHECK(out != NULL && out[len] == '\0');
  CHECK_RC(qiaolian_get(db, QIAOLIAN_KIND_ENTERPRISE, 1, QIAOLIAN_FORMAT_PROTO,
                        &proto, &proto_len, &err),
           QIAOLIAN_OK, err);
  CHECK(proto != NULL && proto_len > 0 && proto_len < len);
  CHECK(proto != NULL && contains(proto, proto_len, "三久制造"));
  CHECK(proto != NULL && proto[0] == 0x0a); /* field 1: meta */

  /* Update from protobuf bytes (revision 1 -> 2), then again from the same
   * bytes: stale, ABORTED, and nothing written. */
  rev = 0;
  CHECK_RC(qiaolian_update(db, NULL, QIAOLIAN_KIND_ENTERPRISE,
                           QIAOLIAN_FORMAT_PROTO, proto, proto_len, &rev, &err),
           QIAOLIAN_OK, err);
  CHECK(rev == 2);
  CHECK_FAIL(
      qiaolian_update(db, NULL, QIAOLIAN_KIND_ENTERPRISE, QIAOLIAN_FORMAT_PROTO,
                      proto, proto_len, &rev, &err),
      QIAOLIAN_ABORTED, "conflict", err);
  CHECK(rev == 2);
  /* The JSON taken at revision 1 is stale too. */
  CHECK_FAIL(qiaolian_update(db, NULL, QIAOLIAN_KIND_ENTERPRISE,
                             QIAOLIAN_FORMAT_JSON, out, len, NULL, &err),
             QIAOLIAN_ABORTED, "conflict", err);
  qiaolian_free(out);
  qiaolian_free(proto);
  out = NULL;
  proto = NULL;
  /* Update from JSON at the current revision; new_revision may be NULL. */
  CHECK_RC(qiaolian_get(db, QIAOLIAN_KIND_ENTERPRISE, 1, QIAOLIAN_FORMAT_JSON,
                        &out, &len, &err),
           QIAOLIAN_OK, err);
  CHECK(out != NULL && contains(out, len, "\"revision\":\"2\""));
  CHECK_RC(qiaolian_update(db, NULL, QIAOLIAN_KIND_ENTERPRISE,
                           QIAOLIAN_FORMAT_JSON, out, len, NULL, &err),
           QIAOLIAN_OK, err);
  qiaolian_free(out);
  out = NULL;
  CHECK_RC(qiaolian_get(db, QIAOLIAN_KIND_ENTERPRISE, 1, QIAOLIAN_FORMAT_JSON,
                        &out, &len, &err),
           QIAOLIAN_OK, err);
  CHECK(out != NULL && contains(out, len, "\"revision\":\"3\""));
  qiaolian_free(out);
  out = NULL;

  /* Delete: a wrong expected revision is ABORTED; then deleted for good. */
  CHECK_FAIL(qiaolian_delete(db, NULL, QIAOLIAN_KIND_ENTERPRISE, 14, 7, &err),
             QIAOLIAN_ABORTED, "conflict", err);
  CHECK_RC(qiaolian_delete(db, NULL, QIAOLIAN_KIND_ENTERPRISE, 14, 1, &err),
           QIAOLIAN_OK, err);
  CHECK_RC(qiaolian_get(db, QIAOLIAN_KIND_ENTERPRISE, 14, QIAOLIAN_FORMAT_JSON,
                        &out, &len, &err),
           QIAOLIAN_NOT_FOUND, err);
  CHECK_RC(qiaolian_delete(db, NULL, QIAOLIAN_KIND_ENTERPRISE, 14, 0, &err),
           QIAOLIAN_NOT_FOUND, err);
  CHECK_RC(qiaolian_count(db, QIAOLIAN_KIND_ENTERPRISE, &n, &err), QIAOLIAN_OK,
           err);
  CHECK(n == 13);

  qiaolian_close(db);
  remove_tree(dir);
}

/* Collects the ids of every row of `cursor` (up to `cap`); returns how
 * many, or -1 on an error. Checks record/id agreement on the way. */
static int drain(qiaolian_cursor_t* cursor, int format, uint64_t* ids,
                 int cap) {
  char* err = NULL;
  int n = 0;
  int rc;
  while ((rc = qiaolian_cursor_next(cursor, &err)) == QIAOLIAN_ROW) {
    const uint8_t* data = NULL;
    size_t len = 0;
    uint64_t id = 0;
    CHECK(err == NULL);
    CHECK_RC(qiaolian_cursor_record(cursor, &data, &len, &err), QIAOLIAN_OK,
             err);
    CHECK_RC(qiaolian_cursor_id(cursor, &id, &err), QIAOLIAN_OK, err);
    CHECK(data != NULL && len > 0);
    if (format == QIAOLIAN_FORMAT_JSON && data != NULL) {
      char want[48];
      snprintf(want, sizeof want, "\"id\":\"%llu\"", (unsigned long long)id);
      CHECK(data[len] == '\0');
      CHECK(contains(data, len, want));
    }
    if (n < cap) ids[n] = id;
    ++n;
  }
  CHECK_RC(rc, QIAOLIAN_DONE, err);
  if (rc != QIAOLIAN_DONE) return -1;
  /* DONE again, and no current record. */
  CHECK_RC(qiaolian_cursor_next(cursor, &err), QIAOLIAN_DONE, err);
  {
    const uint8_t* data = NULL;
    size_t len = 0;
    CHECK_RC(qiaolian_cursor_record(cursor, &data, &len, &err),
             QIAOLIAN_FAILED_PRECONDITION, err);
  }
  return n;
}

static void test_queries(void) {
  char dir[256];
  qiaolian_db_t* db;
  qiaolian_query_options_t* q = qiaolian_query_options_create();
  qiaolian_cursor_t* cursor = NULL;
  char* err = NULL;
  uint64_t all[32];
  uint64_t paged[32];
  int n_all;
  int n_paged = 0;
  int pages = 0;
  int i;
  static const char kAll[] = "enterprise";
  static const char kTagged[] =
      "enterprise where overseas_chinese_invested = true";
  static const char kUnindexed[] = "enterprise where notes prefix \"2020\"";

  make_temp_dir(dir, sizeof dir);
  db = open_store(dir);
  load_enterprises(db);

  /* A predicate no index serves needs allow_scan. */
  CHECK_FAIL(qiaolian_query(db, kUnindexed, strlen(kUnindexed), NULL,
                            QIAOLIAN_FORMAT_JSON, &cursor, &err),
             QIAOLIAN_FAILED_PRECONDITION, "scan", err);
  CHECK(cursor == NULL);
  CHECK(qiaolian_query_options_set_allow_scan(q, 1) == QIAOLIAN_OK);
  CHECK_RC(qiaolian_query(db, kUnindexed, strlen(kUnindexed), q,
                          QIAOLIAN_FORMAT_JSON, &cursor, &err),
           QIAOLIAN_OK, err);
  {
    uint64_t ids[32];
    int n = drain(cursor, QIAOLIAN_FORMAT_JSON, ids, 32);
    CHECK(n >= 1 && n < 13);
  }
  qiaolian_cursor_destroy(cursor);
  cursor = NULL;

  /* Every enterprise, in id order. */
  CHECK_RC(qiaolian_query(db, kAll, strlen(kAll), q, QIAOLIAN_FORMAT_JSON,
                          &cursor, &err),
           QIAOLIAN_OK, err);
  {
    /* No current record before the first step. */
    uint64_t id = 0;
    CHECK_RC(qiaolian_cursor_id(cursor, &id, &err),
             QIAOLIAN_FAILED_PRECONDITION, err);
  }
  n_all = drain(cursor, QIAOLIAN_FORMAT_JSON, all, 32);
  CHECK(n_all == 13);
  for (i = 0; i < n_all && i < 32; ++i) CHECK(all[i] == (uint64_t)(i + 1));
  qiaolian_cursor_destroy(cursor);
  cursor = NULL;

  /* An indexed query, in protobuf format. */
  CHECK_RC(qiaolian_query(db, kTagged, strlen(kTagged), NULL,
                          QIAOLIAN_FORMAT_PROTO, &cursor, &err),
           QIAOLIAN_OK, err);
  {
    uint64_t ids[32];
    int n = drain(cursor, QIAOLIAN_FORMAT_PROTO, ids, 32);
    CHECK(n > 0 && n <= 13);
  }
  qiaolian_cursor_destroy(cursor);
  cursor = NULL;

  /* Paged: 4 at a time, following the page tokens. */
  CHECK(qiaolian_query_options_set_page_size(q, 4) == QIAOLIAN_OK);
  for (;;) {
    const char* token = NULL;
    size_t token_len = 0;
    uint64_t ids[8];
    int n;
    CHECK_RC(qiaolian_query(db, kAll, strlen(kAll), q, QIAOLIAN_FORMAT_JSON,
                            &cursor, &err),
             QIAOLIAN_OK, err);
    if (cursor == NULL) break;
    n = drain(cursor, QIAOLIAN_FORMAT_JSON, ids, 8);
    CHECK(n >= 0 && n <= 4);
    for (i = 0; i < n && n_paged < 32; ++i) paged[n_paged++] = ids[i];
    CHECK_RC(qiaolian_cursor_page_token(cursor, &token, &token_len, &err),
             QIAOLIAN_OK, err);
    CHECK(token != NULL && strlen(token) == token_len);
    ++pages;
    if (token == NULL || token_len == 0 || pages > 10) {
      qiaolian_cursor_destroy(cursor);
      break;
    }
    /* The token is borrowed from the cursor: copy it before destroying. */
    CHECK(qiaolian_query_options_set_cursor(q, token, token_len) ==
          QIAOLIAN_OK);
    qiaolian_cursor_destroy(cursor);
    cursor = NULL;
  }
  CHECK(pages == 4 || pages == 5); /* 4+4+4+1, maybe an empty last page */
  CHECK(n_paged == n_all);
  for (i = 0; i < n_paged && i < n_all; ++i) CHECK(paged[i] == all[i]);

  /* A malformed page token. */
  CHECK(qiaolian_query_options_set_cursor(q, "zzz", 3) == QIAOLIAN_OK);
  cursor = NULL;
  CHECK_RC(qiaolian_query(db, kAll, strlen(kAll), q, QIAOLIAN_FORMAT_JSON,
                          &cursor, &err),
           QIAOLIAN_INVALID_ARGUMENT, err);
  CHECK(cursor == NULL);
  CHECK(qiaolian_query_options_set_cursor(q, "", 0) == QIAOLIAN_OK);
  CHECK(qiaolian_query_options_set_page_size(q, 0) == QIAOLIAN_OK);

  /* Syntax errors, bad formats, too long. */
  CHECK_RC(qiaolian_query(db, "enterprise wher", 15, q, QIAOLIAN_FORMAT_JSON,
                          &cursor, &err),
           QIAOLIAN_INVALID_ARGUMENT, err);
  CHECK_FAIL(qiaolian_query(db, kAll, strlen(kAll), q, 7, &cursor, &err),
             QIAOLIAN_INVALID_ARGUMENT, "format", err);
  CHECK_RC(qiaolian_query(db, kAll, QIAOLIAN_MAX_QUERY_BYTES + 1, q,
                          QIAOLIAN_FORMAT_JSON, &cursor, &err),
           QIAOLIAN_RESOURCE_EXHAUSTED, err);

  /* Aggregate. */
  {
    static const char kAgg[] = "enterprise group by industry compute count";
    char* json = NULL;
    size_t json_len = 0;
    CHECK_RC(
        qiaolian_aggregate(db, kAgg, strlen(kAgg), q, &json, &json_len, &err),
        QIAOLIAN_OK, err);
    CHECK(json != NULL && strlen(json) == json_len);
    CHECK(json != NULL && contains(json, json_len, "\"columns\""));
    CHECK(json != NULL && contains(json, json_len, "\"groups\""));
    CHECK(json != NULL && contains(json, json_len, "\"ids\""));
    CHECK(json != NULL && contains(json, json_len, "制造业"));
    qiaolian_free(json);
    json = NULL;
    CHECK_RC(qiaolian_aggregate(db, "enterprise compute", 18, NULL, &json,
                                &json_len, &err),
             QIAOLIAN_INVALID_ARGUMENT, err);
  }

  /* Explain. */
  {
    char* plan = NULL;
    size_t plan_len = 0;
    CHECK_RC(qiaolian_explain(db, kTagged, strlen(kTagged), NULL, &plan,
                              &plan_len, &err),
             QIAOLIAN_OK, err);
    CHECK(plan != NULL && plan_len > 0 && strlen(plan) == plan_len);
    qiaolian_free(plan);
    plan = NULL;
    CHECK_RC(qiaolian_explain(db, kUnindexed, strlen(kUnindexed), q, &plan,
                              &plan_len, &err),
             QIAOLIAN_OK, err);
    CHECK(plan != NULL && contains(plan, plan_len, "FULL SCAN"));
    qiaolian_free(plan);
  }

  qiaolian_query_options_destroy(q);
  qiaolian_close(db);
  remove_tree(dir);
}

/* Search, duplicates and merge (docs/search.md): a name in traditional
 * characters, a phone number written without its country code, a pair
 * found by that number, and the merge of it. */
static void test_search(void) {
  static const char* const kPeople[] = {
      "{\"name\":\"陈美玲\",\"contacts\":[{\"type\":\"TYPE_PHONE\","
      "\"value\":\"+65 9123 4567\"}]}",
      "{\"name\":\"Tan Mei Ling\",\"contacts\":[{\"type\":\"TYPE_PHONE\","
      "\"value\":\"9123 4567\"}]}",
      "{\"name\":\"李娜\"}",
  };
  char dir[256];
  qiaolian_db_t* db;
  char* err = NULL;
  char* json = NULL;
  size_t len = 0;
  uint64_t ids[3] = {0, 0, 0};
  size_t i;

  make_temp_dir(dir, sizeof dir);
  db = open_store(dir);
  for (i = 0; i < 3; ++i) {
    CHECK_RC(
        qiaolian_create(db, NULL, QIAOLIAN_KIND_PERSON, QIAOLIAN_FORMAT_JSON,
                        u8(kPeople[i]), strlen(kPeople[i]), &ids[i], &err),
        QIAOLIAN_OK, err);
  }
  /* 陳美玲 is 陈美玲; the best hit comes first. */
  CHECK_RC(qiaolian_search(db, QIAOLIAN_KIND_PERSON, "陳美玲", strlen("陳美玲"),
                           0, 0, &json, &len, &err),
           QIAOLIAN_OK, err);
  CHECK(json != NULL && strlen(json) == len);
  CHECK(json != NULL && strncmp(json, "[{\"id\":1,\"score\":100,", 21) == 0);
  CHECK(json != NULL &&
        contains(json, len, "\"reason\":\"exact match of name\""));
  qiaolian_free(json);
  json = NULL;
  /* The number as a list from Singapore writes it: both records. */
  CHECK_RC(qiaolian_search(db, QIAOLIAN_KIND_PERSON, "91234567", 8, 0, 0, &json,
                           &len, &err),
           QIAOLIAN_OK, err);
  CHECK(json != NULL && contains(json, len, "\"id\":1") &&
        contains(json, len, "\"id\":2") && !contains(json, len, "\"id\":3"));
  qiaolian_free(json);
  json = NULL;
  CHECK_FAIL(qiaolian_search(db, QIAOLIAN_KIND_EVENT, "陈", strlen("陈"), 0, 0,
                             &json, &len, &err),
             QIAOLIAN_INVALID_ARGUMENT, "event", err);
  /* One person in two lists: a candidate pair, by the phone number. */
  CHECK_RC(
      qiaolian_duplicates(db, QIAOLIAN_KIND_PERSON, 0, 0, &json, &len, &err),
      QIAOLIAN_OK, err);
  CHECK(json != NULL && contains(json, len, "\"a\":1,\"b\":2,\"score\":"));
  CHECK(json != NULL && contains(json, len, "one without its country code"));
  qiaolian_free(json);
  json = NULL;
  CHECK_RC(qiaolian_merge(db, NULL, QIAOLIAN_KIND_PERSON, ids[0], ids[1], &json,
                          &len, &err),
           QIAOLIAN_OK, err);
  CHECK(json != NULL && contains(json, len, "\"survivor\":1,\"merged\":2"));
  qiaolian_free(json);
  json = NULL;
  CHECK_RC(
      qiaolian_duplicates(db, QIAOLIAN_KIND_PERSON, 0, 0, &json, &len, &err),
      QIAOLIAN_OK, err);
  CHECK(json != NULL && strcmp(json, "[]") == 0);
  qiaolian_free(json);
  qiaolian_close(db);
  remove_tree(dir);
}

static void test_maintenance(void) {
  char dir[256];
  qiaolian_db_t* db;
  char* err = NULL;
  char* report = NULL;
  size_t report_len = 0;
  int consistent = 0;

  make_temp_dir(dir, sizeof dir);
  db = open_store(dir);
  load_enterprises(db);
  CHECK_RC(qiaolian_verify(db, &consistent, &report, &report_len, &err),
           QIAOLIAN_OK, err);
  CHECK(consistent == 1);
  CHECK(report != NULL && strlen(report) == report_len);
  CHECK(report != NULL && contains(report, report_len, "\"rows\":13"));
  CHECK(report != NULL && contains(report, report_len, "\"problems\":[]"));
  qiaolian_free(report);
  CHECK_RC(qiaolian_reindex(db, &err), QIAOLIAN_OK, err);
  {
    uint64_t before = 0, after = 0;
    CHECK_RC(qiaolian_compact(db, &before, &after, &err), QIAOLIAN_OK, err);
    /* Sizes of the store directory: it holds the 13 records. */
    CHECK(before > 0 && after > 0);
    /* Both outputs may be NULL. */
    CHECK_RC(qiaolian_compact(db, NULL, NULL, &err), QIAOLIAN_OK, err);
  }
  consistent = 0;
  /* report (and report_len) may be NULL. */
  CHECK_RC(qiaolian_verify(db, &consistent, NULL, NULL, &err), QIAOLIAN_OK,
           err);
  CHECK(consistent == 1);
  qiaolian_close(db);
  remove_tree(dir);
}

static void test_errors(void) {
  char dir[256];
  char path[300];
  qiaolian_db_t* db;
  qiaolian_db_t* db2 = NULL;
  char* err = NULL;
  uint64_t id = 0;
  uint8_t* out = NULL;
  size_t len = 0;
  static const uint8_t kSmall[4] = {'{', '}', 0, 0};
  static const uint8_t kBadProto[] = {0x12, 0x7f, 'x'}; /* truncated */
  static const uint8_t kBadVarint[] = {0x08, 0xff, 0xff, 0xff, 0xff, 0xff,
                                       0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  static const char kBadJson[] = "{\"name\": \"三久制造\",";
  static const char kUnknownField[] = "{\"nmae\":\"三久制造\"}";
  static const char kBlankName[] = "{\"name\":\"\"}";
  static const char kDangling[] =
      "{\"name\":\"金坛分公司\",\"type\":\"TYPE_BRANCH\","
      "\"parent\":{\"kind\":\"KIND_ENTERPRISE\",\"id\":\"999\"}}";
  char* first;

  make_temp_dir(dir, sizeof dir);
  snprintf(path, sizeof path, "%s/store", dir);
  db = open_store(dir);
  load_enterprises(db);

  /* Bad JSON: INVALID_ARGUMENT naming the problem. */
  CHECK_RC(
      qiaolian_create(db, NULL, QIAOLIAN_KIND_ENTERPRISE, QIAOLIAN_FORMAT_JSON,
                      u8(kBadJson), strlen(kBadJson), &id, &err),
      QIAOLIAN_INVALID_ARGUMENT, err);
  CHECK_FAIL(
      qiaolian_create(db, NULL, QIAOLIAN_KIND_ENTERPRISE, QIAOLIAN_FORMAT_JSON,
                      u8(kUnknownField), strlen(kUnknownField), &id, &err),
      QIAOLIAN_INVALID_ARGUMENT, "nmae", err);
  CHECK_FAIL(
      qiaolian_create(db, NULL, QIAOLIAN_KIND_ENTERPRISE, QIAOLIAN_FORMAT_JSON,
                      u8(kBlankName), strlen(kBlankName), &id, &err),
      QIAOLIAN_INVALID_ARGUMENT, "name", err);
  /* Not NUL-terminated: only `len` bytes are read. */
  CHECK_RC(qiaolian_create(db, NULL, QIAOLIAN_KIND_ENTERPRISE,
                           QIAOLIAN_FORMAT_JSON, kSmall, 2, &id, &err),
           QIAOLIAN_INVALID_ARGUMENT, err); /* {} has no name */
  /* A bad kind or format. */
  CHECK_FAIL(qiaolian_create(db, NULL, 0, QIAOLIAN_FORMAT_JSON, u8(kBlankName),
                             strlen(kBlankName), &id, &err),
             QIAOLIAN_INVALID_ARGUMENT, "kind", err);
  CHECK_FAIL(qiaolian_create(db, NULL, 99, QIAOLIAN_FORMAT_JSON, u8(kBlankName),
                             strlen(kBlankName), &id, &err),
             QIAOLIAN_INVALID_ARGUMENT, "kind", err);
  CHECK_FAIL(qiaolian_create(db, NULL, QIAOLIAN_KIND_ENTERPRISE, 2,
                             u8(kBlankName), strlen(kBlankName), &id, &err),
             QIAOLIAN_INVALID_ARGUMENT, "format", err);
  CHECK_FAIL(qiaolian_get(db, -3, 1, QIAOLIAN_FORMAT_JSON, &out, &len, &err),
             QIAOLIAN_INVALID_ARGUMENT, "kind", err);
  CHECK_FAIL(qiaolian_count(db, 6, &id, &err), QIAOLIAN_INVALID_ARGUMENT,
             "kind", err);
  /* Dangling reference. */
  CHECK_RC(
      qiaolian_create(db, NULL, QIAOLIAN_KIND_ENTERPRISE, QIAOLIAN_FORMAT_JSON,
                      u8(kDangling), strlen(kDangling), &id, &err),
      QIAOLIAN_FAILED_PRECONDITION, err);
  /* A taken unique value (the same USCC again). */
  first = example_line("enterprise", 1);
  CHECK_RC(
      qiaolian_create(db, NULL, QIAOLIAN_KIND_ENTERPRISE, QIAOLIAN_FORMAT_JSON,
                      u8(first), strlen(first), &id, &err),
      QIAOLIAN_ALREADY_EXISTS, err);
  free(first);
  /* Oversized input: rejected from its length, before reading (only 4
   * bytes are really there). */
  CHECK_RC(
      qiaolian_create(db, NULL, QIAOLIAN_KIND_ENTERPRISE, QIAOLIAN_FORMAT_JSON,
                      kSmall, (size_t)QIAOLIAN_MAX_RECORD_BYTES + 1, &id, &err),
      QIAOLIAN_RESOURCE_EXHAUSTED, err);
  CHECK_RC(
      qiaolian_create(db, NULL, QIAOLIAN_KIND_ENTERPRISE, QIAOLIAN_FORMAT_PROTO,
                      kSmall, (size_t)-1, &id, &err),
      QIAOLIAN_RESOURCE_EXHAUSTED, err);
  CHECK_RC(qiaolian_update(db, NULL, QIAOLIAN_KIND_ENTERPRISE,
                           QIAOLIAN_FORMAT_PROTO, kSmall,
                           (size_t)QIAOLIAN_MAX_RECORD_BYTES + 1, NULL, &err),
           QIAOLIAN_RESOURCE_EXHAUSTED, err);
  /* Malformed protobuf bytes. */
  CHECK_FAIL(
      qiaolian_create(db, NULL, QIAOLIAN_KIND_ENTERPRISE, QIAOLIAN_FORMAT_PROTO,
                      kBadProto, sizeof kBadProto, &id, &err),
      QIAOLIAN_INVALID_ARGUMENT, "qiaolian.v1.Enterprise", err);
  CHECK_RC(
      qiaolian_update(db, NULL, QIAOLIAN_KIND_ENTERPRISE, QIAOLIAN_FORMAT_PROTO,
                      kBadVarint, sizeof kBadVarint, NULL, &err),
      QIAOLIAN_INVALID_ARGUMENT, err);
  /* Not found. */
  CHECK_RC(qiaolian_get(db, QIAOLIAN_KIND_ENTERPRISE, 12345,
                        QIAOLIAN_FORMAT_PROTO, &out, &len, &err),
           QIAOLIAN_NOT_FOUND, err);
  CHECK_RC(qiaolian_get(db, QIAOLIAN_KIND_PERSON, 1, QIAOLIAN_FORMAT_PROTO,
                        &out, &len, &err),
           QIAOLIAN_NOT_FOUND, err);
  /* errmsg may be NULL, on failure and on success. */
  CHECK(qiaolian_create(db, NULL, QIAOLIAN_KIND_ENTERPRISE,
                        QIAOLIAN_FORMAT_JSON, u8(kBadJson), strlen(kBadJson),
                        &id, NULL) == QIAOLIAN_INVALID_ARGUMENT);
  CHECK(qiaolian_get(db, QIAOLIAN_KIND_ENTERPRISE, 12345, QIAOLIAN_FORMAT_JSON,
                     &out, &len, NULL) == QIAOLIAN_NOT_FOUND);
  CHECK(qiaolian_count(db, QIAOLIAN_KIND_ENTERPRISE, &id, NULL) == QIAOLIAN_OK);
  CHECK(id == 13);
  /* Nothing was written by the failures. */
  {
    int consistent = 0;
    CHECK_RC(qiaolian_verify(db, &consistent, NULL, NULL, &err), QIAOLIAN_OK,
             err);
    CHECK(consistent == 1);
  }

  /* A second handle on the same store: UNAVAILABLE. */
  CHECK_RC(qiaolian_open(path, NULL, &db2, &err), QIAOLIAN_UNAVAILABLE, err);
  CHECK(db2 == NULL);

  /* Use after close, and cursors outliving their db. */
  {
    qiaolian_query_options_t* q = qiaolian_query_options_create();
    qiaolian_cursor_t* cursor = NULL;
    const uint8_t* data = NULL;
    const char* token = NULL;
    char* text = NULL;
    int consistent = 0;
    CHECK(qiaolian_query_options_set_allow_scan(q, 1) == QIAOLIAN_OK);
    CHECK_RC(qiaolian_query(db, "enterprise", 10, q, QIAOLIAN_FORMAT_JSON,
                            &cursor, &err),
             QIAOLIAN_OK, err);
    CHECK_RC(qiaolian_cursor_next(cursor, &err), QIAOLIAN_ROW, err);

    qiaolian_close(db);

    CHECK_RC(qiaolian_cursor_next(cursor, &err), QIAOLIAN_FAILED_PRECONDITION,
             err);
    CHECK_RC(qiaolian_cursor_record(cursor, &data, &len, &err),
             QIAOLIAN_FAILED_PRECONDITION, err);
    CHECK_RC(qiaolian_cursor_id(cursor, &id, &err),
             QIAOLIAN_FAILED_PRECONDITION, err);
    CHECK_RC(qiaolian_cursor_page_token(cursor, &token, &len, &err),
             QIAOLIAN_FAILED_PRECONDITION, err);
    qiaolian_cursor_destroy(cursor);

    CHECK_FAIL(qiaolian_create(db, NULL, QIAOLIAN_KIND_ENTERPRISE,
                               QIAOLIAN_FORMAT_JSON, u8(kBlankName),
                               strlen(kBlankName), &id, &err),
               QIAOLIAN_FAILED_PRECONDITION, "closed", err);
    CHECK_RC(qiaolian_get(db, QIAOLIAN_KIND_ENTERPRISE, 1, QIAOLIAN_FORMAT_JSON,
                          &out, &len, &err),
             QIAOLIAN_FAILED_PRECONDITION, err);
    CHECK_RC(qiaolian_update(db, NULL, QIAOLIAN_KIND_ENTERPRISE,
                             QIAOLIAN_FORMAT_JSON, u8(kBlankName),
                             strlen(kBlankName), NULL, &err),
             QIAOLIAN_FAILED_PRECONDITION, err);
    CHECK_RC(qiaolian_delete(db, NULL, QIAOLIAN_KIND_ENTERPRISE, 1, 0, &err),
             QIAOLIAN_FAILED_PRECONDITION, err);
    CHECK_RC(qiaolian_count(db, QIAOLIAN_KIND_ENTERPRISE, &id, &err),
             QIAOLIAN_FAILED_PRECONDITION, err);
    cursor = NULL;
    CHECK_RC(qiaolian_query(db, "enterprise", 10, q, QIAOLIAN_FORMAT_JSON,
                            &cursor, &err),
             QIAOLIAN_FAILED_PRECONDITION, err);
    CHECK(cursor == NULL);
    CHECK_RC(qiaolian_aggregate(db, "enterprise", 10, q, &text, &len, &err),
             QIAOLIAN_FAILED_PRECONDITION, err);
    CHECK_RC(qiaolian_explain(db, "enterprise", 10, q, &text, &len, &err),
             QIAOLIAN_FAILED_PRECONDITION, err);
    CHECK_RC(qiaolian_verify(db, &consistent, NULL, NULL, &err),
             QIAOLIAN_FAILED_PRECONDITION, err);
    CHECK_RC(qiaolian_reindex(db, &err), QIAOLIAN_FAILED_PRECONDITION, err);
    CHECK_RC(qiaolian_compact(db, NULL, NULL, &err),
             QIAOLIAN_FAILED_PRECONDITION, err);
    CHECK(qiaolian_count(db, QIAOLIAN_KIND_ENTERPRISE, &id, NULL) ==
          QIAOLIAN_FAILED_PRECONDITION);
    /* Closing twice is harmless. */
    qiaolian_close(db);
    qiaolian_close(db);
    qiaolian_query_options_destroy(q);
  }

  /* The lock was released: the store opens again, with its data. */
  db2 = NULL;
  CHECK_RC(qiaolian_open(path, NULL, &db2, &err), QIAOLIAN_OK, err);
  CHECK(qiaolian_count(db2, QIAOLIAN_KIND_ENTERPRISE, &id, NULL) ==
        QIAOLIAN_OK);
  CHECK(id == 13);
  qiaolian_close(db2);
  /* Not a store. */
  {
    char file[320];
    FILE* f;
    snprintf(file, sizeof file, "%s/plain", dir);
    f = fopen(file, "w");
    if (f != NULL) {
      fputs("not a store\n", f);
      fclose(f);
    }
    db2 = NULL;
    CHECK(qiaolian_open(file, NULL, &db2, &err) != QIAOLIAN_OK);
    CHECK(db2 == NULL);
    CHECK(err != NULL);
    qiaolian_free(err);
    err = NULL;
  }
  remove_tree(dir);
}

/* ---- Import. */

typedef struct {
  int calls;
  uint64_t last_rows;
  uint64_t total_bytes;
} Progress;

static void count_progress(void* user_data, uint64_t rows, uint64_t bytes,
                           uint64_t total_bytes) {
  Progress* p = (Progress*)user_data;
  ++p->calls;
  p->last_rows = rows;
  p->total_bytes = total_bytes;
  (void)bytes;
}

static long file_size(const char* path) {
  long n;
  FILE* f = fopen(path, "rb");
  if (f == NULL) return -1;
  fseek(f, 0, SEEK_END);
  n = ftell(f);
  fclose(f);
  return n;
}

static void test_import(void) {
  char dir[256];
  char csv[300];
  char rejects[300];
  qiaolian_db_t* db;
  qiaolian_import_options_t* io;
  Progress progress = {0, 0, 0};
  char* err = NULL;
  char* summary = NULL;
  size_t summary_len = 0;
  uint64_t count = 0;
  FILE* f;

  make_temp_dir(dir, sizeof dir);
  db = open_store(dir);
  snprintf(csv, sizeof csv, "%s/上海.csv", dir);
  snprintf(rejects, sizeof rejects, "%s/rejects.csv", dir);
  f = fopen(csv, "w");
  CHECK(f != NULL);
  if (f == NULL) exit(1);
  /* Three good rows, one whose USCC fails its check character. */
  fputs(
      "企业名称,统一社会信用代码,成立日期\n"
      "三久制造,91320413723588143D,2001-05-07\n"
      "一号农场,91320413MA1MQ7K31D,2008年5月7日\n"
      "坏代码,91320413723588143X,2001-01-01\n"
      "鑫品茶业,91320413608244193E,\n",
      f);
  fclose(f);

  io = qiaolian_import_options_create();
  CHECK(io != NULL);
  if (io == NULL) exit(1);
  CHECK(qiaolian_import_options_set_kind(io, QIAOLIAN_KIND_ENTERPRISE) ==
        QIAOLIAN_OK);
  CHECK(qiaolian_import_options_set_reject_file(io, rejects, strlen(rejects)) ==
        QIAOLIAN_OK);
  CHECK(qiaolian_import_options_set_actor(io, "c-api-test", 10) == QIAOLIAN_OK);
  CHECK(qiaolian_import_options_set_batch_rows(io, 2) == QIAOLIAN_OK);
  CHECK(qiaolian_import_options_set_mode(io, "bogus", 5) ==
        QIAOLIAN_INVALID_ARGUMENT);
  CHECK(qiaolian_import_options_set_mode(io, "skip", 4) == QIAOLIAN_OK);
  CHECK(qiaolian_import_options_set_progress(io, count_progress, &progress,
                                             1) == QIAOLIAN_OK);

  /* Dry run: counted, nothing written. */
  CHECK(qiaolian_import_options_set_dry_run(io, 1) == QIAOLIAN_OK);
  CHECK_RC(qiaolian_import(db, csv, io, &summary, &summary_len, &err),
           QIAOLIAN_OK, err);
  CHECK(summary != NULL && strlen(summary) == summary_len);
  CHECK(summary != NULL && contains(summary, summary_len, "\"dry_run\":true"));
  CHECK(summary != NULL && contains(summary, summary_len, "\"created\":3"));
  qiaolian_free(summary);
  summary = NULL;
  CHECK_RC(qiaolian_count(db, QIAOLIAN_KIND_ENTERPRISE, &count, &err),
           QIAOLIAN_OK, err);
  CHECK(count == 0);

  /* The import, with progress after every row and at the end. */
  progress.calls = 0;
  CHECK(qiaolian_import_options_set_dry_run(io, 0) == QIAOLIAN_OK);
  CHECK_RC(qiaolian_import(db, csv, io, &summary, &summary_len, &err),
           QIAOLIAN_OK, err);
  CHECK(summary != NULL && contains(summary, summary_len, "\"rows\":4"));
  CHECK(summary != NULL && contains(summary, summary_len, "\"created\":3"));
  CHECK(summary != NULL && contains(summary, summary_len, "\"rejected\":1"));
  CHECK(summary != NULL && contains(summary, summary_len, "\"dry_run\":false"));
  CHECK(summary != NULL &&
        contains(summary, summary_len, "\"企业名称\":\"name\""));
  qiaolian_free(summary);
  summary = NULL;
  CHECK(progress.calls >= 4);
  CHECK(progress.last_rows == 4);
  CHECK(progress.total_bytes == (uint64_t)file_size(csv));
  CHECK(file_size(rejects) > 0);
  CHECK_RC(qiaolian_count(db, QIAOLIAN_KIND_ENTERPRISE, &count, &err),
           QIAOLIAN_OK, err);
  CHECK(count == 3);

  /* Again, without the callback: nothing changes. */
  progress.calls = 0;
  CHECK(qiaolian_import_options_set_progress(io, NULL, NULL, 0) == QIAOLIAN_OK);
  CHECK_RC(qiaolian_import(db, csv, io, &summary, &summary_len, &err),
           QIAOLIAN_OK, err);
  CHECK(summary != NULL && contains(summary, summary_len, "\"created\":0"));
  CHECK(summary != NULL && contains(summary, summary_len, "\"unchanged\":3"));
  CHECK(summary != NULL && contains(summary, summary_len, "\"rejected\":1"));
  qiaolian_free(summary);
  summary = NULL;
  CHECK(progress.calls == 0);
  CHECK_RC(qiaolian_count(db, QIAOLIAN_KIND_ENTERPRISE, &count, &err),
           QIAOLIAN_OK, err);
  CHECK(count == 3);

  /* NULL options: the defaults (enterprise, skip). */
  CHECK_RC(qiaolian_import(db, csv, NULL, &summary, &summary_len, &err),
           QIAOLIAN_OK, err);
  CHECK(summary != NULL && contains(summary, summary_len, "\"unchanged\":3"));
  qiaolian_free(summary);
  summary = NULL;

  /* One record from fields named as an import reads them: a visit to an
   * enterprise given by name. */
  {
    static const char kVisit[] =
        "{\"活动类型\":\"走访企业\",\"日期\":\"2020年5月6日\","
        "\"participants.ref\":\"enterprise:一号农场\"}";
    static const char kUnknown[] =
        "{\"活动类型\":\"走访企业\",\"日期\":\"2020-05-06\","
        "\"participants.ref\":\"enterprise:无此企业\"}";
    uint64_t visit = 0;
    char* warnings = NULL;
    size_t warnings_len = 0;
    uint8_t* json = NULL;
    size_t json_len = 0;
    CHECK_RC(qiaolian_add(db, NULL, QIAOLIAN_KIND_EVENT, kVisit, strlen(kVisit),
                          &visit, &warnings, &warnings_len, &err),
             QIAOLIAN_OK, err);
    CHECK(visit == 1);
    CHECK(warnings != NULL && strcmp(warnings, "[]") == 0 && warnings_len == 2);
    qiaolian_free(warnings);
    CHECK_RC(qiaolian_get(db, QIAOLIAN_KIND_EVENT, visit, QIAOLIAN_FORMAT_JSON,
                          &json, &json_len, &err),
             QIAOLIAN_OK, err);
    CHECK(json != NULL &&
          contains((const char*)json, json_len,
                   "\"date\":{\"year\":2020,\"month\":5,\"day\":6}"));
    CHECK(json != NULL &&
          contains((const char*)json, json_len,
                   "\"ref\":{\"kind\":\"KIND_ENTERPRISE\",\"id\":\"2\"}"));
    qiaolian_free(json);
    CHECK(qiaolian_add(db, NULL, QIAOLIAN_KIND_EVENT, kUnknown,
                       strlen(kUnknown), &visit, NULL, NULL,
                       &err) == QIAOLIAN_INVALID_ARGUMENT);
    CHECK(err != NULL &&
          strstr(err,
                 "participants.ref: no enterprise of this store is "
                 "named \"无此企业\"") != NULL);
    qiaolian_free(err);
    err = NULL;
    CHECK(qiaolian_add(db, NULL, QIAOLIAN_KIND_EVENT, "[1]", 3, &visit, NULL,
                       NULL, &err) == QIAOLIAN_INVALID_ARGUMENT);
    CHECK(err != NULL && strstr(err, "not a JSON object") != NULL);
    qiaolian_free(err);
    err = NULL;
    /* set: the visit's title given; the rest stays. */
    {
      static const char kTitle[] = "{\"标题\":\"走访一号农场\"}";
      uint64_t revision = 0;
      CHECK_RC(qiaolian_set(db, NULL, QIAOLIAN_KIND_EVENT, 1, kTitle,
                            strlen(kTitle), &revision, &err),
               QIAOLIAN_OK, err);
      CHECK(revision == 2);
      CHECK_RC(qiaolian_set(db, NULL, QIAOLIAN_KIND_EVENT, 1, kTitle,
                            strlen(kTitle), &revision, &err),
               QIAOLIAN_OK, err);
      CHECK(revision == 2); /* Nothing changed. */
      CHECK_RC(qiaolian_get(db, QIAOLIAN_KIND_EVENT, 1, QIAOLIAN_FORMAT_JSON,
                            &json, &json_len, &err),
               QIAOLIAN_OK, err);
      CHECK(json != NULL && contains((const char*)json, json_len,
                                     "\"title\":\"走访一号农场\""));
      CHECK(json != NULL &&
            contains((const char*)json, json_len, "\"month\":5,\"day\":6"));
      qiaolian_free(json);
      CHECK(qiaolian_set(db, NULL, QIAOLIAN_KIND_EVENT, 99, kTitle,
                         strlen(kTitle), &revision,
                         &err) == QIAOLIAN_NOT_FOUND);
      qiaolian_free(err);
      err = NULL;
    }
  }

  /* The header's line given: the rows above it are skipped and listed; a
   * line that starts no row is an error naming it. */
  snprintf(csv, sizeof csv, "%s/titled.csv", dir);
  f = fopen(csv, "wb");
  CHECK(f != NULL);
  if (f == NULL) exit(1);
  fputs("企业名单,\n企业名称,统一社会信用代码\n甲公司,91350100M000100Y43\n", f);
  fclose(f);
  CHECK(qiaolian_import_options_set_header_row(NULL, 2) ==
        QIAOLIAN_INVALID_ARGUMENT);
  CHECK(qiaolian_import_options_set_header_row(io, 2) == QIAOLIAN_OK);
  CHECK_RC(qiaolian_import(db, csv, io, &summary, &summary_len, &err),
           QIAOLIAN_OK, err);
  CHECK(summary != NULL && contains(summary, summary_len,
                                    "\"header_line\":2,\"rows_above_header\":1,"
                                    "\"above_header\":[\"企业名单\"]"));
  CHECK(summary != NULL && contains(summary, summary_len, "\"created\":1"));
  qiaolian_free(summary);
  summary = NULL;
  CHECK(qiaolian_import_options_set_header_row(io, 7) == QIAOLIAN_OK);
  CHECK(qiaolian_import(db, csv, io, &summary, &summary_len, &err) ==
        QIAOLIAN_INVALID_ARGUMENT);
  CHECK(err != NULL && strstr(err, "starts on line 7") != NULL);
  qiaolian_free(err);
  err = NULL;
  CHECK(summary == NULL);
  CHECK(qiaolian_import_options_set_header_row(io, 0) == QIAOLIAN_OK);
  /* Two header rows (法定代表人 merged over 姓名 and 国籍) read as one, and a
   * row of empty cells skipped, as the summary says. */
  snprintf(csv, sizeof csv, "%s/form.csv", dir);
  f = fopen(csv, "wb");
  CHECK(f != NULL);
  if (f == NULL) exit(1);
  fputs("企业名称,法定代表人,\n,姓名,国籍\n,,\n乙公司,陈伟,新加坡\n", f);
  fclose(f);
  CHECK_RC(qiaolian_import(db, csv, io, &summary, &summary_len, &err),
           QIAOLIAN_OK, err);
  CHECK(summary != NULL &&
        contains(summary, summary_len,
                 "\"header_rows\":2,\"rows\":1,\"blank_rows\":1,"
                 "\"created\":1"));
  CHECK(summary != NULL && contains(summary, summary_len,
                                    "\"法定代表人姓名\":\"legal_"
                                    "representative.name\""));
  qiaolian_free(summary);
  summary = NULL;
  /* A sheet is for workbooks; NULL clears it. */
  CHECK(qiaolian_import_options_set_sheet(io, "名单", strlen("名单")) ==
        QIAOLIAN_OK);
  CHECK(qiaolian_import(db, csv, io, &summary, &summary_len, &err) ==
        QIAOLIAN_INVALID_ARGUMENT);
  CHECK(err != NULL && strstr(err, "is not a workbook") != NULL);
  qiaolian_free(err);
  err = NULL;
  CHECK(qiaolian_import_options_set_sheet(io, NULL, 0) == QIAOLIAN_OK);

  /* Likely duplicates: 張三 is merged into 张三 (same name and birth date)
   * instead of being created; warn lists it; bad values are refused. */
  snprintf(csv, sizeof csv, "%s/people.csv", dir);
  f = fopen(csv, "wb");
  CHECK(f != NULL);
  if (f == NULL) exit(1);
  fputs("姓名,出生日期,电话\n张三,1966-06-06,\n張三,1966-06-06,13900001111\n",
        f);
  fclose(f);
  CHECK(qiaolian_import_options_set_duplicates(io, "bogus", 5) ==
        QIAOLIAN_INVALID_ARGUMENT);
  CHECK(qiaolian_import_options_set_duplicate_min_score(io, 101) ==
        QIAOLIAN_INVALID_ARGUMENT);
  CHECK(qiaolian_import_options_set_kind(io, QIAOLIAN_KIND_PERSON) ==
        QIAOLIAN_OK);
  CHECK(qiaolian_import_options_set_dry_run(io, 1) == QIAOLIAN_OK);
  CHECK_RC(qiaolian_import(db, csv, io, &summary, &summary_len, &err),
           QIAOLIAN_OK, err);
  CHECK(summary != NULL &&
        contains(summary, summary_len, "\"likely_duplicates\":1"));
  CHECK(summary != NULL && contains(summary, summary_len, "\"created\":2"));
  qiaolian_free(summary);
  summary = NULL;
  CHECK(qiaolian_import_options_set_dry_run(io, 0) == QIAOLIAN_OK);
  CHECK(qiaolian_import_options_set_duplicates(io, "merge", 5) == QIAOLIAN_OK);
  CHECK(qiaolian_import_options_set_duplicate_min_score(io, 90) == QIAOLIAN_OK);
  CHECK_RC(qiaolian_import(db, csv, io, &summary, &summary_len, &err),
           QIAOLIAN_OK, err);
  CHECK(summary != NULL && contains(summary, summary_len, "\"merged\":1"));
  CHECK(summary != NULL && contains(summary, summary_len, "\"created\":1"));
  qiaolian_free(summary);
  summary = NULL;
  CHECK_RC(qiaolian_count(db, QIAOLIAN_KIND_PERSON, &count, &err), QIAOLIAN_OK,
           err);
  CHECK(count == 1);
  CHECK(qiaolian_import_options_set_duplicates(io, NULL, 0) == QIAOLIAN_OK);
  /* A bulk load asked for, into a store that has people. */
  CHECK(qiaolian_import_options_set_bulk_load(io, "sometimes", 9) ==
        QIAOLIAN_INVALID_ARGUMENT);
  CHECK(qiaolian_import_options_set_bulk_load(io, "on", 2) == QIAOLIAN_OK);
  CHECK_RC(qiaolian_import(db, csv, io, &summary, &summary_len, &err),
           QIAOLIAN_OK, err);
  CHECK(summary != NULL &&
        contains(summary, summary_len, "\"bulk_load\":true"));
  CHECK(summary != NULL && contains(summary, summary_len, "\"unchanged\":1"));
  qiaolian_free(summary);
  summary = NULL;
  CHECK(qiaolian_import_options_set_bulk_load(io, NULL, 0) == QIAOLIAN_OK);

  /* A file from a place that writes dates day first and numbers with a
   * decimal comma: read as told; without being told its date is rejected,
   * the reason saying what to give. */
  snprintf(csv, sizeof csv, "%s/hk.csv", dir);
  f = fopen(csv, "wb");
  CHECK(f != NULL);
  if (f == NULL) exit(1);
  fputs(
      "企业名称,统一社会信用代码,成立日期,注册资本（万元）\n"
      "香港甲公司,91310115757910460R,07/05/2008,\"1.234,5\"\n",
      f);
  fclose(f);
  CHECK(qiaolian_import_options_set_kind(io, QIAOLIAN_KIND_ENTERPRISE) ==
        QIAOLIAN_OK);
  CHECK(qiaolian_import_options_set_dry_run(io, 1) == QIAOLIAN_OK);
  CHECK_RC(qiaolian_import(db, csv, io, &summary, &summary_len, &err),
           QIAOLIAN_OK, err);
  CHECK(summary != NULL && contains(summary, summary_len, "\"rejected\":1"));
  CHECK(summary != NULL &&
        contains(summary, summary_len, "give the file's date order"));
  qiaolian_free(summary);
  summary = NULL;
  CHECK(qiaolian_import_options_set_date_order(io, "d/m/y", 5) ==
        QIAOLIAN_INVALID_ARGUMENT);
  CHECK(qiaolian_import_options_set_decimal_mark(io, "dot", 3) ==
        QIAOLIAN_INVALID_ARGUMENT);
  CHECK(qiaolian_import_options_set_date_order(io, "dmy", 3) == QIAOLIAN_OK);
  CHECK(qiaolian_import_options_set_decimal_mark(io, "comma", 5) ==
        QIAOLIAN_OK);
  CHECK_RC(qiaolian_import(db, csv, io, &summary, &summary_len, &err),
           QIAOLIAN_OK, err);
  CHECK(summary != NULL && contains(summary, summary_len, "\"created\":1"));
  CHECK(summary != NULL && contains(summary, summary_len, "\"rejected\":0"));
  CHECK(summary != NULL && contains(summary, summary_len, "day first"));
  CHECK(summary != NULL && contains(summary, summary_len, "decimal comma"));
  qiaolian_free(summary);
  summary = NULL;
  CHECK(qiaolian_import_options_set_date_order(io, NULL, 0) == QIAOLIAN_OK);
  CHECK(qiaolian_import_options_set_decimal_mark(io, NULL, 0) == QIAOLIAN_OK);
  CHECK(qiaolian_import_options_set_dry_run(io, 0) == QIAOLIAN_OK);

  /* A register of visits without a type column: the type given for every
   * row; the channel its header names. */
  snprintf(csv, sizeof csv, "%s/visits.csv", dir);
  f = fopen(csv, "wb");
  CHECK(f != NULL);
  if (f == NULL) exit(1);
  fputs("来访日期,来访人,反映问题\n2024-03-05,王芳,房屋租赁纠纷\n", f);
  fclose(f);
  CHECK(qiaolian_import_options_set_kind(io, QIAOLIAN_KIND_CASE) ==
        QIAOLIAN_OK);
  CHECK(qiaolian_import_options_add_value(io, "类型", strlen("类型"), "表扬",
                                          strlen("表扬")) == QIAOLIAN_OK);
  CHECK_FAIL(qiaolian_import(db, csv, io, &summary, &summary_len, &err),
             QIAOLIAN_INVALID_ARGUMENT, "value for every row 类型=表扬", err);
  CHECK(qiaolian_import_options_add_value(io, NULL, 0, NULL, 0) == QIAOLIAN_OK);
  CHECK(qiaolian_import_options_add_value(io, NULL, 3, "x", 1) ==
        QIAOLIAN_INVALID_ARGUMENT);
  CHECK(qiaolian_import_options_add_value(NULL, "type", 4, "信访",
                                          strlen("信访")) ==
        QIAOLIAN_INVALID_ARGUMENT);
  CHECK(qiaolian_import_options_add_value(io, "类型", strlen("类型"), "信访",
                                          strlen("信访")) == QIAOLIAN_OK);
  CHECK_RC(qiaolian_import(db, csv, io, &summary, &summary_len, &err),
           QIAOLIAN_OK, err);
  CHECK(summary != NULL && contains(summary, summary_len, "\"created\":1"));
  CHECK(summary != NULL && contains(summary, summary_len,
                                    "\"类型 = 信访\":\"type, for every row"));
  qiaolian_free(summary);
  summary = NULL;
  CHECK(qiaolian_import_options_add_value(io, NULL, 0, NULL, 0) == QIAOLIAN_OK);
  CHECK(qiaolian_import_options_set_kind(io, QIAOLIAN_KIND_ENTERPRISE) ==
        QIAOLIAN_OK);
  snprintf(csv, sizeof csv, "%s/上海.csv", dir);

  /* Errors. */
  CHECK(qiaolian_import_options_set_kind(io, 99) == QIAOLIAN_OK);
  CHECK_FAIL(qiaolian_import(db, csv, io, &summary, &summary_len, &err),
             QIAOLIAN_INVALID_ARGUMENT, "kind 99", err);
  CHECK(summary == NULL);
  CHECK(qiaolian_import_options_set_kind(io, QIAOLIAN_KIND_ENTERPRISE) ==
        QIAOLIAN_OK);
  CHECK(qiaolian_import_options_set_format(io, "xlsx", 4) == QIAOLIAN_OK);
  CHECK_RC(qiaolian_import(db, csv, io, &summary, &summary_len, &err),
           QIAOLIAN_INVALID_ARGUMENT, err);
  CHECK(qiaolian_import_options_set_format(io, NULL, 0) == QIAOLIAN_OK);
  snprintf(csv, sizeof csv, "%s/missing.csv", dir);
  {
    int rc = qiaolian_import(db, csv, io, &summary, &summary_len, &err);
    CHECK(rc != QIAOLIAN_OK && err != NULL);
    qiaolian_free(err);
    err = NULL;
  }
  CHECK(qiaolian_import_options_set_format(NULL, "csv", 3) ==
        QIAOLIAN_INVALID_ARGUMENT);
  CHECK(qiaolian_import_options_set_encoding(io, NULL, 3) ==
        QIAOLIAN_INVALID_ARGUMENT);
  CHECK(qiaolian_import_options_set_mapping_file(io, NULL, 0) == QIAOLIAN_OK);
  CHECK(qiaolian_import_options_set_lenient(io, 1) == QIAOLIAN_OK);

  /* A rename by id with nothing else to go by: ignored (a new record)
   * unless the file's ids are trusted. */
  snprintf(csv, sizeof csv, "%s/renamed.csv", dir);
  f = fopen(csv, "w");
  CHECK(f != NULL);
  if (f == NULL) exit(1);
  fputs("id,企业名称\n1,三久精密制造\n", f);
  fclose(f);
  CHECK(qiaolian_import_options_set_reject_file(io, NULL, 0) == QIAOLIAN_OK);
  CHECK(qiaolian_import_options_set_mode(io, "update", 6) == QIAOLIAN_OK);
  CHECK(qiaolian_import_options_set_dry_run(io, 1) == QIAOLIAN_OK);
  CHECK_RC(qiaolian_import(db, csv, io, &summary, &summary_len, &err),
           QIAOLIAN_OK, err);
  CHECK(summary != NULL && contains(summary, summary_len, "\"created\":1"));
  CHECK(summary != NULL && contains(summary, summary_len, "id ignored"));
  qiaolian_free(summary);
  summary = NULL;
  CHECK(qiaolian_import_options_set_trust_ids(io, 1) == QIAOLIAN_OK);
  CHECK_RC(qiaolian_import(db, csv, io, &summary, &summary_len, &err),
           QIAOLIAN_OK, err);
  CHECK(summary != NULL && contains(summary, summary_len, "\"updated\":1"));
  CHECK(summary != NULL && contains(summary, summary_len, "\"created\":0"));
  qiaolian_free(summary);
  summary = NULL;
  CHECK(qiaolian_import_options_set_trust_ids(NULL, 1) ==
        QIAOLIAN_INVALID_ARGUMENT);

  qiaolian_import_options_destroy(io);
  qiaolian_import_options_destroy(NULL);
  qiaolian_close(db);
  remove_tree(dir);
}

int main(int argc, char** argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s EXAMPLES_DIR (examples/2020)\n", argv[0]);
    return 2;
  }
  snprintf(g_examples, sizeof g_examples, "%s", argv[1]);
  test_version();
  test_schema();
  test_options();
  test_write_buffer();
  test_map_tables();
  test_search_cache_bytes();
  test_warm_up_in_background();
  test_records();
  test_queries();
  test_maintenance();
  test_search();
  test_import();
  test_errors();
  printf("c_api_test: %d checks, %d failures\n", g_checks, g_failures);
  return g_failures == 0 ? 0 : 1;
}
