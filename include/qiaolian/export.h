// Export of query results to CSV, JSON Lines and .xlsx (docs/export.md).
//
//   qiaolian::ExportOptions o;
//   o.format = "csv";
//   o.bom = true;  // For Excel.
//   std::ofstream out("活跃企业.csv", std::ios::binary);
//   absl::StatusOr<uint64_t> rows =
//       qiaolian::Export(*store, "enterprise where status = ACTIVE", o, out);
//
// The query is read in pages of 1000 records (QueryOptions::cursor), so
// exports of any size run in bounded memory; each page is read on its own
// snapshot. The fields the schema marks sensitive are masked unless
// `unmasked` (include/qiaolian/privacy.h: identity document numbers,
// contacts, addresses, birth dates of minors); an unmasked export writes an
// audit entry for every record it shows before writing it (so it needs a
// store that is not read-only). Records are never changed.
//
// CSV is RFC 4180 with CRLF line endings, a header row of field paths and
// spreadsheet-safe cells: a cell beginning with = + - @ TAB or CR is prefixed
// with an apostrophe (') so that spreadsheets do not run it as a formula.
// An exported enterprise CSV re-imports with qiaolian::Import.
//
// .xlsx is a minimal workbook with one worksheet named after the kind: a
// header row of field paths, then one row per record, the same columns as
// CSV. Whole-number fields are number cells; everything else is an inline
// string cell, never a formula. Text that a spreadsheet would take for a
// number or a formula once the cell is edited (an 18-digit code, a phone
// number, "=1+1") keeps its exact value and gets the Text format with a
// quote prefix, so it stays text. A worksheet holds at most 1,048,576 rows
// (FAILED_PRECONDITION beyond that). An .xlsx export re-imports too.
//
// Thread-safety: Export may run concurrently with other readers and writers
// of the store.
#ifndef QIAOLIAN_EXPORT_H_
#define QIAOLIAN_EXPORT_H_

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "qiaolian/store.h"

namespace qiaolian {

struct ExportOptions {
  // "csv", "jsonl" or "xlsx".
  std::string format = "csv";
  // Write sensitive fields as stored (default: masked); audited.
  bool unmasked = false;
  // Who exports (操作人), for the audit entries of an unmasked export.
  std::string actor;
  // Start the CSV with a UTF-8 byte-order mark (for Excel). CSV only.
  bool bom = false;
  // Permit reading every record of the kind when no index serves the query.
  bool allow_scan = false;
  // CSV and xlsx columns as field paths (snake_case or lowerCamelCase,
  // dotted into messages and through repeated fields:
  // legal_representative.name, contacts.value; "id" is meta.id) or by
  // their Chinese headers (see chinese_headers). Empty: the default columns
  // of the query's kind. Not for JSON Lines.
  std::vector<std::string> columns;
  // CSV and xlsx: coded values as the Chinese terms the schema gives them
  // (`(qiaolian.v1.label)`: 男, 华侨, 手机) instead of their names (MALE,
  // OVERSEAS_CHINESE, PHONE); values without a label keep their names. The
  // importer reads either, so such a file still imports back. Not for JSON
  // Lines.
  bool labels = false;
  // CSV and xlsx: the header row in Chinese (姓名, 性别, 统一社会信用代码,
  // 注册地址...) instead of field paths, for people who read the file
  // rather than a program; the importer reads these headers back as the
  // same fields, so such a file still imports back. A column without a
  // Chinese header (a deeper path given in `columns`) keeps its path.
  // `columns` may name columns by these headers too. Not for JSON Lines.
  bool chinese_headers = false;
};

// Runs `query` (include/qiaolian/query.h; its `limit` and `order by` apply)
// on `store` and writes every record it selects to `out` in
// `options.format`. Returns the number of records written. Errors:
// INVALID_ARGUMENT for a bad query, format, option or column (nothing is
// written), FAILED_PRECONDITION when no index serves the query and
// !allow_scan, FAILED_PRECONDITION for more rows than an .xlsx worksheet
// holds, UNAVAILABLE when writing to `out` fails; query errors on a later
// page (the store failing) leave the rows already written in `out` (CSV and
// JSON Lines; an .xlsx workbook is built in a temporary file and copied to
// `out` only when complete).
absl::StatusOr<uint64_t> Export(const Store& store, absl::string_view query,
                                const ExportOptions& options,
                                std::ostream& out);

// The same into the file `path`, all or nothing: written to a temporary
// file next to it and renamed over `path` only on success (a failed export
// leaves `path` as it was).
absl::StatusOr<uint64_t> ExportToFile(const Store& store,
                                      absl::string_view query,
                                      const ExportOptions& options,
                                      const std::string& path);

}  // namespace qiaolian

#endif  // QIAOLIAN_EXPORT_H_
