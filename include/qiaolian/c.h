/* qiaolian C API: the stable ABI for host programs and language bindings.
 *
 * Conventions (read these first):
 *  1. Every function is prefixed qiaolian_. Handles are opaque typed
 *     pointers (qiaolian_db_t*, qiaolian_cursor_t*, ...), never void*.
 *  2. Every fallible call returns an int: QIAOLIAN_OK (0) or an error code
 *     numbered like absl::StatusCode (QIAOLIAN_INVALID_ARGUMENT 3, ...).
 *     Its last parameter is `char** errmsg`, which may be NULL. On failure,
 *     when errmsg is not NULL, *errmsg receives a NUL-terminated UTF-8
 *     message allocated by the library (free it with qiaolian_free()); on
 *     success *errmsg is set to NULL. There is no per-handle "last error".
 *  3. Inputs come first, outputs last. Bytes are (const uint8_t* data,
 *     size_t len); text is UTF-8 (const char* text, size_t len), not
 *     necessarily NUL-terminated. Owned results are (uint8_t** out,
 *     size_t* out_len) or (char** out, size_t* out_len): the caller frees
 *     *out with qiaolian_free(); text results are also NUL-terminated.
 *     Borrowed results are valid until the next call on the same object;
 *     each function says which kind it returns.
 *  4. Iteration: qiaolian_query() -> qiaolian_cursor_next() returning
 *     QIAOLIAN_ROW (100) or QIAOLIAN_DONE (101) -> qiaolian_cursor_destroy().
 *  5. Destructors return void and accept NULL. Options are opaque objects
 *     with setters, so new options never change the ABI. Booleans are int.
 *     No structs by value, enums or varargs in signatures.
 *  6. A qiaolian_db_t is thread-safe: any number of threads may use one
 *     handle at once. Cursors and option objects are not: use each from one
 *     thread at a time.
 *  7. A NULL pointer where an object or output is required is
 *     QIAOLIAN_INVALID_ARGUMENT, never a crash. Using a db handle after
 *     qiaolian_close(), or a cursor after its db was closed, is
 *     QIAOLIAN_FAILED_PRECONDITION; closing twice is harmless (closed
 *     handles keep a few bytes as a tombstone so misuse stays detectable).
 *  8. No exception or C++ type ever crosses this boundary.
 *  9. Versions: QIAOLIAN_VERSION / QIAOLIAN_VERSION_NUMBER at compile time,
 *     qiaolian_version() / qiaolian_version_number() at run time. The ABI
 *     only grows: a changed meaning gets a new name (_v2).
 *
 * Records cross as serialized protobuf (QIAOLIAN_FORMAT_PROTO, the messages
 * of proto/qiaolian/v1; qiaolian_schema() gives their descriptors) or as JSON
 * in protobuf's canonical JSON mapping (QIAOLIAN_FORMAT_JSON).
 *
 * Callbacks: the only call into the host is the progress callback of
 * qiaolian_import() (qiaolian_progress_fn). It runs on the thread that
 * called qiaolian_import(), while that call holds the db; it must not call
 * qiaolian functions on the same db, and it must return normally (it cannot
 * raise an error into the library or stop the import).
 *
 * Not supported: custom comparators or index declarations, transactions
 * spanning several calls, callbacks other than import progress, opening one
 * store from two handles or processes at once (the second gets
 * QIAOLIAN_UNAVAILABLE).
 */
#ifndef QIAOLIAN_C_H_
#define QIAOLIAN_C_H_

#include <stddef.h>
#include <stdint.h>

#include "qiaolian/version.h"

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define QIAOLIAN_EXPORT __attribute__((visibility("default")))
#else
#define QIAOLIAN_EXPORT
#endif

/* ---- Result codes (numbered like absl::StatusCode). */
#define QIAOLIAN_OK 0
#define QIAOLIAN_CANCELLED 1
#define QIAOLIAN_UNKNOWN 2
#define QIAOLIAN_INVALID_ARGUMENT 3 /* bad input: the message names it */
#define QIAOLIAN_DEADLINE_EXCEEDED 4
#define QIAOLIAN_NOT_FOUND 5      /* no such record or store */
#define QIAOLIAN_ALREADY_EXISTS 6 /* a unique value is taken */
#define QIAOLIAN_PERMISSION_DENIED 7
#define QIAOLIAN_RESOURCE_EXHAUSTED 8  /* input too large */
#define QIAOLIAN_FAILED_PRECONDITION 9 /* dangling ref, read-only, closed */
#define QIAOLIAN_ABORTED 10            /* revision conflict */
#define QIAOLIAN_OUT_OF_RANGE 11
#define QIAOLIAN_UNIMPLEMENTED 12
#define QIAOLIAN_INTERNAL 13    /* a bug in qiaolian */
#define QIAOLIAN_UNAVAILABLE 14 /* store in use, or I/O error */
#define QIAOLIAN_DATA_LOSS 15   /* corruption */
/* Cursor steps. */
#define QIAOLIAN_ROW 100
#define QIAOLIAN_DONE 101

/* ---- Record kinds (qiaolian.v1.Kind). */
#define QIAOLIAN_KIND_PERSON 1
#define QIAOLIAN_KIND_ENTERPRISE 2
#define QIAOLIAN_KIND_CASE 3
#define QIAOLIAN_KIND_DONATION 4
#define QIAOLIAN_KIND_EVENT 5

/* ---- Record formats. */
#define QIAOLIAN_FORMAT_PROTO 0 /* serialized protobuf bytes */
#define QIAOLIAN_FORMAT_JSON 1  /* canonical JSON mapping, UTF-8 */

/* Largest record accepted (bytes) and largest query text. */
#define QIAOLIAN_MAX_RECORD_BYTES (16u << 20)
#define QIAOLIAN_MAX_QUERY_BYTES (64u << 10)

typedef struct qiaolian_db_t qiaolian_db_t;
typedef struct qiaolian_options_t qiaolian_options_t;
typedef struct qiaolian_write_options_t qiaolian_write_options_t;
typedef struct qiaolian_query_options_t qiaolian_query_options_t;
typedef struct qiaolian_cursor_t qiaolian_cursor_t;
typedef struct qiaolian_import_options_t qiaolian_import_options_t;
/* Import progress: rows read so far, bytes of the file consumed so far, the
 * file's size (0 if unknown). See "Callbacks" above. */
typedef void (*qiaolian_progress_fn)(void* user_data, uint64_t rows,
                                     uint64_t bytes, uint64_t total_bytes);

/* ---- Library. */

/* "0.1.0": static storage, never freed. */
QIAOLIAN_EXPORT const char* qiaolian_version(void);
/* MAJOR * 1000000 + MINOR * 1000 + PATCH, as QIAOLIAN_VERSION_NUMBER. */
QIAOLIAN_EXPORT int qiaolian_version_number(void);
/* Frees anything the library returned as owned (errmsg, out buffers).
 * Accepts NULL. */
QIAOLIAN_EXPORT void qiaolian_free(void* p);
/* "OK", "NOT_FOUND", "ROW", ...; "UNKNOWN_CODE" otherwise. Static. */
QIAOLIAN_EXPORT const char* qiaolian_code_name(int code);
/* "person" ... "event"; NULL for other values. Static. */
QIAOLIAN_EXPORT const char* qiaolian_kind_name(int kind);
/* The schema as a serialized google.protobuf.FileDescriptorSet (every
 * record message and what it imports), so bindings can decode records
 * without generated code. Owned: free *out with qiaolian_free(). */
QIAOLIAN_EXPORT int qiaolian_schema(uint8_t** out, size_t* out_len,
                                    char** errmsg);

/* ---- Open options. Defaults: create_if_missing 1, read_only 0, sync 0,
 * cache 8 MiB. Setters return QIAOLIAN_INVALID_ARGUMENT when `options` is
 * NULL, else QIAOLIAN_OK. */
QIAOLIAN_EXPORT qiaolian_options_t* qiaolian_options_create(void);
QIAOLIAN_EXPORT void qiaolian_options_destroy(qiaolian_options_t* options);
QIAOLIAN_EXPORT int qiaolian_options_set_create_if_missing(
    qiaolian_options_t* options, int value);
QIAOLIAN_EXPORT int qiaolian_options_set_read_only(qiaolian_options_t* options,
                                                   int value);
/* Default for every write: wait until it reaches the disk. */
QIAOLIAN_EXPORT int qiaolian_options_set_sync(qiaolian_options_t* options,
                                              int value);
QIAOLIAN_EXPORT int qiaolian_options_set_cache_bytes(
    qiaolian_options_t* options, uint64_t bytes);
/* LevelDB's memtable (StoreOptions::write_buffer_bytes, default 4 MiB; up
 * to twice this is held in memory). A larger one saves a little CPU on big
 * imports (docs/import.md, "Speed and memory"). LevelDB clamps the value to
 * 64 KiB..1 GiB. */
QIAOLIAN_EXPORT int qiaolian_options_set_write_buffer_bytes(
    qiaolian_options_t* options, uint64_t bytes);
/* 1 (default): read table files through memory maps (fastest reads); 0:
 * with pread into heap buffers, so that the process's resident memory stays
 * bounded whatever the store's size (StoreOptions::map_tables; the CLI's
 * import uses 0). */
QIAOLIAN_EXPORT int qiaolian_options_set_map_tables(qiaolian_options_t* options,
                                                    int value);
/* Memory that keeps the blocks searches read from mapped table files, so
 * that a later search reads them with no system call
 * (StoreOptions::search_cache_bytes, default 32 MiB; under 2 MiB: none).
 * Taken at open by the warm-up (qiaolian_options_set_warm_up_in_background)
 * or, without it, as searches read blocks, in 2 MiB huge pages where the
 * kernel offers them; a file's part is used again as it closes
 * (docs/ARCHITECTURE.md, "Search blocks kept"). */
QIAOLIAN_EXPORT int qiaolian_options_set_search_cache_bytes(
    qiaolian_options_t* options, uint64_t bytes);
/* 1 (default): right after qiaolian_open returns, a thread of the store's
 * own loads the text data of searches (ICU, OpenCC, the surname tables of
 * pinyin: about 20 ms), takes the memory of
 * qiaolian_options_set_search_cache_bytes and opens the store's
 * table files (at most 900, upper levels first), so that the first search
 * or get does not pay for any of it: about 0.3 ms a table, up to a few ms a
 * 2 MiB chunk of memory (StoreOptions::warm_up_in_background;
 * docs/search.md). 0: the reads that need them do it, as a process that
 * opens a store for one command wants (the CLI does). Only for mapped
 * tables (qiaolian_options_set_map_tables 1); qiaolian_close stops it. */
QIAOLIAN_EXPORT int qiaolian_options_set_warm_up_in_background(
    qiaolian_options_t* options, int value);
/* How many bytes of the tables that hold the search indexes the warm-up
 * then maps into memory, whole tables, the indexes most searches read first
 * (StoreOptions::warm_up_search_bytes, default 512 MiB; 0: none): the first
 * searches read them in place, with no system call. Where the kernel offers
 * transparent huge pages, a table of 2 MiB or more is copied onto huge pages:
 * memory the process holds until the store closes, which the kernel cannot
 * take back; else the pages are the page cache's, counted in the process's
 * resident size (docs/search.md). */
QIAOLIAN_EXPORT int qiaolian_options_set_warm_up_search_bytes(
    qiaolian_options_t* options, uint64_t bytes);
/* Encryption at rest of sensitive fields (docs/privacy.md): `key` is the
 * host's 32-byte data key (raw bytes, copied; never stored in the store).
 * A store created with a key keeps identity document numbers, contacts and
 * personal addresses encrypted (AES-256-GCM) in rows and history and keyed
 * hashes in their indexes: equality queries on them use the index; range,
 * prefix, order by and group by on them are INVALID_ARGUMENT. Reads return
 * plaintext. qiaolian_open then fails with FAILED_PRECONDITION without the
 * key (or for a store created without encryption that holds records) and
 * PERMISSION_DENIED with another key. `key_len` 0 turns encryption off.
 * INVALID_ARGUMENT when `options` is NULL, `key_len` is neither 0 nor 32,
 * or `key` is NULL with `key_len` 32. Lose the key and the values are
 * gone. */
QIAOLIAN_EXPORT int qiaolian_options_set_encryption_key(
    qiaolian_options_t* options, const uint8_t* key, size_t key_len);

/* ---- Opening and closing. */

/* Opens (or creates) the store in directory `path` (NUL-terminated).
 * `options` may be NULL for defaults. On success *db is a new handle.
 * Errors: NOT_FOUND (no store, not allowed to create), FAILED_PRECONDITION
 * (not a store; a store of a newer version), UNAVAILABLE (in use). */
QIAOLIAN_EXPORT int qiaolian_open(const char* path,
                                  const qiaolian_options_t* options,
                                  qiaolian_db_t** db, char** errmsg);
/* Closes the store and releases its lock. Accepts NULL and closed handles.
 * Waits for calls in progress on other threads to finish. */
QIAOLIAN_EXPORT void qiaolian_close(qiaolian_db_t* db);

/* ---- Write options (actor, sync). NULL where accepted means defaults. */
QIAOLIAN_EXPORT qiaolian_write_options_t* qiaolian_write_options_create(void);
QIAOLIAN_EXPORT void qiaolian_write_options_destroy(
    qiaolian_write_options_t* options);
/* Who makes the change (kept in meta and history); copied. */
QIAOLIAN_EXPORT int qiaolian_write_options_set_actor(
    qiaolian_write_options_t* options, const char* actor, size_t actor_len);
/* -1: the store's default; 0: no; 1: wait for the disk. */
QIAOLIAN_EXPORT int qiaolian_write_options_set_sync(
    qiaolian_write_options_t* options, int value);

/* ---- Records. `kind` is a QIAOLIAN_KIND_*, `format` a QIAOLIAN_FORMAT_*. */

/* Validates and creates one record (meta must be unset). On success *id is
 * its new id. INVALID_ARGUMENT names the bad field; FAILED_PRECONDITION a
 * dangling reference; ALREADY_EXISTS a taken unique value. */
QIAOLIAN_EXPORT int qiaolian_create(qiaolian_db_t* db,
                                    const qiaolian_write_options_t* options,
                                    int kind, int format, const uint8_t* data,
                                    size_t len, uint64_t* id, char** errmsg);
/* Creates one record of `kind` from fields given as a JSON object of names
 * and values, as a file's header and cells are read on import
 * (docs/import.md): {"活动类型":"走访企业","日期":"2020-05-06",
 * "participants.ref":"enterprise:常州三久制造有限公司"} — names are headers
 * (活动类型, 企业名称) or field paths, values are normalised (dates, capital,
 * codes, labels), references may name their record. Values are strings
 * (numbers and booleans are taken as their text). On success *id is the new
 * id and, when warnings_json is not NULL, *warnings_json a JSON array of the
 * values taken with a doubt (owned: qiaolian_free()). INVALID_ARGUMENT names
 * the field: a name that maps to no field, a value that cannot be read, a
 * reference by a name no record or several records have. */
QIAOLIAN_EXPORT int qiaolian_add(qiaolian_db_t* db,
                                 const qiaolian_write_options_t* options,
                                 int kind, const char* fields_json, size_t len,
                                 uint64_t* id, char** warnings_json,
                                 size_t* warnings_len, char** errmsg);
/* Changes the fields of record `id` that `fields_json` names (read as
 * qiaolian_add reads them), as an import in update mode would: each field
 * given replaces the record's; the others stay. *revision is the record's
 * revision afterwards (unchanged when nothing changed: nothing is written
 * then). NOT_FOUND without the record; INVALID_ARGUMENT names the field. */
QIAOLIAN_EXPORT int qiaolian_set(qiaolian_db_t* db,
                                 const qiaolian_write_options_t* options,
                                 int kind, uint64_t id, const char* fields_json,
                                 size_t len, uint64_t* revision, char** errmsg);
/* Reads record `id`. Owned: free *out with qiaolian_free(). JSON output is
 * NUL-terminated (not counted in *out_len). */
QIAOLIAN_EXPORT int qiaolian_get(qiaolian_db_t* db, int kind, uint64_t id,
                                 int format, uint8_t** out, size_t* out_len,
                                 char** errmsg);
/* Replaces the record meta.id with `data`, whose meta.revision must be the
 * revision the change was based on (else ABORTED, nothing written). On
 * success *new_revision (may be NULL) is the stored revision. */
QIAOLIAN_EXPORT int qiaolian_update(qiaolian_db_t* db,
                                    const qiaolian_write_options_t* options,
                                    int kind, int format, const uint8_t* data,
                                    size_t len, uint64_t* new_revision,
                                    char** errmsg);
/* Deletes record `id`; if expected_revision != 0 it must match (else
 * ABORTED). FAILED_PRECONDITION when another record refers to it. */
QIAOLIAN_EXPORT int qiaolian_delete(qiaolian_db_t* db,
                                    const qiaolian_write_options_t* options,
                                    int kind, uint64_t id,
                                    uint64_t expected_revision, char** errmsg);
/* Number of records of `kind`. */
QIAOLIAN_EXPORT int qiaolian_count(qiaolian_db_t* db, int kind, uint64_t* count,
                                   char** errmsg);

/* ---- Queries (docs/queries.md). */

/* Query options: allow_scan (int), page_size (0: every result), and the
 * cursor of a previous page (copied). NULL where accepted: defaults. */
QIAOLIAN_EXPORT qiaolian_query_options_t* qiaolian_query_options_create(void);
QIAOLIAN_EXPORT void qiaolian_query_options_destroy(
    qiaolian_query_options_t* options);
QIAOLIAN_EXPORT int qiaolian_query_options_set_allow_scan(
    qiaolian_query_options_t* options, int value);
QIAOLIAN_EXPORT int qiaolian_query_options_set_page_size(
    qiaolian_query_options_t* options, uint64_t page_size);
QIAOLIAN_EXPORT int qiaolian_query_options_set_cursor(
    qiaolian_query_options_t* options, const char* cursor, size_t len);

/* Starts a row query. Records come in `format`. With a page size, the
 * cursor yields that page only and qiaolian_cursor_page_token() then gives
 * the token for the next page; without, it yields every result (reading
 * ahead in pages internally, each page on its own snapshot). On success
 * *cursor is a new cursor to step and destroy. */
QIAOLIAN_EXPORT int qiaolian_query(qiaolian_db_t* db, const char* text,
                                   size_t text_len,
                                   const qiaolian_query_options_t* options,
                                   int format, qiaolian_cursor_t** cursor,
                                   char** errmsg);
/* Steps: QIAOLIAN_ROW (a record is available), QIAOLIAN_DONE, or an error
 * code. */
QIAOLIAN_EXPORT int qiaolian_cursor_next(qiaolian_cursor_t* cursor,
                                         char** errmsg);
/* The current record (after ROW). Borrowed: valid until the next call on
 * this cursor. JSON is NUL-terminated (not counted in *len). */
QIAOLIAN_EXPORT int qiaolian_cursor_record(qiaolian_cursor_t* cursor,
                                           const uint8_t** data, size_t* len,
                                           char** errmsg);
/* The current record's id (after ROW). */
QIAOLIAN_EXPORT int qiaolian_cursor_id(qiaolian_cursor_t* cursor, uint64_t* id,
                                       char** errmsg);
/* After DONE on a paged query: the token for the next page (pass it to
 * qiaolian_query_options_set_cursor), or an empty string when there are no
 * more. Borrowed: valid until the next call on this cursor. */
QIAOLIAN_EXPORT int qiaolian_cursor_page_token(qiaolian_cursor_t* cursor,
                                               const char** token, size_t* len,
                                               char** errmsg);
QIAOLIAN_EXPORT void qiaolian_cursor_destroy(qiaolian_cursor_t* cursor);

/* Runs an aggregate query (`... group by ... compute ...`) and returns the
 * result as JSON: {"columns":[...],"groups":[{"key","values","ids"}]}.
 * Owned, NUL-terminated: free *json with qiaolian_free(). */
QIAOLIAN_EXPORT int qiaolian_aggregate(qiaolian_db_t* db, const char* text,
                                       size_t text_len,
                                       const qiaolian_query_options_t* options,
                                       char** json, size_t* json_len,
                                       char** errmsg);
/* How the query would run, as text. Owned, NUL-terminated. */
QIAOLIAN_EXPORT int qiaolian_explain(qiaolian_db_t* db, const char* text,
                                     size_t text_len,
                                     const qiaolian_query_options_t* options,
                                     char** out, size_t* out_len,
                                     char** errmsg);

/* ---- Import of CSV, TSV and JSON Lines files (docs/import.md). */

/* Import options. Defaults: kind QIAOLIAN_KIND_ENTERPRISE, format from the
 * file name's extension, encoding "auto", mode "skip", dry_run 0, lenient
 * 0, no reject file, no mapping file, no actor, batches of 1000 records, no
 * progress callback. Text is copied; NULL with length 0 resets it to the
 * default. Setters return QIAOLIAN_INVALID_ARGUMENT when `options` is NULL
 * (or text is NULL with a length), else QIAOLIAN_OK, unless noted. */
QIAOLIAN_EXPORT qiaolian_import_options_t* qiaolian_import_options_create(void);
QIAOLIAN_EXPORT void qiaolian_import_options_destroy(
    qiaolian_import_options_t* options);
/* A QIAOLIAN_KIND_*; checked by qiaolian_import(). */
QIAOLIAN_EXPORT int qiaolian_import_options_set_kind(
    qiaolian_import_options_t* options, int kind);
/* "csv", "tsv" or "jsonl"; empty: from the extension. */
QIAOLIAN_EXPORT int qiaolian_import_options_set_format(
    qiaolian_import_options_t* options, const char* format, size_t format_len);
/* "auto", "utf-8", "gb18030" (also "gbk"), "big5", "utf-16le", "utf-16be"
 * or "windows-1252" (also "latin1"; never detected by "auto"). */
QIAOLIAN_EXPORT int qiaolian_import_options_set_encoding(
    qiaolian_import_options_t* options, const char* encoding,
    size_t encoding_len);
/* For rows matching an existing record: "skip", "update" or "fill-empty".
 * Other values are QIAOLIAN_INVALID_ARGUMENT (the option is unchanged). */
QIAOLIAN_EXPORT int qiaolian_import_options_set_mode(
    qiaolian_import_options_t* options, const char* mode, size_t mode_len);
/* People and enterprises that match no record by natural key but look like
 * one already stored or earlier in the file: "warn" (the default: created,
 * listed in the summary's duplicate_rows), "merge" (merged into it instead)
 * or "off". NULL restores the default. Other values are
 * QIAOLIAN_INVALID_ARGUMENT (the option is unchanged). */
QIAOLIAN_EXPORT int qiaolian_import_options_set_duplicates(
    qiaolian_import_options_t* options, const char* mode, size_t mode_len);
/* Whether the import is a bulk load (docs/import.md, "Bulk load"): "auto"
 * (the default: when the store has no record of the kind or the file is at
 * least 64 MiB), "on" or "off". NULL restores the default. Other values are
 * QIAOLIAN_INVALID_ARGUMENT (the option is unchanged). */
QIAOLIAN_EXPORT int qiaolian_import_options_set_bulk_load(
    qiaolian_import_options_t* options, const char* mode, size_t mode_len);
/* How dates written with the day and month before the year (07/05/2008)
 * are read: "auto" (the default: day first in a file separated by ';',
 * else such a date is rejected as ambiguous), "ymd" (rejected), "dmy" (day
 * first) or "mdy" (month first, as Excel writes them in the United States).
 * Not for JSON Lines. NULL restores the default. Other values are
 * QIAOLIAN_INVALID_ARGUMENT (the option is unchanged).
 * ImportOptions::date_order. */
QIAOLIAN_EXPORT int qiaolian_import_options_set_date_order(
    qiaolian_import_options_t* options, const char* order, size_t order_len);
/* The decimal mark of a CSV or TSV file's numbers: "auto" (the default: a
 * comma in a file separated by ';', else a point), "point" or "comma"
 * (1.234,5 is 1234.5). NULL restores the default. Other values are
 * QIAOLIAN_INVALID_ARGUMENT (the option is unchanged).
 * ImportOptions::decimal_mark. */
QIAOLIAN_EXPORT int qiaolian_import_options_set_decimal_mark(
    qiaolian_import_options_t* options, const char* mark, size_t mark_len);
/* The score (1..100) from which a likely duplicate counts; 0: 60 to warn,
 * 90 to merge. Outside 0..100: QIAOLIAN_INVALID_ARGUMENT. */
QIAOLIAN_EXPORT int qiaolian_import_options_set_duplicate_min_score(
    qiaolian_import_options_t* options, int score);
/* 1: report what would happen, write nothing (the reject file is written). */
QIAOLIAN_EXPORT int qiaolian_import_options_set_dry_run(
    qiaolian_import_options_t* options, int value);
/* 1: accept a USCC whose check character fails, flagged. */
QIAOLIAN_EXPORT int qiaolian_import_options_set_lenient(
    qiaolian_import_options_t* options, int value);
/* 1: the file's record ids (an export's `id` column, JSON Lines meta.id)
 * are this store's: a row with an id updates that record even when nothing
 * else in it agrees (a rename in an `id,name` sheet); 0 (default): such an
 * id is ignored with a warning. ImportOptions::trust_ids. */
QIAOLIAN_EXPORT int qiaolian_import_options_set_trust_ids(
    qiaolian_import_options_t* options, int value);
/* Path of the CSV file rejected rows are written to; empty: none. */
QIAOLIAN_EXPORT int qiaolian_import_options_set_reject_file(
    qiaolian_import_options_t* options, const char* path, size_t path_len);
/* Path of a mapping file (`column = field.path` lines); empty: none. */
QIAOLIAN_EXPORT int qiaolian_import_options_set_mapping_file(
    qiaolian_import_options_t* options, const char* path, size_t path_len);
/* Adds a value for every row that gives none (ImportOptions::values):
 * `field` named as a column header may name it ("type", "事项类型"),
 * `value` written as a cell ("信访"), both UTF-8. An unknown field or a
 * value that does not read fails the import (INVALID_ARGUMENT), naming
 * both. Both NULL (and 0): clears the values added. */
QIAOLIAN_EXPORT int qiaolian_import_options_add_value(
    qiaolian_import_options_t* options, const char* field, size_t field_len,
    const char* value, size_t value_len);
/* Recorded as the actor of every change. */
QIAOLIAN_EXPORT int qiaolian_import_options_set_actor(
    qiaolian_import_options_t* options, const char* actor, size_t actor_len);
/* The line (CSV, TSV) or worksheet row (.xlsx, .xls) of the header; the
 * rows above it (a title) are skipped and listed in the summary's
 * "above_header". 0 (default): the first row, or, when no column of it maps
 * to a field, the first of the first 10 rows in which two or more do.
 * ImportOptions::header_row. */
QIAOLIAN_EXPORT int qiaolian_import_options_set_header_row(
    qiaolian_import_options_t* options, uint64_t line);
/* The worksheet of a workbook (.xlsx, .xls) to read: its name, or else its
 * number (1-based, in the workbook's order); NULL or empty: the first that
 * is not hidden. The summary's "sheet" names the one read; an unknown sheet
 * fails the import, listing the workbook's sheets. ImportOptions::sheet. */
QIAOLIAN_EXPORT int qiaolian_import_options_set_sheet(
    qiaolian_import_options_t* options, const char* sheet, size_t sheet_len);
/* Records per all-or-nothing batch; 0: the default (1000). */
QIAOLIAN_EXPORT int qiaolian_import_options_set_batch_rows(
    qiaolian_import_options_t* options, uint64_t batch_rows);
/* Calls fn(user_data, rows, bytes, total_bytes) every `every_rows` rows
 * (0: every 10000) and once at the end. fn NULL clears the callback;
 * user_data is passed through untouched and may be NULL. */
QIAOLIAN_EXPORT int qiaolian_import_options_set_progress(
    qiaolian_import_options_t* options, qiaolian_progress_fn fn,
    void* user_data, uint64_t every_rows);

/* Imports the file at `path` (NUL-terminated). `options` may be NULL for
 * the defaults. Per-row problems do not fail the call: they are counted in
 * the summary (and written to the reject file). On success *summary_json
 * receives {"file","encoding","dry_run","rows","created","updated",
 * "unchanged","duplicates","rejected","flagged","rejected_by_reason":{},
 * "mapped_columns":{},"ignored_columns":[],"warned","warnings_by_reason":{},
 * "warning_rows":[{"line","warning"}] (the first 1,000), ...};
 * owned, NUL-terminated: free it
 * with qiaolian_free(). Errors: INVALID_ARGUMENT (unknown kind, format or
 * encoding; a bad mapping file; no header; no column maps to a field; a
 * file that is neither UTF-8 nor GB18030), NOT_FOUND or UNAVAILABLE (the
 * file cannot be read), and the store's errors. Runs the progress callback
 * on the calling thread (see "Callbacks" above). */
QIAOLIAN_EXPORT int qiaolian_import(qiaolian_db_t* db, const char* path,
                                    const qiaolian_import_options_t* options,
                                    char** summary_json, size_t* summary_len,
                                    char** errmsg);

/* The worksheets of the workbook at `path` (NUL-terminated; .xlsx, .xlsm or
 * .xls by its name) that are not hidden, in order, as a JSON array of names
 * (["金坛区","溧阳市"]): what qiaolian_import_options_set_sheet() can name,
 * to import each in turn. [] for a text file (CSV, TSV, JSON Lines). Owned,
 * NUL-terminated: free *sheets_json with qiaolian_free(). Errors: NOT_FOUND
 * or UNAVAILABLE (the file cannot be read), INVALID_ARGUMENT (not the
 * workbook its name says). */
QIAOLIAN_EXPORT int qiaolian_workbook_sheets(const char* path,
                                             char** sheets_json,
                                             size_t* sheets_len, char** errmsg);

/* ---- Maintenance. */

/* Checks rows against index entries both ways. *consistent is 1 when no
 * problem was found; *report (may be NULL) receives JSON
 * {"rows":N,"index_entries":N,"unique_entries":N,"problems":[...]}, owned. */
QIAOLIAN_EXPORT int qiaolian_verify(qiaolian_db_t* db, int* consistent,
                                    char** report, size_t* report_len,
                                    char** errmsg);
/* Drops and rebuilds every index. */
QIAOLIAN_EXPORT int qiaolian_reindex(qiaolian_db_t* db, char** errmsg);
/* Full compaction (Store::Compact): packs the search n-gram entries written
 * one record at a time, drops deleted data and makes reads fastest; minutes
 * for a large store. *bytes_before / *bytes_after (each may
 * be NULL) receive the store directory's size before and after.
 * QIAOLIAN_FAILED_PRECONDITION on a read-only store. */
QIAOLIAN_EXPORT int qiaolian_compact(qiaolian_db_t* db, uint64_t* bytes_before,
                                     uint64_t* bytes_after, char** errmsg);

/* ---- Reports (docs/report.md). */

/* Runs the report spec `spec` (text-format protobuf, spec_len bytes, as in
 * examples/jintan-2020/report.textproto) over the store for the days `from`
 * to `to` ("2020-01-01", NUL-terminated, inclusive) on one snapshot, and
 * renders it as `format`: "md", "text", "csv", "json" or "html" (a
 * self-contained page with SVG charts). `english` 0 gives Chinese labels,
 * 1 English. On success *out receives the text, owned, NUL-terminated:
 * free it with qiaolian_free(). Errors: INVALID_ARGUMENT for a bad spec
 * (the message gives <spec>:LINE:COLUMN and what was expected), date or
 * format, or a figure's query the store refuses. A figure that cannot be
 * computed (money in two currencies without a rate) is not an error: the
 * output says why in place of its value. */
QIAOLIAN_EXPORT int qiaolian_report(qiaolian_db_t* db, const char* spec,
                                    size_t spec_len, const char* from,
                                    const char* to, const char* format,
                                    int english, char** out, size_t* out_len,
                                    char** errmsg);
/* Like qiaolian_report, and also runs the spec for the days compare_from to
 * compare_to (e.g. the year before): each figure shows both values and the
 * change. */
QIAOLIAN_EXPORT int qiaolian_report_compare(
    qiaolian_db_t* db, const char* spec, size_t spec_len, const char* from,
    const char* to, const char* compare_from, const char* compare_to,
    const char* format, int english, char** out, size_t* out_len,
    char** errmsg);
/* Lists the records behind figure `figure` (its id in the spec) for the
 * period, read on one snapshot: the query, the aggregate, each record
 * (kind:id, date, title or name), the distinct records of a count distinct.
 * Owned text as above. NOT_FOUND for an unknown figure. */
QIAOLIAN_EXPORT int qiaolian_report_explain(qiaolian_db_t* db, const char* spec,
                                            size_t spec_len, const char* from,
                                            const char* to, const char* figure,
                                            int english, char** out,
                                            size_t* out_len, char** errmsg);
/* ---- Privacy: masking, the audit log, erasure (docs/privacy.md).
 *
 * The fields the schema marks sensitive (identity document numbers,
 * contacts, addresses, birth dates of minors) are masked by qiaolian_read()
 * and, once qiaolian_query_options_set_read_options() was called, by
 * qiaolian_query(). Asking for them unmasked writes one audit entry per
 * record that holds any (who, when, which record and fields; never values)
 * before the values are returned; when that write fails, so does the read.
 * Unmasked reads therefore need a store not opened read-only.
 *
 * Compatibility: qiaolian_get() and qiaolian_query() without read options
 * return records as stored and write no audit entry, as before this section
 * existed. Hosts that show records to people should use the calls below. */

typedef struct qiaolian_read_options_t qiaolian_read_options_t;

/* Read options. Defaults: masked, no actor, no purpose. Text is copied.
 * Setters return QIAOLIAN_INVALID_ARGUMENT when `options` is NULL (or text
 * is NULL with a length), else QIAOLIAN_OK. */
QIAOLIAN_EXPORT qiaolian_read_options_t* qiaolian_read_options_create(void);
QIAOLIAN_EXPORT void qiaolian_read_options_destroy(
    qiaolian_read_options_t* options);
/* 1: show sensitive fields as stored (audited). */
QIAOLIAN_EXPORT int qiaolian_read_options_set_unmasked(
    qiaolian_read_options_t* options, int value);
/* Who reads (kept in the audit entry of an unmasked read). */
QIAOLIAN_EXPORT int qiaolian_read_options_set_actor(
    qiaolian_read_options_t* options, const char* actor, size_t actor_len);
/* Why (kept in the audit entry's note), e.g. "case 12 follow-up". */
QIAOLIAN_EXPORT int qiaolian_read_options_set_purpose(
    qiaolian_read_options_t* options, const char* purpose, size_t purpose_len);

/* Reads record `id` like qiaolian_get(), masked unless `options` (NULL:
 * masked) asks otherwise; then audited. FAILED_PRECONDITION for an
 * unmasked read of a read-only store. Owned: free *out with
 * qiaolian_free(); JSON is NUL-terminated (not counted in *out_len). */
QIAOLIAN_EXPORT int qiaolian_read(qiaolian_db_t* db,
                                  const qiaolian_read_options_t* options,
                                  int kind, uint64_t id, int format,
                                  uint8_t** out, size_t* out_len,
                                  char** errmsg);
/* Makes queries run with these query options mask their records (or audit
 * them, page by page, when unmasked). read_options is copied; NULL restores
 * the default (records as stored). */
QIAOLIAN_EXPORT int qiaolian_query_options_set_read_options(
    qiaolian_query_options_t* options,
    const qiaolian_read_options_t* read_options);
/* Masks a record given as bytes (no store involved). Owned result. */
QIAOLIAN_EXPORT int qiaolian_mask(int kind, int format, const uint8_t* data,
                                  size_t len, uint8_t** out, size_t* out_len,
                                  char** errmsg);

/* The audit log as JSON Lines, one AuditEntry (proto/qiaolian/v1/
 * audit.proto, canonical JSON) per line, oldest first: entries at or after
 * from_unix and before to_unix (seconds since 1970 UTC; 0: unbounded), with
 * seq > after_seq, at most `limit` (0: all). Owned, NUL-terminated. */
QIAOLIAN_EXPORT int qiaolian_audit_list(qiaolian_db_t* db, int64_t from_unix,
                                        int64_t to_unix, uint64_t after_seq,
                                        uint64_t limit, char** json,
                                        size_t* json_len, char** errmsg);
/* Recomputes the audit log's hash chain. *intact is 1 when no entry was
 * altered, removed, inserted or reordered and, if expected_head (hex;
 * NULL: none, whatever the length) is given, some entry has that hash. *report
 * (may be NULL) receives {"entries":N,"last_seq":N,"head":"hex",
 * "problems":[...]}, owned. */
QIAOLIAN_EXPORT int qiaolian_audit_verify(qiaolian_db_t* db,
                                          const char* expected_head,
                                          size_t expected_head_len, int* intact,
                                          char** report, size_t* report_len,
                                          char** errmsg);

/* Erases record `id` of `kind` for good (right to deletion): its row, its
 * history and every index entry it ever had, with one audit entry; then
 * compacts the store so the values leave its files (reopen the store to
 * also refresh LevelDB's MANIFEST, see docs/privacy.md). When other records
 * refer to it: FAILED_PRECONDITION naming them, or with force = 1 the
 * references are removed from them. Works on deleted records too. NOT_FOUND
 * when there is nothing to erase. `options` (may be NULL) gives the actor
 * and sync. *report (may be NULL) receives {"revisions":N,"keys_deleted":N,
 * "stray_entries":N,"was_live":bool,"unlinked":[...],"compaction_ms":N},
 * owned. */
QIAOLIAN_EXPORT int qiaolian_erase(qiaolian_db_t* db,
                                   const qiaolian_write_options_t* options,
                                   int kind, uint64_t id, int force,
                                   char** report, size_t* report_len,
                                   char** errmsg);
/* ---- Export of query results to CSV, JSON Lines and .xlsx files
 * (docs/export.md). */

typedef struct qiaolian_export_options_t qiaolian_export_options_t;

/* Export options. Defaults: format "csv", personal identifiers masked, no
 * BOM, no scan, the default columns of the query's kind. Not thread-safe
 * (convention 6). NULL on out of memory. */
QIAOLIAN_EXPORT qiaolian_export_options_t* qiaolian_export_options_create(void);
QIAOLIAN_EXPORT void qiaolian_export_options_destroy(
    qiaolian_export_options_t* options);
/* "csv", "jsonl" or "xlsx" (INVALID_ARGUMENT otherwise); NULL: "csv". */
QIAOLIAN_EXPORT int qiaolian_export_options_set_format(
    qiaolian_export_options_t* options, const char* format, size_t format_len);
/* 1: write identity document numbers, phones, e-mails, other contact
 * accounts and birth dates as stored. 0 (default): masked. */
QIAOLIAN_EXPORT int qiaolian_export_options_set_unmasked(
    qiaolian_export_options_t* options, int value);
/* 1: start a CSV with a UTF-8 byte-order mark (for Excel); CSV only. */
QIAOLIAN_EXPORT int qiaolian_export_options_set_bom(
    qiaolian_export_options_t* options, int value);
/* 1: read every record of the kind when no index serves the query. */
QIAOLIAN_EXPORT int qiaolian_export_options_set_allow_scan(
    qiaolian_export_options_t* options, int value);
/* 1: write coded values of CSV and xlsx cells as their Chinese labels (男,
 * 华侨) instead of their names (MALE); an import reads either. Not for
 * "jsonl" (qiaolian_export() then fails with INVALID_ARGUMENT). */
QIAOLIAN_EXPORT int qiaolian_export_options_set_labels(
    qiaolian_export_options_t* options, int value);
/* 1: write the header row of CSV and xlsx in Chinese (姓名, 性别,
 * 统一社会信用代码) instead of field paths; an import reads these headers
 * back as the same fields. Not for "jsonl" (qiaolian_export() then fails
 * with INVALID_ARGUMENT). */
QIAOLIAN_EXPORT int qiaolian_export_options_set_chinese_headers(
    qiaolian_export_options_t* options, int value);
/* Appends a column (a field path such as "legal_representative.name", or
 * its Chinese header such as "法定代表人"; "id" is meta.id) for CSV and
 * xlsx; checked by qiaolian_export(). With no column the kind's default
 * columns are written. */
QIAOLIAN_EXPORT int qiaolian_export_options_add_column(
    qiaolian_export_options_t* options, const char* path, size_t path_len);
QIAOLIAN_EXPORT int qiaolian_export_options_clear_columns(
    qiaolian_export_options_t* options);

/* Runs the query (as qiaolian_query(): its order by and limit apply) and
 * writes every record it selects to the file `path` (NUL-terminated), all
 * or nothing: into a temporary file next to it, renamed over `path` only on
 * success. `options` may be NULL for the defaults. *rows (may be NULL)
 * receives the number of records written. Reads pages of 1000 records, so
 * memory stays bounded. Errors: INVALID_ARGUMENT (bad query, format, option
 * combination such as a BOM or columns with "jsonl", unknown column),
 * FAILED_PRECONDITION (no index serves the query and scanning was not
 * allowed; more rows than an .xlsx worksheet holds), UNAVAILABLE (the file
 * cannot be written), RESOURCE_EXHAUSTED (query text over
 * QIAOLIAN_MAX_QUERY_BYTES). */
QIAOLIAN_EXPORT int qiaolian_export(qiaolian_db_t* db, const char* query,
                                    size_t query_len,
                                    const qiaolian_export_options_t* options,
                                    const char* path, uint64_t* rows,
                                    char** errmsg);
/* ---- Working days and the case workflow (docs/calendar.md,
 * docs/cases.md). */

/* Calendars cross as text. `calendar` (calendar_len bytes) holds local
 * statements in the grammar of data/calendar/cn-holidays.txt (closures,
 * extra working days, further `year` lines), applied over the built-in
 * official PRC calendar (2019..2026); "" with length 0 means the official
 * calendar alone. Dates are text "YYYY-MM-DD". A date outside the covered
 * years is QIAOLIAN_OUT_OF_RANGE unless weekends_only is 1 (then Monday to
 * Friday are working days there). The day a count starts from is never
 * counted: the n-th working day after 2020-09-30 for n = 2 is 2020-10-10. */

/* *out_working = 1 if `date` is a working day, else 0. */
QIAOLIAN_EXPORT int qiaolian_calendar_is_working_day(
    const char* calendar, size_t calendar_len, const char* date,
    size_t date_len, int weekends_only, int* out_working, char** errmsg);
/* The n-th working day after `date` (n = 0: `date`), as "YYYY-MM-DD" in
 * *out_date: owned, NUL-terminated, free it with qiaolian_free(). */
QIAOLIAN_EXPORT int qiaolian_calendar_add_working_days(
    const char* calendar, size_t calendar_len, const char* date,
    size_t date_len, uint64_t n, int weekends_only, char** out_date,
    size_t* out_len, char** errmsg);
/* The number of working days in (from, to]; negative when to < from. */
QIAOLIAN_EXPORT int qiaolian_calendar_working_days_between(
    const char* calendar, size_t calendar_len, const char* from,
    size_t from_len, const char* to, size_t to_len, int weekends_only,
    int64_t* out_count, char** errmsg);

/* Registers a new case (a Case record, QIAOLIAN_FORMAT_PROTO or _JSON, with
 * no status or STATUS_RECEIVED): deadlines from `rules` (lines "TYPE
 * CHANNEL [reply N] [close N]"; "" for the defaults: online requests
 * answered within 2 working days) on the calendar as above, a first
 * transition record, then created. options may be NULL (its actor is the
 * registering staff member). Errors: INVALID_ARGUMENT (bad record, rules
 * or calendar; a deadline before receipt), OUT_OF_RANGE (a deadline outside
 * the calendar); nothing is written on error. */
QIAOLIAN_EXPORT int qiaolian_case_register(
    qiaolian_db_t* db, const qiaolian_write_options_t* options, int format,
    const uint8_t* data, size_t len, const char* rules, size_t rules_len,
    const char* calendar, size_t calendar_len, int weekends_only, uint64_t* id,
    char** errmsg);
/* Moves case `id` to `status` (QIAOLIAN_CASE_STATUS_*) if the workflow
 * allows it (docs/cases.md), recording the step with the note, the actor of
 * `options` (may be NULL) and `at`: "YYYY-MM-DD" (a day in China), an RFC
 * 3339 time, or "" for now. referred_to ("" for none) sets the body
 * referred to; outcome (a Case.Outcome value, 0 for none) the result. If
 * expected_revision != 0 the case must still be at it. On success
 * *new_revision is the stored revision. Errors, nothing written:
 * FAILED_PRECONDITION (transition not allowed; the message lists the
 * allowed ones), INVALID_ARGUMENT (unknown status, missing reason for
 * WITHDRAWN/REJECTED, a date before receipt or the last step), NOT_FOUND,
 * ABORTED. */
QIAOLIAN_EXPORT int qiaolian_case_transition(
    qiaolian_db_t* db, const qiaolian_write_options_t* options, uint64_t id,
    int status, const char* note, size_t note_len, const char* at,
    size_t at_len, const char* referred_to, size_t referred_to_len, int outcome,
    uint64_t expected_revision, uint64_t* new_revision, char** errmsg);
/* Records a reply to the applicant (status unchanged; `replied` set by the
 * first one). Arguments and errors as qiaolian_case_transition(); a closed,
 * withdrawn or rejected case is FAILED_PRECONDITION. */
QIAOLIAN_EXPORT int qiaolian_case_reply(
    qiaolian_db_t* db, const qiaolian_write_options_t* options, uint64_t id,
    const char* note, size_t note_len, const char* at, size_t at_len,
    uint64_t expected_revision, uint64_t* new_revision, char** errmsg);
/* The cases overdue at the end of `as_of` ("YYYY-MM-DD", or "" for today
 * in China), as JSON {"as_of","count","cases":[{"id","status","reply_due",
 * "reply_overdue","due","close_overdue","days_late"}]} in *out_json: owned,
 * NUL-terminated, free it with qiaolian_free(). */
QIAOLIAN_EXPORT int qiaolian_case_overdue(qiaolian_db_t* db, const char* as_of,
                                          size_t as_of_len, char** out_json,
                                          size_t* out_len, char** errmsg);
/* Closure, reply-on-time and closed-on-time rates of the cases received in
 * [from, to], judged at the end of `as_of` ("" for `to`), restricted by
 * `filter` (query predicates such as "channel = ONLINE"; "" for none). JSON
 * {"from","to","as_of","filter","closure":{"numerator","denominator",
 * "rate","ids","denominator_ids"},"reply_on_time":{...},
 * "close_on_time":{...}} in *out_json: owned, NUL-terminated. Every
 * denominator counts all cases received in the period, open and overdue
 * ones included (docs/cases.md). */
QIAOLIAN_EXPORT int qiaolian_case_rates(qiaolian_db_t* db, const char* from,
                                        size_t from_len, const char* to,
                                        size_t to_len, const char* as_of,
                                        size_t as_of_len, const char* filter,
                                        size_t filter_len, char** out_json,
                                        size_t* out_len, char** errmsg);

/* Case statuses (Case.Status of proto/qiaolian/v1/case.proto). */
#define QIAOLIAN_CASE_STATUS_RECEIVED 1 /* registered (登记) */
#define QIAOLIAN_CASE_STATUS_IN_PROGRESS 2
#define QIAOLIAN_CASE_STATUS_REFERRED 3
#define QIAOLIAN_CASE_STATUS_CLOSED 4
#define QIAOLIAN_CASE_STATUS_WITHDRAWN 5
#define QIAOLIAN_CASE_STATUS_REJECTED 6
#define QIAOLIAN_CASE_STATUS_ACCEPTED 7
#define QIAOLIAN_CASE_STATUS_RESOLVED 8
/* ---- Donations, events, relations and timeline (docs/records.md).
 *
 * The two statistics calls take their options as a JSON object (`request`,
 * UTF-8, not NUL-terminated; length 0 means {}), so that new options never
 * change the ABI; unknown members are INVALID_ARGUMENT. Dates are
 * "YYYY-MM-DD". Each result is an owned, NUL-terminated JSON text: free it
 * with qiaolian_free(). Every figure carries the ids of the records behind
 * it. */

/* Donation totals. Request members (all optional):
 *   "by": "none" | "purpose" | "donor" | "recipient" | "campaign"
 *   "from", "to": donation dates, inclusive
 *   "direction": "inbound" | "outbound"
 *   "rates": the text of a rate table (CSV "currency,base,from,to,rate",
 *            docs/records.md); amounts are then also converted into its base
 * Result: {"base_currency","all":{...},"groups":[{"key","donations",
 * "money":{"CNY":minor units},"quantities":{"只":n},"goods_value":{...},
 * "items_without_value","money_converted"?,"goods_value_converted"?,
 * "total_converted"?,"ids":[...]}]}. Money is per currency and never summed
 * across currencies without "rates". Errors: INVALID_ARGUMENT (bad request
 * or rate table, e.g. a gap between its periods), FAILED_PRECONDITION (the
 * rate table lacks a currency or date a donation needs), OUT_OF_RANGE. */
QIAOLIAN_EXPORT int qiaolian_donation_totals(qiaolian_db_t* db,
                                             const char* request,
                                             size_t request_len, char** json,
                                             size_t* json_len, char** errmsg);

/* Event counts, each record weighted by its count (0 counts 1). Request
 * members (all optional):
 *   "by": "none" | "kind" | "outlet" | "channel" | "month"
 *   "from", "to": event dates, inclusive
 *   "types": ["media_report", "TYPE_PHONE_CALL", ...]
 *   "outlet": "江苏卫视";  "channel": "tv" | "CHANNEL_TV" | ...
 * Result: {"all":{...},"groups":[{"key","records","count","clicks",
 * "max_clicks","max_clicks_id","with_clicks","attendees",
 * "distinct_participants","money","gift_quantities","gift_value","ids",
 * "case_ids","donation_ids"}]}. */
QIAOLIAN_EXPORT int qiaolian_event_counts(qiaolian_db_t* db,
                                          const char* request,
                                          size_t request_len, char** json,
                                          size_t* json_len, char** errmsg);

/* The relations of person or enterprise `id`, both ways: a JSON array of
 * {"type","detail","direction":"outgoing"|"incoming","other","other_name",
 * "source","field","since"?,"until"?,"note"?}. INVALID_ARGUMENT for another
 * kind, NOT_FOUND when the record does not exist. */
QIAOLIAN_EXPORT int qiaolian_relations(qiaolian_db_t* db, int kind, uint64_t id,
                                       char** json, size_t* json_len,
                                       char** errmsg);

/* One page (at most `limit` entries, 1..10000) of the timeline of person or
 * enterprise `id`, newest first: {"entries":[{"what","record","role","date",
 * "time"?,"revision"?,"title"}],"next_cursor"}. `cursor` is the
 * "next_cursor" of the previous page, or NULL (with cursor_len 0) for the
 * first page. */
QIAOLIAN_EXPORT int qiaolian_timeline(qiaolian_db_t* db, int kind, uint64_t id,
                                      uint64_t limit, const char* cursor,
                                      size_t cursor_len, char** json,
                                      size_t* json_len, char** errmsg);
/* ---- Reliability (docs/reliability.md). */

/* More size limits, besides QIAOLIAN_MAX_RECORD_BYTES and
 * QIAOLIAN_MAX_QUERY_BYTES above; exceeding one is
 * QIAOLIAN_RESOURCE_EXHAUSTED, checked before the input is parsed. One
 * string value in a record (on every write); one JSON document (a record
 * as JSON text, one JSON Lines line); one field of an imported CSV, TSV or
 * Excel row (the row is rejected with that reason). */
#define QIAOLIAN_MAX_FIELD_BYTES (1u << 20)
#define QIAOLIAN_MAX_JSON_BYTES (16u << 20)
#define QIAOLIAN_MAX_CSV_FIELD_BYTES (1u << 20)

/* Repairs the damaged store at `path` (NUL-terminated), which must not be
 * open anywhere: salvages every entry LevelDB can still read, brings rows
 * back from their history where a row was lost or came back at an older
 * revision, rebuilds counters and every index, and verifies the result.
 * For a store that reports QIAOLIAN_DATA_LOSS; harmless on a healthy one.
 * On success *report_json receives {"kinds":[{"kind","before","after"}...],
 * "records_lost","unreadable_rows","rows_restored","rows_from_history",
 * "stale_rows_removed","history_added","lost_files":[...],"index_entries",
 * "store_info_rewritten","id_gap","consistent","problems":[...]} ("before"
 * is what the store's counter said, -1 if unreadable; "id_gap" how far new
 * ids skip when table files were set aside); owned, NUL-terminated: free
 * it with qiaolian_free(). Errors: NOT_FOUND (no store there), UNAVAILABLE
 * (in use, or an I/O error), DATA_LOSS (unreadable even after repair). */
QIAOLIAN_EXPORT int qiaolian_repair(const char* path, char** report_json,
                                    size_t* report_len, char** errmsg);
/* qiaolian_repair for a store with encryption at rest: `options` (may be
 * NULL) supplies the key (qiaolian_options_set_encryption_key), which the
 * final index rebuild needs; its other settings are ignored. Without the
 * key an encrypted store is salvaged but the call fails with
 * FAILED_PRECONDITION; run it again with the key. */
QIAOLIAN_EXPORT int qiaolian_repair_with_options(
    const char* path, const qiaolian_options_t* options, char** report_json,
    size_t* report_len, char** errmsg);
/* ---- Search and duplicates (docs/search.md). People and enterprises are
 * searched after normalisation (NFKC, case folding, full-width, ideographic
 * and zero-width spaces, traditional -> simplified) by name, former names,
 * foreign-script names, pinyin (full or initials) and address; hits are
 * ranked exact > prefix > substring > pinyin > fuzzy. `kind` is
 * QIAOLIAN_KIND_PERSON or QIAOLIAN_KIND_ENTERPRISE (other kinds:
 * INVALID_ARGUMENT). */

/* Searches `kind` for the UTF-8 `text`. `limit` is the most hits returned
 * (0: 20; at most 1000), `min_score` the lowest score (0: 1; 1..100). On
 * success *hits_json receives a JSON array, best first, of
 * {"id","score","match","field","text","reason"} objects (match: "exact",
 * "prefix", "substring", "pinyin" or "fuzzy"); owned, NUL-terminated: free
 * it with qiaolian_free(). Errors: INVALID_ARGUMENT (kind, limit, a text
 * without letters, digits or Chinese characters). */
QIAOLIAN_EXPORT int qiaolian_search(qiaolian_db_t* db, int kind,
                                    const char* text, size_t text_len,
                                    uint64_t limit, int min_score,
                                    char** hits_json, size_t* hits_len,
                                    char** errmsg);

/* Candidate duplicate pairs of `kind`, best first: *pairs_json receives a
 * JSON array of {"a","b","score","reasons":[...]} (owned, free with
 * qiaolian_free()). `min_score` 0 means the default (50); `limit` 0 the
 * default (1000 pairs). */
QIAOLIAN_EXPORT int qiaolian_duplicates(qiaolian_db_t* db, int kind,
                                        int min_score, uint64_t limit,
                                        char** pairs_json, size_t* pairs_len,
                                        char** errmsg);

/* Merges record `merged` into `survivor` (both of `kind`) in one atomic
 * write: the survivor takes the values it lacks, every Ref to `merged` in the
 * store moves to `survivor`, `merged` is deleted; both histories are kept.
 * `options` may be NULL. *result_json (may be NULL) receives
 * {"survivor","merged","refs_moved","moved":[{"kind","id"}]}, owned.
 * Errors: INVALID_ARGUMENT (kind, equal ids), NOT_FOUND, ALREADY_EXISTS,
 * and the store's write errors; on error nothing is written. */
QIAOLIAN_EXPORT int qiaolian_merge(qiaolian_db_t* db,
                                   const qiaolian_write_options_t* options,
                                   int kind, uint64_t survivor, uint64_t merged,
                                   char** result_json, size_t* result_len,
                                   char** errmsg);

/* The normalised form of `text` as used for matching (*out owned, free with
 * qiaolian_free()); `compact` 1 also drops spaces and punctuation. */
QIAOLIAN_EXPORT int qiaolian_text_normalize(const char* text, size_t text_len,
                                            int compact, char** out,
                                            size_t* out_len, char** errmsg);

/* Pinyin of `text` without tones: *pinyin_json receives
 * {"full":"chenwei","spaced":"chen wei","initials":"cw"} (owned).
 * `person_name` 1 reads the first character(s) as a surname (单 shan, 曾 zeng,
 * 尉迟 yuchi ...). */
QIAOLIAN_EXPORT int qiaolian_text_pinyin(const char* text, size_t text_len,
                                         int person_name, char** pinyin_json,
                                         size_t* pinyin_len, char** errmsg);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* QIAOLIAN_C_H_ */
