/* Tests of encryption at rest through the C API
 * (qiaolian_options_set_encryption_key, docs/privacy.md), in C99 like the
 * other C tests: round trip with the key, an indexed equality query, the
 * plaintext in no file of the store, missing / wrong / short keys refused,
 * repair with the key. */
#define _XOPEN_SOURCE 700 /* mkdtemp, nftw */

#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "qiaolian/c.h"

/* Distinctive values that occur nowhere else in the store. */
#define ID_NUMBER "320413200905170026"
#define PHONE "+8613912398765"

static const char kPerson[] =
    "{\"name\":\"欧阳加密\",\"identityDocuments\":[{\"type\":"
    "\"TYPE_RESIDENT_ID\",\"number\":\"" ID_NUMBER
    "\"}],\"contacts\":[{\"type\":\"TYPE_PHONE\",\"value\":\"" PHONE "\"}]}";

static const char* g_needle = NULL;
static int g_found = 0;

/* nftw callback: sets g_found when a regular file contains g_needle. */
static int search_entry(const char* path, const struct stat* sb, int flag,
                        struct FTW* ftw) {
  FILE* f;
  char* buf;
  size_t n;
  (void)ftw;
  if (flag != FTW_F || sb->st_size <= 0) return 0;
  f = fopen(path, "rb");
  if (f == NULL) return 0;
  buf = (char*)malloc((size_t)sb->st_size);
  n = buf != NULL ? fread(buf, 1, (size_t)sb->st_size, f) : 0;
  fclose(f);
  if (n >= strlen(g_needle)) {
    size_t i, m = strlen(g_needle);
    for (i = 0; i + m <= n; ++i) {
      if (memcmp(buf + i, g_needle, m) == 0) {
        g_found = 1;
        break;
      }
    }
  }
  free(buf);
  return 0;
}

static int store_contains(const char* dir, const char* needle) {
  g_needle = needle;
  g_found = 0;
  nftw(dir, search_entry, 16, FTW_PHYS);
  return g_found;
}

int main(void) {
  char dir[] = "/tmp/qiaolian-c-encryption-XXXXXX";
  char path[128];
  char* err = NULL;
  qiaolian_db_t* db = NULL;
  qiaolian_options_t* opts = qiaolian_options_create();
  qiaolian_options_t* wrong = qiaolian_options_create();
  qiaolian_cursor_t* cursor = NULL;
  uint8_t key[32], other[32];
  uint8_t* out = NULL;
  const uint8_t* row = NULL;
  size_t len = 0;
  uint64_t id = 0;
  int i;
  const char* q = "person where id_number = \"" ID_NUMBER "\"";

  if (mkdtemp(dir) == NULL || opts == NULL || wrong == NULL) {
    perror("setup");
    return 2;
  }
  snprintf(path, sizeof path, "%s/store", dir);
  for (i = 0; i < 32; ++i) {
    key[i] = (uint8_t)(i * 7 + 1);
    other[i] = (uint8_t)(i * 7 + 2);
  }
  /* Setter arguments. */
  CHECK(qiaolian_options_set_encryption_key(opts, key, 16) ==
        QIAOLIAN_INVALID_ARGUMENT);
  CHECK(qiaolian_options_set_encryption_key(opts, NULL, 32) ==
        QIAOLIAN_INVALID_ARGUMENT);
  CHECK(qiaolian_options_set_encryption_key(NULL, key, 32) ==
        QIAOLIAN_INVALID_ARGUMENT);
  CHECK(qiaolian_options_set_encryption_key(opts, key, 32) == QIAOLIAN_OK);
  CHECK(qiaolian_options_set_encryption_key(wrong, other, 32) == QIAOLIAN_OK);

  CHECK_RC(qiaolian_open(path, opts, &db, &err), QIAOLIAN_OK, err);
  CHECK_RC(qiaolian_create(db, NULL, QIAOLIAN_KIND_PERSON, QIAOLIAN_FORMAT_JSON,
                           (const uint8_t*)kPerson, strlen(kPerson), &id, &err),
           QIAOLIAN_OK, err);
  /* Plaintext back. */
  CHECK_RC(qiaolian_get(db, QIAOLIAN_KIND_PERSON, id, QIAOLIAN_FORMAT_JSON,
                        &out, &len, &err),
           QIAOLIAN_OK, err);
  CHECK(out != NULL && strstr((const char*)out, ID_NUMBER) != NULL);
  CHECK(out != NULL && strstr((const char*)out, PHONE) != NULL);
  qiaolian_free(out);
  out = NULL;
  /* An equality query on the encrypted, indexed field (no scan allowed). */
  CHECK_RC(qiaolian_query(db, q, strlen(q), NULL, QIAOLIAN_FORMAT_JSON, &cursor,
                          &err),
           QIAOLIAN_OK, err);
  CHECK_RC(qiaolian_cursor_next(cursor, &err), QIAOLIAN_ROW, err);
  CHECK_RC(qiaolian_cursor_record(cursor, &row, &len, &err), QIAOLIAN_OK, err);
  CHECK(row != NULL && strstr((const char*)row, PHONE) != NULL);
  CHECK_RC(qiaolian_cursor_next(cursor, &err), QIAOLIAN_DONE, err);
  qiaolian_cursor_destroy(cursor);
  cursor = NULL;
  /* A range on it is refused. */
  {
    const char* range = "person where id_number > \"3\"";
    CHECK_RC(qiaolian_query(db, range, strlen(range), NULL,
                            QIAOLIAN_FORMAT_JSON, &cursor, &err),
             QIAOLIAN_INVALID_ARGUMENT, err);
    qiaolian_cursor_destroy(cursor);
    cursor = NULL;
  }
  qiaolian_close(db);
  db = NULL;

  CHECK(store_contains(dir, "欧阳加密")); /* Names are not encrypted. */
  CHECK(!store_contains(dir, ID_NUMBER));
  CHECK(!store_contains(dir, PHONE));

  /* Without the key, with another, and with the right one. */
  CHECK_RC(qiaolian_open(path, NULL, &db, &err), QIAOLIAN_FAILED_PRECONDITION,
           err);
  CHECK(db == NULL);
  CHECK_RC(qiaolian_open(path, wrong, &db, &err), QIAOLIAN_PERMISSION_DENIED,
           err);
  CHECK(db == NULL);
  CHECK_RC(qiaolian_repair_with_options(path, opts, (char**)&out, &len, &err),
           QIAOLIAN_OK, err);
  CHECK(out != NULL && strstr((const char*)out, "\"consistent\":true") != NULL);
  qiaolian_free(out);
  out = NULL;
  CHECK_RC(qiaolian_open(path, opts, &db, &err), QIAOLIAN_OK, err);
  qiaolian_close(db);

  qiaolian_options_destroy(opts);
  qiaolian_options_destroy(wrong);
  remove_tree(dir);
  return check_summary("encryption_test (C)");
}
