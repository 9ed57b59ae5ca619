/* Tests of the C API's privacy calls (include/qiaolian/c.h, "Privacy"),
 * in C99 like the other C tests: masked and audited reads, masked queries,
 * qiaolian_mask, the audit log, erasure. */
#define _XOPEN_SOURCE 700 /* mkdtemp, nftw */

#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "qiaolian/c.h"

static const char kPerson[] =
    "{\"name\":\"张三\",\"identityDocuments\":[{\"type\":\"TYPE_RESIDENT_ID\","
    "\"number\":\"11010519491231002X\"}],\"contacts\":[{\"type\":"
    "\"TYPE_PHONE\",\"value\":\"13912345678\"}]}";

int main(void) {
  char dir[] = "/tmp/qiaolian-c-privacy-XXXXXX";
  char path[128];
  char* err = NULL;
  qiaolian_db_t* db = NULL;
  qiaolian_read_options_t* ro = NULL;
  qiaolian_query_options_t* qo = NULL;
  qiaolian_write_options_t* wo = NULL;
  qiaolian_cursor_t* cursor = NULL;
  uint8_t* out = NULL;
  const uint8_t* row = NULL;
  char* text = NULL;
  size_t len = 0;
  uint64_t id = 0;
  int intact = 0;
  const char* q = "person where name = \"张三\"";

  if (mkdtemp(dir) == NULL) {
    perror("mkdtemp");
    return 2;
  }
  snprintf(path, sizeof path, "%s/store", dir);
  CHECK_RC(qiaolian_open(path, NULL, &db, &err), QIAOLIAN_OK, err);
  CHECK_RC(qiaolian_create(db, NULL, QIAOLIAN_KIND_PERSON, QIAOLIAN_FORMAT_JSON,
                           (const uint8_t*)kPerson, strlen(kPerson), &id, &err),
           QIAOLIAN_OK, err);

  /* Masked by default (NULL options and fresh options alike). */
  CHECK_RC(qiaolian_read(db, NULL, QIAOLIAN_KIND_PERSON, id,
                         QIAOLIAN_FORMAT_JSON, &out, &len, &err),
           QIAOLIAN_OK, err);
  CHECK(out != NULL && strstr((char*)out, "110105********002X") != NULL);
  CHECK(out != NULL && strstr((char*)out, "13912345678") == NULL);
  qiaolian_free(out);
  ro = qiaolian_read_options_create();
  CHECK(ro != NULL);
  CHECK_RC(qiaolian_read(db, ro, QIAOLIAN_KIND_PERSON, id, QIAOLIAN_FORMAT_JSON,
                         &out, &len, &err),
           QIAOLIAN_OK, err);
  CHECK(out != NULL && strstr((char*)out, "139****5678") != NULL);
  qiaolian_free(out);

  /* Unmasked: audited. */
  CHECK(qiaolian_read_options_set_unmasked(ro, 1) == QIAOLIAN_OK);
  CHECK(qiaolian_read_options_set_actor(ro, "李科长", strlen("李科长")) ==
        QIAOLIAN_OK);
  CHECK(qiaolian_read_options_set_purpose(ro, "核对", strlen("核对")) ==
        QIAOLIAN_OK);
  CHECK_RC(qiaolian_read(db, ro, QIAOLIAN_KIND_PERSON, id, QIAOLIAN_FORMAT_JSON,
                         &out, &len, &err),
           QIAOLIAN_OK, err);
  CHECK(out != NULL && strstr((char*)out, "11010519491231002X") != NULL);
  qiaolian_free(out);

  /* Queries: as stored without read options (as before), masked with. */
  qo = qiaolian_query_options_create();
  CHECK_RC(
      qiaolian_query(db, q, strlen(q), qo, QIAOLIAN_FORMAT_JSON, &cursor, &err),
      QIAOLIAN_OK, err);
  CHECK_RC(qiaolian_cursor_next(cursor, &err), QIAOLIAN_ROW, err);
  CHECK_RC(qiaolian_cursor_record(cursor, &row, &len, &err), QIAOLIAN_OK, err);
  CHECK(strstr((const char*)row, "13912345678") != NULL);
  qiaolian_cursor_destroy(cursor);
  CHECK(qiaolian_read_options_set_unmasked(ro, 0) == QIAOLIAN_OK);
  CHECK(qiaolian_query_options_set_read_options(qo, ro) == QIAOLIAN_OK);
  CHECK_RC(
      qiaolian_query(db, q, strlen(q), qo, QIAOLIAN_FORMAT_JSON, &cursor, &err),
      QIAOLIAN_OK, err);
  CHECK_RC(qiaolian_cursor_next(cursor, &err), QIAOLIAN_ROW, err);
  CHECK_RC(qiaolian_cursor_record(cursor, &row, &len, &err), QIAOLIAN_OK, err);
  CHECK(strstr((const char*)row, "139****5678") != NULL);
  CHECK(strstr((const char*)row, "13912345678") == NULL);
  qiaolian_cursor_destroy(cursor);

  /* qiaolian_mask needs no store. */
  CHECK_RC(
      qiaolian_mask(QIAOLIAN_KIND_PERSON, QIAOLIAN_FORMAT_JSON,
                    (const uint8_t*)kPerson, strlen(kPerson), &out, &len, &err),
      QIAOLIAN_OK, err);
  CHECK(out != NULL && strstr((char*)out, "139****5678") != NULL);
  qiaolian_free(out);

  /* The audit log: the create and the one unmasked read, no values. */
  CHECK_RC(qiaolian_audit_list(db, 0, 0, 0, 0, &text, &len, &err), QIAOLIAN_OK,
           err);
  CHECK(text != NULL && strstr(text, "ACTION_CREATE") != NULL);
  CHECK(text != NULL && strstr(text, "ACTION_UNMASKED_READ") != NULL);
  CHECK(text != NULL && strstr(text, "李科长") != NULL);
  CHECK(text != NULL && strstr(text, "13912345678") == NULL);
  CHECK(text != NULL && strstr(text, "\"seq\":\"3\"") == NULL);
  qiaolian_free(text);
  CHECK_RC(qiaolian_audit_list(db, 0, 0, 1, 0, &text, &len, &err), QIAOLIAN_OK,
           err);
  CHECK(text != NULL && strstr(text, "ACTION_CREATE") == NULL);
  qiaolian_free(text);
  CHECK_RC(qiaolian_audit_verify(db, NULL, 0, &intact, &text, &len, &err),
           QIAOLIAN_OK, err);
  CHECK(intact == 1);
  CHECK(text != NULL && strstr(text, "\"entries\":2") != NULL);
  qiaolian_free(text);

  /* Erasure. */
  wo = qiaolian_write_options_create();
  CHECK(qiaolian_write_options_set_actor(wo, "管理员", strlen("管理员")) ==
        QIAOLIAN_OK);
  CHECK_RC(
      qiaolian_erase(db, wo, QIAOLIAN_KIND_PERSON, id, 0, &text, &len, &err),
      QIAOLIAN_OK, err);
  CHECK(text != NULL && strstr(text, "\"revisions\":1") != NULL);
  CHECK(text != NULL && strstr(text, "\"was_live\":true") != NULL);
  qiaolian_free(text);
  CHECK_RC(qiaolian_get(db, QIAOLIAN_KIND_PERSON, id, QIAOLIAN_FORMAT_JSON,
                        &out, &len, &err),
           QIAOLIAN_NOT_FOUND, err);
  CHECK_RC(
      qiaolian_erase(db, wo, QIAOLIAN_KIND_PERSON, id, 0, NULL, NULL, &err),
      QIAOLIAN_NOT_FOUND, err);
  CHECK_RC(qiaolian_audit_verify(db, NULL, 0, &intact, NULL, NULL, &err),
           QIAOLIAN_OK, err);
  CHECK(intact == 1);

  /* Unmasked reads need a writable store. */
  qiaolian_close(db);
  {
    qiaolian_options_t* o = qiaolian_options_create();
    uint64_t pid = 0;
    CHECK_RC(qiaolian_open(path, NULL, &db, &err), QIAOLIAN_OK, err);
    CHECK_RC(
        qiaolian_create(db, NULL, QIAOLIAN_KIND_PERSON, QIAOLIAN_FORMAT_JSON,
                        (const uint8_t*)kPerson, strlen(kPerson), &pid, &err),
        QIAOLIAN_OK, err);
    qiaolian_close(db);
    qiaolian_options_set_read_only(o, 1);
    CHECK_RC(qiaolian_open(path, o, &db, &err), QIAOLIAN_OK, err);
    CHECK(qiaolian_read_options_set_unmasked(ro, 1) == QIAOLIAN_OK);
    CHECK_RC(qiaolian_read(db, ro, QIAOLIAN_KIND_PERSON, pid,
                           QIAOLIAN_FORMAT_JSON, &out, &len, &err),
             QIAOLIAN_FAILED_PRECONDITION, err);
    qiaolian_options_destroy(o);
  }

  qiaolian_close(db);
  qiaolian_read_options_destroy(ro);
  qiaolian_query_options_destroy(qo);
  qiaolian_write_options_destroy(wo);
  remove_tree(dir);
  return check_summary("privacy_test (C)");
}
