// Bulk import of spreadsheets (CSV, TSV) and JSON Lines into a store.
//
//   qiaolian::ImportOptions o;
//   o.kind = qiaolian::v1::KIND_ENTERPRISE;
//   o.reject_file = "rejects.csv";
//   absl::StatusOr<qiaolian::ImportSummary> s =
//       qiaolian::Import(*store, "上海.csv", o);
//
// Pipeline: read (encoding detected: BOM, strict UTF-8, strict GB18030,
// else an error asking for an encoding) → map columns to fields (Chinese and
// English header aliases, or a mapping file) → normalise (spaces, full-width
// codes, placeholders such as N/A and 无, dates, registered capital) →
// validate (as every write) → resolve against existing records by natural
// key (enterprise: USCC, then legacy registration number; person: resident
// ID number; other kinds: the source file name and line) → write in
// all-or-nothing batches. Every row is accounted for: created, updated,
// unchanged, duplicate (an exact copy of an earlier row of the file),
// merged (into a likely duplicate, ImportDuplicates::kMerge) or rejected
// (with line, field and reason, also written to the reject file). Rows that
// look like another person or enterprise are reported (ImportDuplicates).
// Re-running the same file changes nothing; an interrupted import can be
// re-run.
#ifndef QIAOLIAN_IMPORT_H_
#define QIAOLIAN_IMPORT_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "qiaolian/record.h"
#include "qiaolian/store.h"

namespace qiaolian {

// What to do with a row whose natural key matches an existing record.
enum class ImportMode {
  kSkip,       // Leave the record as it is (count it unchanged).
  kUpdate,     // Overwrite the fields the row has values for.
  kFillEmpty,  // Set only the fields the record has no value for.
};

// "skip", "update", "fill-empty".
absl::StatusOr<ImportMode> ParseImportMode(absl::string_view name);

// What to do with a person or enterprise row that matches no record by
// natural key but looks like one already stored or imported earlier in the
// file (include/qiaolian/duplicates.h: same name and birth date, same phone,
// 陳偉明 / 陈伟明 / Chen Weiming, same enterprise name...).
enum class ImportDuplicates {
  kOff,    // Create it without looking.
  kWarn,   // Create it and report the likely duplicate (the default).
  kMerge,  // Merge it into the best candidate instead of creating it, as
           // `qiaolian merge` would (the record keeps its values and takes
           // the row's where it has none; a different name becomes a
           // former name). Counted as merged.
};

// "off", "warn", "merge".
absl::StatusOr<ImportDuplicates> ParseImportDuplicates(absl::string_view name);

// Whether an import is a bulk load (docs/import.md, "Bulk load"): most
// index entries of the records it creates are sorted on the side and written
// at the end, which is faster for large files; meanwhile queries do not use
// those indexes and search does not find the new records by substring or
// pinyin, and if the process stops, the next open rebuilds those indexes
// from every row of the kind.
enum class ImportBulkLoad {
  kAuto,  // When the store has no record of the kind, or the file is at
          // least kBulkLoadAutoBytes (the default).
  kOn,    // Always (not in a dry run).
  kOff,   // Never: every entry is written with its row.
};

// "auto", "on", "off".
absl::StatusOr<ImportBulkLoad> ParseImportBulkLoad(absl::string_view name);

// How the date cells of a CSV, TSV or workbook that write the day and the
// month as numbers before the year (07/05/2008, 07.05.2008, 7-5-2008) are
// read. Dates written year first (2008-05-07, 2008/5/7, 2008年5月7日,
// 20080507) read the same whatever the order.
enum class ImportDateOrder {
  kAuto,        // Day first in a file separated by ';' (which Excel saves
                // where dates are written day first), else kYearFirst.
  kYearFirst,   // Such a date is ambiguous and its row rejected.
  kDayFirst,    // 07/05/2008 is 7 May 2008: Europe, Hong Kong, Singapore,
                // Malaysia, Australia, most of the world.
  kMonthFirst,  // 05/07/2008 is 7 May 2008: the United States (Excel's
                // en-US exports).
};

// "auto", "ymd" (also "year-first"), "dmy" ("day-first"), "mdy"
// ("month-first").
absl::StatusOr<ImportDateOrder> ParseImportDateOrder(absl::string_view name);

// The decimal mark of the numbers (amounts, capital, counts) in a CSV or
// TSV file. A workbook holds numbers as numbers and JSON Lines as JSON:
// neither takes a decimal mark other than kAuto.
enum class ImportDecimalMark {
  kAuto,   // A comma in a file separated by ';' (which Excel saves where
           // the decimal mark is a comma), else a point.
  kPoint,  // 1,234.5 is 1234.5.
  kComma,  // 1.234,5 is 1234.5 (a cell of a comma-separated file holding
           // a comma is quoted: "1.234,5").
};

// "auto", "point" (also "."), "comma" (also ",").
absl::StatusOr<ImportDecimalMark> ParseImportDecimalMark(
    absl::string_view name);

// The file size from which kAuto bulk-loads into a store that already has
// records of the kind: 64 MiB, about 120,000 rows of a registry extract.
inline constexpr uint64_t kBulkLoadAutoBytes = uint64_t{64} << 20;

// A row that looked like a duplicate (ImportDuplicates kWarn or kMerge).
struct ImportDuplicate {
  uint64_t line = 0;  // The row's line in the file.
  // The record it resembles: its id, or 0 when that record is an earlier
  // row of the same batch, not yet written; then `other_line` is its line.
  uint64_t id = 0;
  uint64_t other_line = 0;
  int score = 0;
  std::vector<std::string> reasons;  // Identifiers masked.
  bool merged = false;               // kMerge: merged into that record.
};

// A row imported with a warning (ImportSummary::warning_rows).
struct ImportWarning {
  uint64_t line = 0;    // The row's line in the file.
  std::string warning;  // Field, value and what is wrong with it.
};

struct ImportProgress {
  uint64_t rows = 0;         // Rows read so far.
  uint64_t bytes = 0;        // Bytes of the file consumed so far.
  uint64_t total_bytes = 0;  // Size of the file (0 if unknown).
  double rows_per_second = 0;
  // Set on the one report made when every row is written and the import,
  // a bulk load (ImportBulkLoad), starts writing the index entries it put
  // off (docs/import.md, "Bulk load").
  bool building_indexes = false;
};

struct ImportOptions {
  Kind kind = v1::KIND_ENTERPRISE;
  // "csv", "tsv", "jsonl", "xlsx" or "xls"; empty: from the extension.
  std::string format;
  // "auto", "utf-8", "gb18030" (also "gbk"), "big5" (Big5-HKSCS), "utf-16le",
  // "utf-16be" or "windows-1252" (also "latin1": Western European text,
  // never detected by "auto").
  std::string encoding = "auto";
  ImportMode mode = ImportMode::kSkip;
  // Report what would happen; write nothing (the reject file is written).
  bool dry_run = false;
  // Accept a USCC whose check character is wrong (some were legally issued
  // that way in pilot regions): it is kept in registration_number and the
  // record is tagged "uscc-check-failed". Otherwise such rows are rejected.
  bool lenient = false;
  // Where to write rejected rows as CSV (line, field, reason, row); empty:
  // nowhere (they are still counted and summarised).
  std::string reject_file;
  // Optional mapping file: one `column = field.path` per line (# comments),
  // overriding the built-in header aliases.
  std::string mapping_file;
  // The line (CSV, TSV) or worksheet row (.xlsx, .xls) of the header; the
  // rows above it (a title, a note of who filled the sheet in) are skipped
  // and listed in the summary. 0: the first row, unless no column of it
  // maps to a field; then the first of the first kHeaderSearchRows rows in
  // which two or more do. Not for JSON Lines, which has no header.
  uint64_t header_row = 0;
  static constexpr size_t kHeaderSearchRows = 10;
  // The worksheet of a workbook (.xlsx, .xls) to read: its name, or else
  // its number (1-based, in the workbook's order). Empty: the first
  // worksheet that is not hidden.
  std::string sheet;
  // Recorded as the actor of every change.
  std::string actor;
  // Looking for likely duplicates among people and enterprises (other kinds
  // are never checked), and the score from which a candidate counts (0: 60
  // to warn, 90 to merge).
  ImportDuplicates duplicates = ImportDuplicates::kWarn;
  int duplicate_min_score = 0;
  // The file's record ids (an `id` column, JSON Lines meta.id) are this
  // store's: a row with an id updates that record even when nothing else
  // in the row agrees with it (a record renamed in an `id,name` sheet).
  // Without it such a row's id is ignored with a warning, since the ids of
  // another store's export name unrelated records here. Either way an id
  // whose record does not exist, or a row whose codes (USCC, identity
  // documents) belong to another record, is not trusted.
  bool trust_ids = false;
  // Records per all-or-nothing batch.
  size_t batch_rows = 1000;
  ImportBulkLoad bulk_load = ImportBulkLoad::kAuto;
  // How dates written with the day and month first are read, and the
  // decimal mark of numbers (ImportDateOrder, ImportDecimalMark): for files
  // from places that write them otherwise than the Chinese mainland does.
  ImportDateOrder date_order = ImportDateOrder::kAuto;
  ImportDecimalMark decimal_mark = ImportDecimalMark::kAuto;
  // Values for every row that gives none of its own, as (field, value)
  // pairs: the field named as a column's header may name it (`type`,
  // `事项类型`, `Status`), the value written as a cell of that column is
  // (`信访`, `TYPE_PETITION`, `2024-03-05`). For a field the file has no
  // column for (a register of visits has no channel column: every row came
  // by visit), or a column whose cells are sometimes empty. Only fields
  // that hold one value or a list of values (not a contact, a document or
  // a field inside a list of messages).
  std::vector<std::pair<std::string, std::string>> values;
  // Called every `progress_every` rows and at the end.
  std::function<void(const ImportProgress&)> progress;
  uint64_t progress_every = 10000;
};

struct ImportSummary {
  Kind kind = v1::KIND_UNSPECIFIED;  // What was imported.
  std::string file;
  std::string encoding;  // As detected or given.
  uint64_t rows = 0;     // Data rows read (header excluded).
  // Rows of a text file whose every cell is empty or spaces (",,,,", as a
  // spreadsheet saves rows whose cells were only formatted): skipped, not
  // counted in `rows`, as blank lines and a workbook's empty rows are.
  uint64_t blank_rows = 0;
  // The line (worksheet row) of the header, 0 for JSON Lines; the rows
  // above it, which were not imported (ImportOptions::header_row), and the
  // text of the first kMaxListedAboveHeader of them.
  std::string sheet;  // The worksheet read (workbooks only).
  // The workbook's worksheets that are not hidden, in order (workbooks
  // only): to import each in turn (ImportOptions::sheet), as `qiaolian
  // import --all-sheets` does.
  std::vector<std::string> sheets;
  // What separates the fields of a text file: "," (CSV), "\t" (TSV, or a
  // ".csv" holding tabs) or ";" (CSV as Excel saves it where the decimal
  // mark is a comma), the last two found when no header reads with commas;
  // empty for JSON Lines and workbooks.
  std::string delimiter;
  uint64_t header_line = 0;
  // 2 when the row below the header names the columns under its merged
  // cells (法定代表人 over 姓名 and 国籍): both rows are read as one header
  // (法定代表人姓名, 法定代表人国籍), and the second is no record.
  uint64_t header_rows = 1;
  uint64_t rows_above_header = 0;
  static constexpr size_t kMaxListedAboveHeader = 20;
  std::vector<std::string> above_header;
  uint64_t created = 0;
  uint64_t updated = 0;
  uint64_t unchanged = 0;
  uint64_t duplicates = 0;  // Exact repeats of an earlier row of the file.
  uint64_t rejected = 0;
  uint64_t flagged = 0;  // Accepted in lenient mode with a flag.
  std::map<std::string, uint64_t> rejected_by_reason;
  // Header column → field it was mapped to; columns that were not mapped.
  std::vector<std::pair<std::string, std::string>> mapped_columns;
  std::vector<std::string> ignored_columns;
  // An ignored column whose header is one character away from a header the
  // importer knows → that header and its field ("企业名称 is name"): a
  // typing slip to fix, or a mapping to give.
  std::map<std::string, std::string> suggested_columns;
  bool dry_run = false;
  // Rows imported with a warning (counted within created/updated/unchanged),
  // e.g. a USCC whose inner organisation code fails its GB 11714 check
  // character, by reason.
  uint64_t warned = 0;
  std::map<std::string, uint64_t> warnings_by_reason;
  // The first kMaxListedWarnings warnings with their rows' lines, to find
  // and check those rows (`手机: "1390000111" has 10 digits, where a
  // mainland mobile number has 11; imported`).
  static constexpr size_t kMaxListedWarnings = 1000;
  std::vector<ImportWarning> warning_rows;
  // ImportDuplicates: rows merged into a likely duplicate instead of being
  // created (counted here only), and every row found to look like another
  // record (created or merged), with the first kMaxListedDuplicates listed.
  uint64_t merged = 0;
  uint64_t likely_duplicates = 0;
  static constexpr size_t kMaxListedDuplicates = 1000;
  std::vector<ImportDuplicate> duplicate_rows;
  // A bulk load (ImportBulkLoad; docs/import.md): the index entries it put
  // off, the seconds spent writing them at the end, and the seconds spent
  // compacting the store's tables into one level after that (so that
  // searches and queries read one table per key range, not one per level).
  bool bulk_load = false;
  uint64_t deferred_index_entries = 0;
  double index_build_seconds = 0;
  double compact_seconds = 0;

  std::string ToString() const;  // Human-readable, several lines.
  std::string ToJson() const;
};

// Imports `path` into `store`. Errors (not per-row problems, which are
// counted and reported): the file cannot be read or decoded, has no header,
// no column maps to a field, an unknown format or mode, a bad mapping file,
// or the store failed.
absl::StatusOr<ImportSummary> Import(Store& store, const std::string& path,
                                     const ImportOptions& options);

// The worksheets of the workbook at `path` (.xlsx, .xlsm, .xls, or as
// `format` says) that are not hidden, in order: what ImportOptions::sheet
// can name, to import each in turn (`qiaolian import --all-sheets`). Empty
// for a text file (CSV, TSV, JSON Lines), which has no sheets. Errors: the
// file cannot be read, or is not the workbook its name says.
absl::StatusOr<std::vector<std::string>> WorkbookSheets(
    const std::string& path, const std::string& format = "");

// One record of `kind` from (name, value) pairs, read as a row of a file
// with those columns would be (docs/import.md): names are headers as imports
// read them (活动类型, 企业名称, 日期) or field paths
// (legal_representative.name, participants.ref); values are normalised (dates,
// capital, codes, labels such as 走访企业) and references may name their record
// (enterprise:常州三久制造有限公司). The record is validated, not written:
// give it to Store::Create. INVALID_ARGUMENT naming the field when a name
// maps to no field or a value cannot be read. Values taken with a doubt are
// described in `warnings` (may be null).
absl::StatusOr<std::unique_ptr<google::protobuf::Message>> RecordFromFields(
    Store& store, Kind kind,
    const std::vector<std::pair<std::string, std::string>>& fields,
    std::vector<std::string>* warnings = nullptr);

// Changes the fields `fields` names (read as RecordFromFields reads them) of
// record `id` of `kind`, as an import in update mode would: each field given
// replaces the record's (a list replaces the list, keeping stored elements
// the given ones match; a part of a message such as legal_representative.name
// replaces that message); fields not given stay. Returns the record's
// revision: the new one, or the current one when nothing changes (nothing is
// written then). NOT_FOUND without the record; INVALID_ARGUMENT naming the
// field when a value cannot be read or the changed record is not valid.
absl::StatusOr<uint64_t> UpdateFromFields(
    Store& store, Kind kind, uint64_t id,
    const std::vector<std::pair<std::string, std::string>>& fields,
    const WriteOptions& write_options = {},
    std::vector<std::string>* warnings = nullptr);

}  // namespace qiaolian

#endif  // QIAOLIAN_IMPORT_H_
