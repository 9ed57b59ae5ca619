#!/usr/bin/python3
"""Generates c_api_null_test.c from include/qiaolian/c.h.

    gen_null_test.py C_H OUTPUT_C
    gen_null_test.py --list C_H     (the exported function names)

Parses every `QIAOLIAN_EXPORT` prototype of the C API header and emits a C99
test that calls each function once per pointer parameter with that parameter
NULL and every other argument valid (a live db, a live cursor standing on a
row, fresh option objects, real buffers), and checks the contract of c.h
(convention 7):

  * an int-returning function returns QIAOLIAN_INVALID_ARGUMENT, and when it
    has an errmsg, the message names the parameter;
  * a void function (destructors, close, free) simply does not crash;
  * where the header says NULL is accepted (NULL_ACCEPTED below) the call
    behaves exactly like the same call with a valid pointer.

Each function with an int result is also called once with every argument
valid (the "control" call), which must not be INVALID_ARGUMENT: so a NULL
check cannot pass for the wrong reason.

Because the test is generated at build time, a function added to c.h is
covered without further work, unless it takes a pointer type unknown here:
then generation fails and names the type to add to POINTER_VALUES.
"""

import re
import sys

# (function, parameter) pairs for which c.h documents NULL as accepted;
# "*" matches every function.
NULL_ACCEPTED = {
    ("*", "errmsg"),
    ("qiaolian_open", "options"),
    ("qiaolian_create", "options"),
    ("qiaolian_update", "options"),
    ("qiaolian_delete", "options"),
    ("qiaolian_query", "options"),
    ("qiaolian_aggregate", "options"),
    ("qiaolian_explain", "options"),
    ("qiaolian_update", "new_revision"),
    ("qiaolian_verify", "report"),
    ("qiaolian_compact", "bytes_before"),
    ("qiaolian_compact", "bytes_after"),
    ("qiaolian_import", "options"),
    ("qiaolian_add", "options"),
    ("qiaolian_add", "warnings_json"),
    ("qiaolian_set", "options"),
    # NULL with length 0: the first page.
    ("qiaolian_timeline", "cursor"),
    ("qiaolian_merge", "options"),
    ("qiaolian_merge", "result_json"),
    # NULL clears the callback; user_data is opaque and passed through.
    ("qiaolian_import_options_set_progress", "fn"),
    ("qiaolian_import_options_set_progress", "user_data"),
    ("qiaolian_read", "options"),
    ("qiaolian_query_options_set_read_options", "read_options"),
    ("qiaolian_audit_verify", "expected_head"),
    ("qiaolian_audit_verify", "report"),
    ("qiaolian_erase", "options"),
    ("qiaolian_erase", "report"),
    ("qiaolian_export", "options"),
    ("qiaolian_export", "rows"),
    ("qiaolian_case_register", "options"),
    ("qiaolian_case_transition", "options"),
    ("qiaolian_case_reply", "options"),
    ("qiaolian_repair_with_options", "options"),
}

# Typedef'd function pointer types: pointer parameters without a `*`.
FUNCTION_POINTER_TYPES = {"qiaolian_progress_fn"}

# A valid value for each pointer type, as a C expression over the fixture
# `f` (see FIXTURE below). (function, parameter) entries come first, then
# (type, parameter), then the type alone.
POINTER_VALUES = {
    ("qiaolian_update", "data"): "(const uint8_t*)f.record_json",
    ("qiaolian_create", "data"): "(const uint8_t*)f.new_json",
    # A 32-byte encryption key (its length is taken with strlen).
    ("qiaolian_options_set_encryption_key", "key"):
        '(const uint8_t*)"0123456789abcdef0123456789abcdef"',
    ("const uint8_t*", None): "(const uint8_t*)f.new_json",
    ("qiaolian_import", "path"): "g_import_csv",
    ("qiaolian_workbook_sheets", "path"): "g_import_csv",
    # A new enterprise each call: a name is all it needs.
    ("qiaolian_add", "fields_json"):
        '"{\\"企业名称\\":\\"空指针测试\\"}"',
    ("qiaolian_set", "fields_json"):
        '"{\\"注册地址\\":\\"金坛区东门大街1号\\"}"',
    ("qiaolian_donation_totals", "request"): '"{\\"by\\":\\"purpose\\"}"',
    ("qiaolian_event_counts", "request"): '"{\\"by\\":\\"kind\\"}"',
    ("qiaolian_timeline", "cursor"): '""',
    # Must be valid when set (the setter checks it).
    ("qiaolian_import_options_set_mode", "mode"): '"update"',
    ("qiaolian_import_options_set_duplicates", "mode"): '"merge"',
    ("qiaolian_import_options_set_bulk_load", "mode"): '"on"',
    ("qiaolian_import_options_set_date_order", "order"): '"dmy"',
    ("qiaolian_import_options_set_decimal_mark", "mark"): '"comma"',
    ("qiaolian_export_options_set_format", "format"): '"csv"',
    ("qiaolian_export", "query"): "f.query",
    ("qiaolian_case_register", "data"):
        '(const uint8_t*)"{\\"channel\\":\\"CHANNEL_ONLINE\\",'
        '\\"type\\":\\"TYPE_CONSULTATION\\",'
        '\\"received\\":{\\"year\\":2020,\\"month\\":9,'
        '\\"day\\":30}}"',
    # Working days and cases: dates, and "" for the optional texts.
    ("const char*", "date"): '"2020-09-30"',
    ("const char*", "from"): '"2020-09-01"',
    ("const char*", "to"): '"2020-09-30"',
    ("const char*", "at"): '"2020-10-09"',
    ("const char*", "as_of"): '""',
    ("const char*", "filter"): '""',
    ("const char*", "calendar"): '""',
    ("const char*", "rules"): '""',
    ("const char*", "referred_to"): '""',
    ("const char*", "path"): "f.path",
    # Reports: a valid spec and period (qiaolian_report*).
    ("const char*", "spec"): ('"sections { id: \\"s\\" figures { id: \\"x\\" '
                              'label_zh: \\"{value}\\" query: \\"enterprise\\" '
                              'period: ALL_TIME aggregate: COUNT_RECORDS } }"'),
    ("const char*", "from"): '"2020-01-01"',
    ("const char*", "to"): '"2020-12-31"',
    ("const char*", "compare_from"): '"2019-01-01"',
    ("const char*", "compare_to"): '"2019-12-31"',
    ("const char*", "format"): '"json"',
    ("const char*", "figure"): '"x"',
    ("const char*", "text"): "f.query",
    ("const char*", "actor"): '"null-test"',
    ("const char*", "cursor"): '"not-a-page-token"',
    ("const char*", None): '"null-test"',
    ("qiaolian_db_t*", None): "f.db",
    ("qiaolian_cursor_t*", None): "f.cursor",
    ("qiaolian_options_t*", None): "f.options",
    ("const qiaolian_options_t*", None): "f.options",
    ("qiaolian_write_options_t*", None): "f.write_options",
    ("const qiaolian_write_options_t*", None): "f.write_options",
    ("qiaolian_query_options_t*", None): "f.query_options",
    ("const qiaolian_query_options_t*", None): "f.query_options",
    ("qiaolian_import_options_t*", None): "f.import_options",
    ("const qiaolian_import_options_t*", None): "f.import_options",
    ("qiaolian_read_options_t*", None): "f.read_options",
    ("const qiaolian_read_options_t*", None): "f.read_options",
    ("qiaolian_export_options_t*", None): "f.export_options",
    ("const qiaolian_export_options_t*", None): "f.export_options",
    ("qiaolian_progress_fn", None): "null_test_progress",
    ("qiaolian_db_t**", None): "&f.out_db",
    ("qiaolian_cursor_t**", None): "&f.out_cursor",
    ("char**", "errmsg"): "&f.err",
    ("char**", None): "&f.out_text",
    ("uint8_t**", None): "&f.out_bytes",
    ("const uint8_t**", None): "&f.borrowed_bytes",
    ("const char**", None): "&f.borrowed_text",
    ("size_t*", None): "&f.out_size",
    ("uint64_t*", None): "&f.out_u64",
    ("int64_t*", None): "&f.out_i64",
    ("int*", None): "&f.out_int",
    ("void*", None): "f.owned",
}

# Valid values for scalar parameters, by name, then by type.
SCALAR_VALUES = {
    ("int", "kind"): "QIAOLIAN_KIND_ENTERPRISE",
    ("int", "format"): "QIAOLIAN_FORMAT_JSON",
    ("int", "code"): "QIAOLIAN_NOT_FOUND",
    ("uint64_t", "id"): "f.id",
    ("uint64_t", "expected_revision"): "0",
    ("uint64_t", "bytes"): "(uint64_t)1 << 20",
    ("uint64_t", "page_size"): "2",
    # Merge: the fixture's enterprise and a missing one (NOT_FOUND).
    ("uint64_t", "survivor"): "f.id",
    ("uint64_t", "merged"): "f.id + 1000",
    ("int", None): "1",
    ("uint64_t", None): "1",
    ("int64_t", None): "0",
    ("size_t", None): "1",
}

FIXTURE = r"""
/* Everything a call may need, fresh for each call: a store record of its
 * own (id, JSON at its current revision), a cursor standing on that record,
 * option objects, a directory for qiaolian_open, and output variables. */
typedef struct {
  qiaolian_db_t* db;
  uint64_t id;
  char record_json[4096];
  char new_json[128];
  char query[128];
  char path[512];
  qiaolian_cursor_t* cursor;
  qiaolian_options_t* options;
  qiaolian_write_options_t* write_options;
  qiaolian_query_options_t* query_options;
  qiaolian_import_options_t* import_options;
  qiaolian_read_options_t* read_options;
  qiaolian_export_options_t* export_options;
  qiaolian_db_t* out_db;
  qiaolian_cursor_t* out_cursor;
  char* out_text;
  uint8_t* out_bytes;
  const uint8_t* borrowed_bytes;
  const char* borrowed_text;
  size_t out_size;
  uint64_t out_u64;
  int64_t out_i64;
  int out_int;
  void* owned;
  char* err;
} Fixture;

static char g_root[256];
static char g_import_csv[300]; /* A small CSV for qiaolian_import. */
static qiaolian_db_t* g_db;
static int g_serial;
static int g_checks;
static int g_failures;

#define FAIL(...)                                       \
  do {                                                  \
    ++g_failures;                                       \
    fprintf(stderr, "%s:%d: ", __FILE__, __LINE__);     \
    fprintf(stderr, __VA_ARGS__);                       \
    fputc('\n', stderr);                                \
  } while (0)

/* A progress callback (qiaolian_progress_fn). */
static void null_test_progress(void* user_data, uint64_t rows, uint64_t bytes,
                               uint64_t total_bytes) {
  (void)user_data;
  (void)rows;
  (void)bytes;
  (void)total_bytes;
}

static void die(const char* what, int rc, char* err) {
  fprintf(stderr, "fixture: %s: %s (%d): %s\n", what, qiaolian_code_name(rc),
          rc, err != NULL ? err : "");
  exit(2);
}

static void fixture_init(Fixture* f) {
  char* err = NULL;
  uint8_t* out = NULL;
  size_t len = 0;
  int rc;
  int serial = ++g_serial;
  memset(f, 0, sizeof *f);
  f->db = g_db;
  snprintf(f->new_json, sizeof f->new_json,
           "{\"name\":\"null-test %d\",\"tags\":[\"null-test\"]}", serial);
  rc = qiaolian_create(g_db, NULL, QIAOLIAN_KIND_ENTERPRISE,
                       QIAOLIAN_FORMAT_JSON, (const uint8_t*)f->new_json,
                       strlen(f->new_json), &f->id, &err);
  if (rc != QIAOLIAN_OK) die("create", rc, err);
  rc = qiaolian_get(g_db, QIAOLIAN_KIND_ENTERPRISE, f->id,
                    QIAOLIAN_FORMAT_JSON, &out, &len, &err);
  if (rc != QIAOLIAN_OK || len >= sizeof f->record_json) {
    die("get", rc, err);
  }
  memcpy(f->record_json, out, len + 1);
  qiaolian_free(out);
  /* The same name again, for calls that create. */
  snprintf(f->query, sizeof f->query,
           "enterprise where name = \"null-test %d\"", serial);
  rc = qiaolian_query(g_db, f->query, strlen(f->query), NULL,
                      QIAOLIAN_FORMAT_JSON, &f->cursor, &err);
  if (rc != QIAOLIAN_OK) die("query", rc, err);
  rc = qiaolian_cursor_next(f->cursor, &err);
  if (rc != QIAOLIAN_ROW) die("cursor_next", rc, err);
  snprintf(f->path, sizeof f->path, "%s/open-%d", g_root, serial);
  f->options = qiaolian_options_create();
  f->write_options = qiaolian_write_options_create();
  f->query_options = qiaolian_query_options_create();
  f->import_options = qiaolian_import_options_create();
  f->read_options = qiaolian_read_options_create();
  f->export_options = qiaolian_export_options_create();
  if (f->options == NULL || f->write_options == NULL ||
      f->query_options == NULL || f->import_options == NULL ||
      f->read_options == NULL || f->export_options == NULL) {
    die("options", 0, NULL);
  }
  /* Imports with these options write nothing to the shared store. */
  rc = qiaolian_import_options_set_dry_run(f->import_options, 1);
  if (rc != QIAOLIAN_OK) die("import options", rc, NULL);
  rc = qiaolian_schema(&out, &len, &err);
  if (rc != QIAOLIAN_OK) die("schema", rc, err);
  f->owned = out;
}

static void fixture_done(Fixture* f) {
  qiaolian_cursor_destroy(f->cursor);
  qiaolian_cursor_destroy(f->out_cursor);
  qiaolian_close(f->out_db);
  qiaolian_options_destroy(f->options);
  qiaolian_write_options_destroy(f->write_options);
  qiaolian_query_options_destroy(f->query_options);
  qiaolian_import_options_destroy(f->import_options);
  qiaolian_read_options_destroy(f->read_options);
  qiaolian_export_options_destroy(f->export_options);
  qiaolian_free(f->out_text);
  qiaolian_free(f->out_bytes);
  qiaolian_free(f->owned);
  qiaolian_free(f->err);
}

/* A NULL `param` of `fn` must be INVALID_ARGUMENT, with a message naming
 * it when the function has an errmsg. */
static void expect_invalid(const char* fn, const char* param, int rc,
                           int has_errmsg, const char* err) {
  ++g_checks;
  if (rc != QIAOLIAN_INVALID_ARGUMENT) {
    FAIL("%s(%s = NULL) returned %s (%d), want INVALID_ARGUMENT: %s", fn,
         param, qiaolian_code_name(rc), rc, err != NULL ? err : "");
  } else if (has_errmsg && (err == NULL || strstr(err, param) == NULL)) {
    FAIL("%s(%s = NULL): message \"%s\" does not name %s", fn, param,
         err != NULL ? err : "(none)", param);
  }
}

/* A NULL the header accepts: the same result as the control call. */
static void expect_accepted(const char* fn, const char* param, int rc,
                            int control) {
  ++g_checks;
  if (rc != control) {
    FAIL("%s(%s = NULL) returned %s (%d), want %s (%d) as with a valid %s",
         fn, param, qiaolian_code_name(rc), rc, qiaolian_code_name(control),
         control, param);
  }
}

/* The control call, all arguments valid: not INVALID_ARGUMENT. */
static void expect_control(const char* fn, int rc, const char* err) {
  ++g_checks;
  if (rc == QIAOLIAN_INVALID_ARGUMENT) {
    FAIL("%s with valid arguments returned INVALID_ARGUMENT: %s (fix the "
         "valid values in gen_null_test.py)",
         fn, err != NULL ? err : "");
  }
}
"""

MAIN_HEAD = r"""
int main(void) {
  char path[300];
  char* err = NULL;
  int rc;
  const char* base = getenv("TMPDIR");
  snprintf(g_root, sizeof g_root, "%s/qiaolian-null-test.XXXXXX",
           base != NULL && base[0] != '\0' ? base : "/tmp");
  if (mkdtemp(g_root) == NULL) {
    perror("mkdtemp");
    return 2;
  }
  snprintf(path, sizeof path, "%s/db", g_root);
  rc = qiaolian_open(path, NULL, &g_db, &err);
  if (rc != QIAOLIAN_OK) die("open", rc, err);
  snprintf(g_import_csv, sizeof g_import_csv, "%s/import.csv", g_root);
  {
    FILE* csv = fopen(g_import_csv, "w");
    if (csv == NULL) {
      perror(g_import_csv);
      return 2;
    }
    fputs("name,uscc\nnull-test import,91320413723588143D\n", csv);
    fclose(csv);
  }
"""

MAIN_TAIL = r"""
  qiaolian_close(g_db);
  {
    char cmd[400];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_root);
    if (system(cmd) != 0) fprintf(stderr, "cannot remove %s\n", g_root);
  }
  printf("c_api_null_test: %d functions, %d NULL calls, %d checks, "
         "%d failures\n", FUNCTIONS, NULL_CALLS, g_checks, g_failures);
  return g_failures == 0 ? 0 : 1;
}
"""


class Param:
    def __init__(self, ctype, name):
        self.ctype = ctype
        self.name = name

    @property
    def is_pointer(self):
        return "*" in self.ctype or self.ctype in FUNCTION_POINTER_TYPES


class Function:
    def __init__(self, ret, name, params):
        self.ret = ret
        self.name = name
        self.params = params


def normalize_type(t):
    t = re.sub(r"\s+", " ", t).strip()
    t = re.sub(r"\s*\*\s*", "*", t)
    return t


def parse_header(text):
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = re.sub(r"//[^\n]*", " ", text)
    text = re.sub(r"^\s*#.*$", " ", text, flags=re.M)
    functions = []
    for m in re.finditer(
        r"QIAOLIAN_EXPORT\s+([^;(]*?)\b(qiaolian_\w+)\s*\(([^)]*)\)\s*;", text
    ):
        ret = normalize_type(m.group(1))
        name = m.group(2)
        params = []
        body = m.group(3).strip()
        if body != "void":
            for p in body.split(","):
                p = re.sub(r"\s+", " ", p).strip()
                pm = re.match(r"^(.*?)(\w+)$", p)
                if not pm or not pm.group(1).strip():
                    sys.exit(f"gen_null_test: cannot parse parameter '{p}' "
                             f"of {name}")
                params.append(Param(normalize_type(pm.group(1)), pm.group(2)))
        functions.append(Function(ret, name, params))
    exported = len(re.findall(r"QIAOLIAN_EXPORT\s", text))
    # The #define of QIAOLIAN_EXPORT itself is gone with the # lines.
    if exported != len(functions):
        sys.exit(f"gen_null_test: {exported} QIAOLIAN_EXPORT declarations "
                 f"but only {len(functions)} parsed prototypes")
    return functions


def pointer_value(fn, p):
    for key in ((fn.name, p.name), (p.ctype, p.name), (p.ctype, None)):
        if key in POINTER_VALUES:
            return POINTER_VALUES[key]
    sys.exit(f"gen_null_test: no valid value for parameter '{p.ctype} "
             f"{p.name}' of {fn.name}: add one to POINTER_VALUES")


def scalar_value(fn, i):
    p = fn.params[i]
    if p.ctype == "size_t" and i > 0:
        prev = fn.params[i - 1]
        if prev.ctype in ("const char*", "const uint8_t*"):
            # The length of the text or bytes before it (also when that
            # pointer is the NULL one: NULL with a length is the misuse).
            return f"strlen((const char*){pointer_value(fn, prev)})"
    for key in ((p.ctype, p.name), (p.ctype, None)):
        if key in SCALAR_VALUES:
            return SCALAR_VALUES[key]
    sys.exit(f"gen_null_test: no valid value for parameter '{p.ctype} "
             f"{p.name}' of {fn.name}: add one to SCALAR_VALUES")


def call(fn, null_index):
    args = []
    for i, p in enumerate(fn.params):
        if i == null_index:
            args.append("NULL")
        elif p.is_pointer:
            args.append(pointer_value(fn, p))
        else:
            args.append(scalar_value(fn, i))
    return f"{fn.name}({', '.join(args)})"


def accepted(fn, p):
    return (fn.name, p.name) in NULL_ACCEPTED or ("*", p.name) in NULL_ACCEPTED


def generate(functions):
    out = []
    null_calls = 0
    for fn in functions:
        pointers = [i for i, p in enumerate(fn.params) if p.is_pointer]
        sig = ", ".join(f"{p.ctype} {p.name}" for p in fn.params) or "void"
        out.append(f"\n  /* {fn.ret} {fn.name}({sig}) */")
        if not pointers:
            out.append("  /* No pointer parameters. */")
            continue
        has_errmsg = any(p.name == "errmsg" for p in fn.params)
        if fn.ret == "int":
            out.append(f"  int control_{fn.name};")
            out.append("  {")
            out.append("    Fixture f;")
            out.append("    fixture_init(&f);")
            out.append(f"    control_{fn.name} = {call(fn, None)};")
            out.append(f'    expect_control("{fn.name}", control_{fn.name}, '
                       f"f.err);")
            out.append("    fixture_done(&f);")
            out.append("  }")
        for i in pointers:
            p = fn.params[i]
            null_calls += 1
            out.append("  {")
            out.append("    Fixture f;")
            out.append("    fixture_init(&f);")
            if fn.ret == "int":
                out.append(f"    rc = {call(fn, i)};")
                if accepted(fn, p):
                    out.append(f'    expect_accepted("{fn.name}", "{p.name}", '
                               f"rc, control_{fn.name});")
                else:
                    out.append(f'    expect_invalid("{fn.name}", "{p.name}", '
                               f"rc, {int(has_errmsg)}, f.err);")
            elif fn.ret == "void":
                out.append(f"    {call(fn, i)};  /* must not crash */")
                out.append("    ++g_checks;")
            else:
                out.append(f"    (void){call(fn, i)};  /* must not crash */")
                out.append("    ++g_checks;")
            out.append("    fixture_done(&f);")
            out.append("  }")
    return out, null_calls


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--list":
        # One exported function name a line (for tests/capi/abi_check.sh).
        with open(sys.argv[2], encoding="utf-8") as f:
            for fn in parse_header(f.read()):
                print(fn.name)
        return
    if len(sys.argv) != 3:
        sys.exit("usage: gen_null_test.py C_H OUTPUT_C | --list C_H")
    with open(sys.argv[1], encoding="utf-8") as f:
        functions = parse_header(f.read())
    if not functions:
        sys.exit("gen_null_test: no QIAOLIAN_EXPORT prototypes found")
    body, null_calls = generate(functions)
    text = [
        "/* GENERATED by tests/capi/gen_null_test.py from include/qiaolian/c.h:",
        " * do not edit. Calls every C API function once per pointer parameter",
        " * with that parameter NULL (c.h convention 7). */",
        "#define _XOPEN_SOURCE 700 /* mkdtemp */",
        "",
        "#include <stdint.h>",
        "#include <stdio.h>",
        "#include <stdlib.h>",
        "#include <string.h>",
        "",
        '#include "qiaolian/c.h"',
        "",
        f"#define FUNCTIONS {len(functions)}",
        f"#define NULL_CALLS {null_calls}",
        FIXTURE,
        MAIN_HEAD,
        *body,
        MAIN_TAIL,
    ]
    with open(sys.argv[2], "w", encoding="utf-8") as f:
        f.write("\n".join(text))


if __name__ == "__main__":
    main()
