/* An outside program against an installed qiaolian: opens a store, creates
 * an enterprise from JSON and reads it back. Usage: outside STORE_DIR. */
#include <qiaolian/c.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char** argv) {
  static const char kJson[] =
      "{\"name\":\"一号农场\",\"type\":\"TYPE_LIMITED_COMPANY\","
      "\"industry\":\"农业\",\"industryCode\":\"A\"}";
  qiaolian_db_t* db = NULL;
  char* err = NULL;
  uint8_t* out = NULL;
  size_t len = 0;
  uint64_t id = 0;
  int rc;
  if (argc != 2) {
    fprintf(stderr, "usage: %s STORE_DIR\n", argv[0]);
    return 2;
  }
  if (qiaolian_version_number() != QIAOLIAN_VERSION_NUMBER) {
    fprintf(stderr, "header %s, library %s\n", QIAOLIAN_VERSION,
            qiaolian_version());
    return 1;
  }
  rc = qiaolian_open(argv[1], NULL, &db, &err);
  if (rc == QIAOLIAN_OK) {
    rc = qiaolian_create(db, NULL, QIAOLIAN_KIND_ENTERPRISE,
                         QIAOLIAN_FORMAT_JSON, (const uint8_t*)kJson,
                         strlen(kJson), &id, &err);
  }
  if (rc == QIAOLIAN_OK) {
    rc = qiaolian_get(db, QIAOLIAN_KIND_ENTERPRISE, id, QIAOLIAN_FORMAT_JSON,
                      &out, &len, &err);
  }
  if (rc != QIAOLIAN_OK) {
    fprintf(stderr, "%s: %s\n", qiaolian_code_name(rc), err != NULL ? err : "");
    qiaolian_free(err);
    qiaolian_close(db);
    return 1;
  }
  printf("qiaolian %s: enterprise %llu: %s\n", qiaolian_version(),
         (unsigned long long)id, (const char*)out);
  rc = strstr((const char*)out, "一号农场") != NULL ? 0 : 1;
  qiaolian_free(out);
  qiaolian_close(db);
  return rc;
}
