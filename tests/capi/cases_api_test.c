/* The C API of working days and the case workflow, in C99: the eve of
 * National Day 2020, a case registered, moved, refused an illegal move
 * (unchanged), overdue and rates as JSON. */
#define _XOPEN_SOURCE 700 /* mkdtemp */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "qiaolian/c.h"

static int failures = 0;

#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond)) {                                                             \
      ++failures;                                                              \
      fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
    }                                                                          \
  } while (0)

#define T(s) (s), strlen(s)

int main(void) {
  char root[] = "/tmp/qiaolian-cases-c.XXXXXX";
  char path[64];
  char cmd[96];
  char* err = NULL;
  char* text = NULL;
  size_t len = 0;
  int working = -1;
  int64_t count = 0;
  uint64_t id = 0, rev = 0;
  uint8_t* before = NULL;
  uint8_t* after = NULL;
  size_t before_len = 0, after_len = 0;
  qiaolian_db_t* db = NULL;
  qiaolian_write_options_t* wo = NULL;
  const char* local = "2020-10-09 off local closure\n";
  const char* json =
      "{\"channel\":\"CHANNEL_ONLINE\",\"type\":\"TYPE_CONSULTATION\","
      "\"received\":{\"year\":2020,\"month\":9,\"day\":30}}";
  int rc;

  /* Working days. */
  rc = qiaolian_calendar_add_working_days(T(""), T("2020-09-30"), 2, 0, &text,
                                          &len, &err);
  CHECK(rc == QIAOLIAN_OK && strcmp(text, "2020-10-10") == 0 && len == 10);
  qiaolian_free(text);
  rc = qiaolian_calendar_add_working_days(T(local), T("2020-09-30"), 2, 0,
                                          &text, &len, &err);
  CHECK(rc == QIAOLIAN_OK && strcmp(text, "2020-10-12") == 0);
  qiaolian_free(text);
  rc = qiaolian_calendar_is_working_day(T(""), T("2020-10-10"), 0, &working,
                                        &err);
  CHECK(rc == QIAOLIAN_OK && working == 1);
  rc = qiaolian_calendar_is_working_day(T(""), T("2020-02-01"), 0, &working,
                                        &err);
  CHECK(rc == QIAOLIAN_OK && working == 0);
  rc = qiaolian_calendar_working_days_between(T(""), T("2020-10-10"),
                                              T("2020-09-30"), 0, &count, &err);
  CHECK(rc == QIAOLIAN_OK && count == -2);
  rc = qiaolian_calendar_is_working_day(T(""), T("2030-01-01"), 0, &working,
                                        &err);
  CHECK(rc == QIAOLIAN_OUT_OF_RANGE && err != NULL &&
        strstr(err, "2030-01-01") != NULL);
  qiaolian_free(err);
  err = NULL;
  rc = qiaolian_calendar_is_working_day(T(""), T("2030-01-01"), 1, &working,
                                        &err);
  CHECK(rc == QIAOLIAN_OK && working == 1);
  rc = qiaolian_calendar_is_working_day(T("bad line"), T("2020-01-01"), 0,
                                        &working, &err);
  CHECK(rc == QIAOLIAN_INVALID_ARGUMENT && strstr(err, "calendar:1:") != NULL);
  qiaolian_free(err);
  err = NULL;

  /* The workflow. */
  if (mkdtemp(root) == NULL) return 2;
  snprintf(path, sizeof path, "%s/db", root);
  rc = qiaolian_open(path, NULL, &db, &err);
  if (rc != QIAOLIAN_OK) return 2;
  wo = qiaolian_write_options_create();
  CHECK(qiaolian_write_options_set_actor(wo, T("王主任")) == QIAOLIAN_OK);
  rc =
      qiaolian_case_register(db, wo, QIAOLIAN_FORMAT_JSON, (const uint8_t*)json,
                             strlen(json), T(""), T(""), 0, &id, &err);
  CHECK(rc == QIAOLIAN_OK && id == 1);
  rc = qiaolian_get(db, QIAOLIAN_KIND_CASE, id, QIAOLIAN_FORMAT_JSON, &before,
                    &before_len, &err);
  CHECK(rc == QIAOLIAN_OK &&
        strstr((const char*)before,
               "\"replyDue\":{\"year\":2020,\"month\":10,\"day\":10}") != NULL);
  /* Illegal: registered straight to closed. Nothing written. */
  rc = qiaolian_case_transition(db, wo, id, QIAOLIAN_CASE_STATUS_CLOSED, T("x"),
                                T("2020-10-09"), T(""), 0, 0, &rev, &err);
  CHECK(rc == QIAOLIAN_FAILED_PRECONDITION && err != NULL &&
        strstr(err, "allowed from STATUS_RECEIVED") != NULL);
  qiaolian_free(err);
  err = NULL;
  rc = qiaolian_get(db, QIAOLIAN_KIND_CASE, id, QIAOLIAN_FORMAT_JSON, &after,
                    &after_len, &err);
  CHECK(rc == QIAOLIAN_OK && after_len == before_len &&
        memcmp(before, after, before_len) == 0);
  qiaolian_free(after);
  /* Legal. */
  rc = qiaolian_case_transition(db, wo, id, QIAOLIAN_CASE_STATUS_ACCEPTED,
                                T("受理"), T("2020-09-30T17:00:00+08:00"),
                                T(""), 0, 1, &rev, &err);
  CHECK(rc == QIAOLIAN_OK && rev == 2);
  rc = qiaolian_case_overdue(db, T("2020-10-12"), &text, &len, &err);
  CHECK(rc == QIAOLIAN_OK && strstr(text, "\"count\":1") != NULL &&
        strstr(text, "\"id\":1,") != NULL);
  qiaolian_free(text);
  rc = qiaolian_case_reply(db, wo, id, T("已答复"), T("2020-10-09"), 2, &rev,
                           &err);
  CHECK(rc == QIAOLIAN_OK && rev == 3);
  rc = qiaolian_case_overdue(db, T("2020-10-12"), &text, &len, &err);
  CHECK(rc == QIAOLIAN_OK && strstr(text, "\"count\":0") != NULL);
  qiaolian_free(text);
  rc =
      qiaolian_case_rates(db, T("2020-09-01"), T("2020-09-30"), T("2020-10-31"),
                          T("channel = ONLINE"), &text, &len, &err);
  CHECK(rc == QIAOLIAN_OK &&
        strstr(text, "\"reply_on_time\":{\"numerator\":1,\"denominator\":1,") !=
            NULL &&
        strstr(text, "\"closure\":{\"numerator\":0,\"denominator\":1,") !=
            NULL);
  qiaolian_free(text);
  rc = qiaolian_case_rates(db, T("2020-09-30"), T("2020-09-01"), T(""), T(""),
                           &text, &len, &err);
  CHECK(rc == QIAOLIAN_INVALID_ARGUMENT);
  qiaolian_free(err);

  qiaolian_free(before);
  qiaolian_write_options_destroy(wo);
  qiaolian_close(db);
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
  if (system(cmd) != 0) fprintf(stderr, "cannot remove %s\n", root);
  printf("cases_api_test: %d failures\n", failures);
  return failures == 0 ? 0 : 1;
}
