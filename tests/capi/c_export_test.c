/* Tests of the C API's export (include/qiaolian/c.h, "Export"), in C99 like
 * c_api_test.c: CSV masked by default and unmasked on request, a BOM,
 * columns, JSON Lines, .xlsx, and the errors (the target file is left as it
 * was). Each check is counted; failures print file:line and exit 1. */
#define _XOPEN_SOURCE 700 /* mkdtemp, nftw */

#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* `expr` returned `want`; on failure the message contains `needle`. Frees
 * and resets `err`. */
#define CHECK_RC(expr, want, needle, err) \
  check_rc((expr), (want), (needle), &(err), #expr, __LINE__)

static void check_rc(int rc, int want, const char* needle, char** err,
                     const char* expr, int line) {
  ++g_checks;
  if (rc != want) {
    ++g_failures;
    fprintf(stderr, "%s:%d: %s returned %s, want %s: %s\n", __FILE__, line,
            expr, qiaolian_code_name(rc), qiaolian_code_name(want),
            *err != NULL ? *err : "(no message)");
  } else if (rc == QIAOLIAN_OK && *err != NULL) {
    ++g_failures;
    fprintf(stderr, "%s:%d: %s set errmsg on success\n", __FILE__, line, expr);
  } else if (rc != QIAOLIAN_OK &&
             (*err == NULL || strstr(*err, needle) == NULL)) {
    ++g_failures;
    fprintf(stderr, "%s:%d: %s: message \"%s\" lacks \"%s\"\n", __FILE__, line,
            expr, *err != NULL ? *err : "(none)", needle);
  }
  qiaolian_free(*err);
  *err = NULL;
}

static int remove_entry(const char* path, const struct stat* sb, int flag,
                        struct FTW* ftw) {
  (void)sb;
  (void)flag;
  (void)ftw;
  return remove(path);
}

/* The whole file as a malloc'd NUL-terminated string (NULL if missing). */
static char* slurp(const char* path, size_t* len) {
  FILE* f = fopen(path, "rb");
  char* buf;
  long n;
  if (f == NULL) return NULL;
  fseek(f, 0, SEEK_END);
  n = ftell(f);
  fseek(f, 0, SEEK_SET);
  buf = (char*)malloc((size_t)n + 1);
  if (buf == NULL || fread(buf, 1, (size_t)n, f) != (size_t)n) {
    fclose(f);
    free(buf);
    return NULL;
  }
  buf[n] = '\0';
  fclose(f);
  if (len != NULL) *len = (size_t)n;
  return buf;
}

static const char kPerson[] =
    "{\"name\":\"张三\",\"identityDocuments\":[{\"type\":\"TYPE_RESIDENT_ID\","
    "\"number\":\"11010519491231002X\"}],\"contacts\":[{\"type\":"
    "\"TYPE_PHONE\",\"value\":\"13912345678\"}]}";
static const char kEnterprise[] =
    "{\"name\":\"=HYPERLINK(1)\",\"uscc\":\"91320413723588143D\","
    "\"status\":\"STATUS_ACTIVE\"}";

int main(void) {
  char dir[256];
  char store[300], out[300], keep[300];
  const char* base = getenv("TMPDIR");
  qiaolian_db_t* db = NULL;
  qiaolian_export_options_t* o;
  char* err = NULL;
  char* text;
  size_t len = 0;
  uint64_t rows = 0, id = 0;
  const char* q = "person where name = \"张三\"";
  const char* qe = "enterprise where uscc = \"91320413723588143D\"";

  snprintf(dir, sizeof dir, "%s/qiaolian-c-export-test.XXXXXX",
           base != NULL && base[0] != '\0' ? base : "/tmp");
  if (mkdtemp(dir) == NULL) {
    perror("mkdtemp");
    return 2;
  }
  snprintf(store, sizeof store, "%s/store", dir);
  snprintf(out, sizeof out, "%s/out", dir);
  snprintf(keep, sizeof keep, "%s/keep.csv", dir);
  CHECK_RC(qiaolian_open(store, NULL, &db, &err), QIAOLIAN_OK, "", err);
  if (db == NULL) return 1;
  CHECK_RC(qiaolian_create(db, NULL, QIAOLIAN_KIND_PERSON, QIAOLIAN_FORMAT_JSON,
                           (const uint8_t*)kPerson, strlen(kPerson), &id, &err),
           QIAOLIAN_OK, "", err);
  CHECK_RC(qiaolian_create(db, NULL, QIAOLIAN_KIND_ENTERPRISE,
                           QIAOLIAN_FORMAT_JSON, (const uint8_t*)kEnterprise,
                           strlen(kEnterprise), &id, &err),
           QIAOLIAN_OK, "", err);

  /* Defaults (NULL options): CSV, masked. */
  CHECK_RC(qiaolian_export(db, q, strlen(q), NULL, out, &rows, &err),
           QIAOLIAN_OK, "", err);
  CHECK(rows == 1);
  text = slurp(out, NULL);
  CHECK(text != NULL && strstr(text, "110105********002X") != NULL);
  CHECK(text != NULL && strstr(text, "139****5678") != NULL);
  CHECK(text != NULL && strstr(text, "11010519491231002X") == NULL);
  free(text);

  /* Unmasked, with a BOM and chosen columns. */
  o = qiaolian_export_options_create();
  CHECK(o != NULL);
  if (o == NULL) return 1;
  CHECK(qiaolian_export_options_set_unmasked(o, 1) == QIAOLIAN_OK);
  CHECK(qiaolian_export_options_set_bom(o, 1) == QIAOLIAN_OK);
  CHECK(qiaolian_export_options_add_column(o, "name", 4) == QIAOLIAN_OK);
  CHECK(qiaolian_export_options_add_column(o, "identity_documents.number",
                                           25) == QIAOLIAN_OK);
  CHECK_RC(qiaolian_export(db, q, strlen(q), o, out, &rows, &err), QIAOLIAN_OK,
           "", err);
  text = slurp(out, &len);
  CHECK(text != NULL && strcmp(text,
                               "\xEF\xBB\xBFname,identity_documents.number\r\n"
                               "张三,11010519491231002X\r\n") == 0);
  free(text);

  /* Coded values as their Chinese labels (identity document types). */
  CHECK(qiaolian_export_options_clear_columns(o) == QIAOLIAN_OK);
  CHECK(qiaolian_export_options_set_bom(o, 0) == QIAOLIAN_OK);
  CHECK(qiaolian_export_options_add_column(o, "identity_documents.type", 23) ==
        QIAOLIAN_OK);
  CHECK(qiaolian_export_options_set_labels(o, 1) == QIAOLIAN_OK);
  CHECK_RC(qiaolian_export(db, q, strlen(q), o, out, &rows, &err), QIAOLIAN_OK,
           "", err);
  text = slurp(out, NULL);
  CHECK(text != NULL &&
        strcmp(text, "identity_documents.type\r\n居民身份证\r\n") == 0);
  free(text);
  CHECK(qiaolian_export_options_set_labels(o, 0) == QIAOLIAN_OK);
  CHECK(qiaolian_export_options_set_labels(NULL, 1) ==
        QIAOLIAN_INVALID_ARGUMENT);

  /* Chinese headers; a column may be named by its header too. */
  CHECK(qiaolian_export_options_clear_columns(o) == QIAOLIAN_OK);
  CHECK(qiaolian_export_options_add_column(o, "姓名", strlen("姓名")) ==
        QIAOLIAN_OK);
  CHECK(qiaolian_export_options_add_column(o, "identity_documents.type", 23) ==
        QIAOLIAN_OK);
  CHECK(qiaolian_export_options_set_chinese_headers(o, 1) == QIAOLIAN_OK);
  CHECK_RC(qiaolian_export(db, q, strlen(q), o, out, &rows, &err), QIAOLIAN_OK,
           "", err);
  text = slurp(out, NULL);
  CHECK(text != NULL &&
        strcmp(text, "姓名,证件类型\r\n张三,RESIDENT_ID\r\n") == 0);
  free(text);
  CHECK(qiaolian_export_options_set_chinese_headers(o, 0) == QIAOLIAN_OK);
  CHECK(qiaolian_export_options_set_chinese_headers(NULL, 1) ==
        QIAOLIAN_INVALID_ARGUMENT);

  /* CSV neutralises a formula-like name. */
  CHECK(qiaolian_export_options_clear_columns(o) == QIAOLIAN_OK);
  CHECK(qiaolian_export_options_add_column(o, "name", 4) == QIAOLIAN_OK);
  CHECK(qiaolian_export_options_set_bom(o, 0) == QIAOLIAN_OK);
  CHECK_RC(qiaolian_export(db, qe, strlen(qe), o, out, &rows, &err),
           QIAOLIAN_OK, "", err);
  text = slurp(out, NULL);
  CHECK(text != NULL && strcmp(text, "name\r\n'=HYPERLINK(1)\r\n") == 0);
  free(text);

  /* JSON Lines (columns do not apply) and .xlsx (a zip). */
  CHECK(qiaolian_export_options_clear_columns(o) == QIAOLIAN_OK);
  CHECK(qiaolian_export_options_set_format(o, "jsonl", 5) == QIAOLIAN_OK);
  CHECK_RC(qiaolian_export(db, q, strlen(q), o, out, &rows, &err), QIAOLIAN_OK,
           "", err);
  text = slurp(out, NULL);
  CHECK(text != NULL && strstr(text, "\"11010519491231002X\"") != NULL);
  free(text);
  CHECK(qiaolian_export_options_set_format(o, "xlsx", 4) == QIAOLIAN_OK);
  CHECK_RC(qiaolian_export(db, qe, strlen(qe), o, out, &rows, &err),
           QIAOLIAN_OK, "", err);
  CHECK(rows == 1);
  text = slurp(out, &len);
  CHECK(text != NULL && len > 100 && text[0] == 'P' && text[1] == 'K');
  free(text);

  /* Errors: a bad format is refused by the setter; the others by the call,
   * which leaves an existing target untouched. */
  CHECK(qiaolian_export_options_set_format(o, "xml", 3) ==
        QIAOLIAN_INVALID_ARGUMENT);
  CHECK(qiaolian_export_options_set_format(o, NULL, 0) == QIAOLIAN_OK);
  {
    FILE* f = fopen(keep, "w");
    CHECK(f != NULL);
    if (f != NULL) {
      fputs("old", f);
      fclose(f);
    }
  }
  CHECK_RC(qiaolian_export(db, "person where", 12, o, keep, &rows, &err),
           QIAOLIAN_INVALID_ARGUMENT, "", err);
  CHECK_RC(qiaolian_export(db, "enterprise where notes prefix \"x\"", 33, o,
                           keep, &rows, &err),
           QIAOLIAN_FAILED_PRECONDITION, "index", err);
  CHECK(qiaolian_export_options_add_column(o, "nmae", 4) == QIAOLIAN_OK);
  CHECK_RC(qiaolian_export(db, q, strlen(q), o, keep, &rows, &err),
           QIAOLIAN_INVALID_ARGUMENT, "nmae", err);
  text = slurp(keep, NULL);
  CHECK(text != NULL && strcmp(text, "old") == 0);
  free(text);
  CHECK_RC(qiaolian_export(db, q, strlen(q), NULL, "/nonexistent-dir/x.csv",
                           &rows, &err),
           QIAOLIAN_UNAVAILABLE, "", err);
  CHECK(qiaolian_export_options_add_column(o, NULL, 0) ==
        QIAOLIAN_INVALID_ARGUMENT);
  qiaolian_export_options_destroy(o);
  qiaolian_export_options_destroy(NULL);

  qiaolian_close(db);
  nftw(dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
  printf("c_export_test: %d checks, %d failed\n", g_checks, g_failures);
  return g_failures == 0 ? 0 : 1;
}
