/* hello.c: a complete qiaolian C API program (docs/c-api.md).
 *
 *   cc -std=c99 hello.c $(pkg-config --cflags --libs qiaolian) -o hello
 *   ./hello /tmp/hello-store
 *
 * Opens (or creates) a store, adds an enterprise from JSON, reads it back,
 * updates it, lists the overseas-Chinese-invested enterprises with a
 * cursor, counts them by industry, and shows what an error looks like. */
#include <stdio.h>
#include <string.h>

#include "qiaolian/c.h"

/* Prints a failed call's code and message, frees the message, returns 1. */
static int report(const char* what, int rc, char* err) {
  fprintf(stderr, "%s: %s (%d): %s\n", what, qiaolian_code_name(rc), rc,
          err != NULL ? err : "");
  qiaolian_free(err); /* accepts NULL */
  return 1;
}

int main(int argc, char** argv) {
  static const char kEnterprise[] =
      "{\"name\":\"三久制造\",\"type\":\"TYPE_LIMITED_COMPANY\","
      "\"overseasChineseInvested\":true,\"industry\":\"制造业\","
      "\"tags\":[\"侨资企业\"]}";
  static const char kQuery[] =
      "enterprise where overseas_chinese_invested = true";
  static const char kCount[] =
      "enterprise where overseas_chinese_invested = true group by industry";
  qiaolian_db_t* db = NULL;
  qiaolian_write_options_t* wo = NULL;
  qiaolian_cursor_t* cursor = NULL;
  uint8_t* record = NULL;
  size_t record_len = 0;
  char* json = NULL;
  size_t json_len = 0;
  char* err = NULL;
  uint64_t id = 0;
  uint64_t revision = 0;
  int rc;

  if (argc != 2) {
    fprintf(stderr, "usage: %s STORE_DIR\n", argv[0]);
    return 2;
  }
  printf("qiaolian %s (built against %s)\n", qiaolian_version(),
         QIAOLIAN_VERSION);

  /* Open: NULL options are the defaults (create the store if missing). */
  rc = qiaolian_open(argv[1], NULL, &db, &err);
  if (rc != QIAOLIAN_OK) return report("open", rc, err);

  /* Create from JSON; write options say who made the change. */
  wo = qiaolian_write_options_create();
  qiaolian_write_options_set_actor(wo, "hello", strlen("hello"));
  rc = qiaolian_create(db, wo, QIAOLIAN_KIND_ENTERPRISE, QIAOLIAN_FORMAT_JSON,
                       (const uint8_t*)kEnterprise, strlen(kEnterprise), &id,
                       &err);
  if (rc != QIAOLIAN_OK) {
    report("create", rc, err);
    goto done;
  }
  printf("created enterprise %llu\n", (unsigned long long)id);

  /* Read it back as JSON: owned, NUL-terminated, freed with qiaolian_free. */
  rc = qiaolian_get(db, QIAOLIAN_KIND_ENTERPRISE, id, QIAOLIAN_FORMAT_JSON,
                    &record, &record_len, &err);
  if (rc != QIAOLIAN_OK) {
    report("get", rc, err);
    goto done;
  }
  printf("%s\n", (const char*)record);

  /* Update: send back what was read (it carries meta.revision). */
  rc = qiaolian_update(db, wo, QIAOLIAN_KIND_ENTERPRISE, QIAOLIAN_FORMAT_JSON,
                       record, record_len, &revision, &err);
  if (rc != QIAOLIAN_OK) {
    report("update", rc, err);
    goto done;
  }
  printf("updated to revision %llu\n", (unsigned long long)revision);
  /* The same stale bytes again: a conflict, and nothing is written. */
  rc = qiaolian_update(db, wo, QIAOLIAN_KIND_ENTERPRISE, QIAOLIAN_FORMAT_JSON,
                       record, record_len, NULL, &err);
  printf("stale update: %s: %s\n", qiaolian_code_name(rc),
         err != NULL ? err : "");
  qiaolian_free(err);
  err = NULL;

  /* Query with a cursor: step until DONE; rows are borrowed. */
  rc = qiaolian_query(db, kQuery, strlen(kQuery), NULL, QIAOLIAN_FORMAT_JSON,
                      &cursor, &err);
  if (rc != QIAOLIAN_OK) {
    report("query", rc, err);
    goto done;
  }
  while ((rc = qiaolian_cursor_next(cursor, &err)) == QIAOLIAN_ROW) {
    const uint8_t* row = NULL;
    size_t row_len = 0;
    uint64_t row_id = 0;
    qiaolian_cursor_id(cursor, &row_id, NULL);
    qiaolian_cursor_record(cursor, &row, &row_len, NULL);
    printf("row %llu: %zu bytes of JSON\n", (unsigned long long)row_id,
           row_len);
  }
  qiaolian_cursor_destroy(cursor);
  if (rc != QIAOLIAN_DONE) {
    report("cursor", rc, err);
    goto done;
  }

  /* An aggregate, as JSON. */
  rc = qiaolian_aggregate(db, kCount, strlen(kCount), NULL, &json, &json_len,
                          &err);
  if (rc != QIAOLIAN_OK) {
    report("aggregate", rc, err);
    goto done;
  }
  printf("%s\n", json);
  qiaolian_free(json);
  rc = QIAOLIAN_OK;

done:
  qiaolian_free(record);
  qiaolian_write_options_destroy(wo);
  qiaolian_close(db);
  return rc == QIAOLIAN_OK ? 0 : 1;
}
