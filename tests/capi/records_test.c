/* Tests of the C API's donation totals, event counts, relations and
 * timeline (include/qiaolian/c.h, docs/records.md), in C99 like
 * c_api_test.c. Runs on a fresh store in a temporary directory. */
#define _XOPEN_SOURCE 700 /* mkdtemp, nftw */

#include <ftw.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "qiaolian/c.h"

static qiaolian_db_t* g_db;

static uint64_t create(int kind, const char* json) {
  uint64_t id = 0;
  char* err = NULL;
  int rc = qiaolian_create(g_db, NULL, kind, QIAOLIAN_FORMAT_JSON,
                           (const uint8_t*)json, strlen(json), &id, &err);
  if (rc != QIAOLIAN_OK) {
    fprintf(stderr, "create failed: %s: %s\n", err ? err : "", json);
    exit(2);
  }
  return id;
}

/* Runs a request call; returns the owned JSON (or NULL, with *rc set). */
static char* totals(const char* request, int* rc, char** err) {
  char* json = NULL;
  size_t len = 0;
  *rc = qiaolian_donation_totals(g_db, request, strlen(request), &json, &len,
                                 err);
  if (*rc == QIAOLIAN_OK) CHECK(strlen(json) == len);
  return json;
}

/* The call must fail with `code` and a message containing `needle`. */
static void expect_totals_error(const char* request, int code,
                                const char* needle) {
  char* err = NULL;
  int rc = 0;
  char* json = totals(request, &rc, &err);
  CHECK(rc == code);
  CHECK(json == NULL || rc == QIAOLIAN_OK);
  CHECK(err != NULL && strstr(err, needle) != NULL);
  if (rc != code || err == NULL || strstr(err, needle) == NULL) {
    fprintf(stderr, "  request %s: rc %d, err %s\n", request, rc,
            err ? err : "(none)");
  }
  qiaolian_free(json);
  qiaolian_free(err);
}

int main(void) {
  char dir[256];
  char* err = NULL;
  char* json = NULL;
  size_t len = 0;
  int rc;
  const char* base = getenv("TMPDIR");
  snprintf(dir, sizeof dir, "%s/qiaolian-records-test.XXXXXX",
           base != NULL && base[0] != '\0' ? base : "/tmp");
  if (mkdtemp(dir) == NULL) {
    perror("mkdtemp");
    return 2;
  }
  if (qiaolian_open(dir, NULL, &g_db, &err) != QIAOLIAN_OK) {
    fprintf(stderr, "open: %s\n", err);
    return 2;
  }
  create(QIAOLIAN_KIND_ENTERPRISE, "{\"name\":\"金坛人民医院\"}");
  create(QIAOLIAN_KIND_ENTERPRISE,
         "{\"name\":\"东非商会\",\"type\":\"TYPE_ASSOCIATION\"}");
  create(QIAOLIAN_KIND_PERSON,
         "{\"name\":\"胡小明\",\"memberships\":[{\"organization\":{\"kind\":"
         "\"KIND_ENTERPRISE\",\"id\":\"2\"},\"role\":\"ROLE_PRESIDENT\"}]}");
  create(QIAOLIAN_KIND_DONATION,
         "{\"direction\":\"DIRECTION_INBOUND\",\"date\":{\"year\":2020,"
         "\"month\":2,\"day\":20},\"purpose\":\"PURPOSE_EPIDEMIC\","
         "\"recipients\":[{\"ref\":{\"kind\":\"KIND_ENTERPRISE\",\"id\":\"1\"}}"
         "],\"items\":[{\"quantity\":\"600\",\"unit\":\"只\"}]}");
  create(QIAOLIAN_KIND_DONATION,
         "{\"direction\":\"DIRECTION_INBOUND\",\"date\":{\"year\":2020,"
         "\"month\":3,\"day\":1},\"purpose\":\"PURPOSE_EPIDEMIC\","
         "\"recipients\":[{\"ref\":{\"kind\":\"KIND_ENTERPRISE\",\"id\":\"1\"}}"
         "],\"money\":{\"currency\":\"USD\",\"amountMinor\":\"100000\"}}");
  create(QIAOLIAN_KIND_EVENT,
         "{\"type\":\"TYPE_WECHAT_GROUP_POST\",\"count\":230,\"date\":{"
         "\"year\":2020,\"month\":3,\"day\":2}}");

  /* Totals by recipient: goods per unit, money per currency, ids. */
  json = totals("{\"by\":\"recipient\",\"from\":\"2020-01-01\"}", &rc, &err);
  CHECK(rc == QIAOLIAN_OK);
  CHECK(err == NULL);
  CHECK(json != NULL && strstr(json,
                               "\"key\":\"enterprise:1\",\"donations\":2,"
                               "\"money\":{\"USD\":100000},"
                               "\"quantities\":{\"只\":600}") != NULL);
  CHECK(json != NULL && strstr(json, "\"ids\":[1,2]") != NULL);
  qiaolian_free(json);

  /* With a rate table: converted; with a gap or a short table: errors. */
  json = totals(
      "{\"rates\":\"currency,base,from,to,rate\\nUSD,CNY,2020-01-01,"
      "2020-12-31,7.0795\\n\"}",
      &rc, &err);
  CHECK(rc == QIAOLIAN_OK);
  CHECK(json != NULL && strstr(json, "\"total_converted\":707950") != NULL);
  qiaolian_free(json);
  expect_totals_error(
      "{\"rates\":\"currency,base,from,to,rate\\nUSD,CNY,2020-01-01,"
      "2020-01-31,7\\nUSD,CNY,2020-03-01,2020-12-31,7\\n\"}",
      QIAOLIAN_INVALID_ARGUMENT, "gap in the USD rates");
  expect_totals_error(
      "{\"rates\":\"currency,base,from,to,rate\\nUSD,CNY,2020-01-01,"
      "2020-02-29,7\\n\"}",
      QIAOLIAN_FAILED_PRECONDITION, "no USD rate for 2020-03-01");
  expect_totals_error("{\"by\":\"colour\"}", QIAOLIAN_INVALID_ARGUMENT,
                      "is not one of");
  expect_totals_error("{\"group\":\"purpose\"}", QIAOLIAN_INVALID_ARGUMENT,
                      "unknown member \"group\"");
  expect_totals_error("[1,2]", QIAOLIAN_INVALID_ARGUMENT, "not a JSON object");
  expect_totals_error("{\"from\":\"2020-13-01\"}", QIAOLIAN_INVALID_ARGUMENT,
                      "request.from");
  expect_totals_error("{\"direction\":\"sideways\"}", QIAOLIAN_INVALID_ARGUMENT,
                      "request.direction");

  /* Event counts: one record of 230 posts counts 230. */
  {
    const char* req = "{\"by\":\"kind\",\"types\":[\"wechat_group_post\"]}";
    rc = qiaolian_event_counts(g_db, req, strlen(req), &json, &len, &err);
    CHECK(rc == QIAOLIAN_OK);
    CHECK(rc == QIAOLIAN_OK &&
          strstr(json,
                 "\"key\":\"TYPE_WECHAT_GROUP_POST\",\"records\":1,"
                 "\"count\":230") != NULL);
    if (rc == QIAOLIAN_OK) qiaolian_free(json);
    qiaolian_free(err);
    err = NULL;
    req = "{\"types\":\"letter\"}";
    rc = qiaolian_event_counts(g_db, req, strlen(req), &json, &len, &err);
    CHECK(rc == QIAOLIAN_INVALID_ARGUMENT);
    CHECK(err != NULL && strstr(err, "request.types") != NULL);
    qiaolian_free(err);
    err = NULL;
  }

  /* Relations, both ways. */
  rc = qiaolian_relations(g_db, QIAOLIAN_KIND_ENTERPRISE, 2, &json, &len, &err);
  CHECK(rc == QIAOLIAN_OK);
  CHECK(rc == QIAOLIAN_OK &&
        strstr(json,
               "\"type\":\"leader\",\"detail\":\"ROLE_PRESIDENT\","
               "\"direction\":\"incoming\",\"other\":\"person:1\"") != NULL);
  if (rc == QIAOLIAN_OK) qiaolian_free(json);
  rc = qiaolian_relations(g_db, QIAOLIAN_KIND_PERSON, 1, &json, &len, &err);
  CHECK(rc == QIAOLIAN_OK);
  CHECK(rc == QIAOLIAN_OK &&
        strstr(json, "\"direction\":\"outgoing\",\"other\":\"enterprise:2\"") !=
            NULL);
  if (rc == QIAOLIAN_OK) qiaolian_free(json);
  rc = qiaolian_relations(g_db, QIAOLIAN_KIND_CASE, 1, &json, &len, &err);
  CHECK(rc == QIAOLIAN_INVALID_ARGUMENT);
  qiaolian_free(err);
  err = NULL;
  rc = qiaolian_relations(g_db, QIAOLIAN_KIND_PERSON, 77, &json, &len, &err);
  CHECK(rc == QIAOLIAN_NOT_FOUND);
  qiaolian_free(err);
  err = NULL;

  /* Timeline of the hospital, one entry per page, newest first. */
  {
    char cursor[512] = "";
    int pages = 0;
    const char* order[3] = {"\"record\":\"enterprise:1\"",
                            "\"record\":\"donation:2\"",
                            "\"record\":\"donation:1\""};
    for (;;) {
      const char* next;
      rc = qiaolian_timeline(g_db, QIAOLIAN_KIND_ENTERPRISE, 1, 1,
                             cursor[0] != '\0' ? cursor : NULL, strlen(cursor),
                             &json, &len, &err);
      CHECK(rc == QIAOLIAN_OK);
      if (rc != QIAOLIAN_OK) break;
      CHECK(pages < 3 && strstr(json, order[pages]) != NULL);
      next = strstr(json, "\"next_cursor\":\"");
      CHECK(next != NULL);
      if (next == NULL) {
        qiaolian_free(json);
        break;
      }
      next += strlen("\"next_cursor\":\"");
      len = (size_t)(strchr(next, '"') - next);
      CHECK(len < sizeof cursor);
      memcpy(cursor, next, len);
      cursor[len] = '\0';
      qiaolian_free(json);
      ++pages;
      if (cursor[0] == '\0' || pages > 5) break;
    }
    CHECK(pages == 3);
    rc = qiaolian_timeline(g_db, QIAOLIAN_KIND_ENTERPRISE, 1, 0, NULL, 0, &json,
                           &len, &err);
    CHECK(rc == QIAOLIAN_INVALID_ARGUMENT);
    qiaolian_free(err);
    err = NULL;
  }

  qiaolian_close(g_db);
  remove_tree(dir);
  return check_summary("records_test");
}
