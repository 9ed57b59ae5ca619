// Reading text files of unknown encoding as UTF-8, and splitting them into
// rows (CSV per RFC 4180, TSV). Streaming: memory stays bounded by the
// chunk size and the longest row, whatever the file size.
//
// Encodings: a UTF-8 BOM (skipped) means UTF-8, a UTF-16 one (skipped)
// UTF-16 of that byte order (what Excel's "Unicode text" writes); otherwise
// `auto` accepts the file as strict UTF-8 if every byte sequence is valid,
// else as strict GB18030 (a superset of GBK and GB2312) or strict Big5
// (HKSCS), whichever decodes without error — when both do and a quarter of
// its characters read as GB18030 lie outside GB2312, as Big5 text's do, it
// asks, showing the first line both ways — else fails with INVALID_ARGUMENT
// naming the byte offsets where each failed and asking for --encoding (as
// it does for a NUL byte: UTF-16 without a byte order mark). Nothing is
// ever replaced with U+FFFD.
#ifndef QIAOLIAN_SRC_INGEST_TEXT_H_
#define QIAOLIAN_SRC_INGEST_TEXT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace qiaolian {
namespace ingest {

enum class Encoding {
  kAuto,
  kUtf8,
  kGb18030,
  kUtf16Le,
  kUtf16Be,
  kBig5,
  kWindows1252,
};

// "auto", "utf-8"/"utf8", "gb18030"/"gbk"/"gb2312"/"cp936",
// "big5"/"big5-hkscs"/"cp950" (read as Big5-HKSCS),
// "utf-16le"/"utf-16"/"unicode" (Windows' names), "utf-16be",
// "windows-1252"/"cp1252"/"latin1"/"iso-8859-1" (Western European text, as
// Excel saves CSV in Europe and the Americas; ISO 8859-1 read as its
// superset windows-1252) (any case). Never detected by kAuto: only given.
absl::StatusOr<Encoding> ParseEncoding(absl::string_view name);
const char* EncodingName(Encoding e);  // "auto", "utf-8", "gb18030", ...

// A stream of UTF-8 text decoded from some source.
class TextSource {
 public:
  virtual ~TextSource() = default;
  // Appends the next chunk of UTF-8 text to `*out` (whole characters only)
  // and returns how many bytes were appended; 0 at the end. An undecodable
  // byte is INVALID_ARGUMENT with its byte offset in the source.
  virtual absl::StatusOr<size_t> Read(std::string* out) = 0;
  // Bytes of the source consumed so far (for progress reports).
  virtual uint64_t source_bytes() const = 0;
  // Total size of the source in bytes, when known (0 otherwise).
  virtual uint64_t source_size() const = 0;
  // The encoding in use (never kAuto once opened).
  virtual Encoding encoding() const = 0;
};

// Opens a file. With kAuto the encoding is detected as described above
// (which may read the file once before decoding it).
absl::StatusOr<std::unique_ptr<TextSource>> OpenTextFile(
    const std::string& path, Encoding encoding);
// The same over bytes in memory (tests, small inputs).
absl::StatusOr<std::unique_ptr<TextSource>> TextFromBytes(std::string bytes,
                                                          Encoding encoding);

// One row of a delimited file.
struct Row {
  uint64_t line = 0;    // 1-based line on which the row starts.
  uint64_t offset = 0;  // Byte offset of the row's start in the decoded text.
  std::vector<std::string> fields;  // Unquoted field values.
  std::string raw;  // The row's text as read, without the line ending.
  // Non-empty when the row is malformed (e.g. a quote inside an unquoted
  // field, text after a closing quote, end of file inside quotes): what is
  // wrong and where ("column 3: text after closing quote"). The reader
  // continues with the next row.
  std::string error;
};

class RowReader {
 public:
  virtual ~RowReader() = default;
  // Reads the next row into `*row`: true, or false at the end of input.
  // Errors are only those of the source (I/O, decoding); malformed rows
  // come back with Row::error set.
  virtual absl::StatusOr<bool> Next(Row* row) = 0;
  virtual uint64_t source_bytes() const = 0;
  virtual uint64_t source_size() const = 0;
  // The header's number of fields, when it is not the first row: the rows
  // that follow are shaped to it by readers that shape rows (a worksheet's
  // missing trailing cells); text rows stay as written.
  virtual void SetHeaderWidth(size_t /*width*/) {}
};

// The longest record the CSV/TSV reader accepts, in bytes of text: the
// limit of a whole record (kMaxRecordBytes, include/qiaolian/limits.h), so
// that a single field over its own limit (kMaxCsvFieldBytes, 1 MiB) is
// reported by the importer with its column's name.
inline constexpr size_t kMaxRowBytes = size_t{16} << 20;

// RFC 4180: fields separated by `delimiter` (',' for CSV, '\t' for TSV),
// optionally enclosed in double quotes, "" inside quotes is a quote, quoted
// fields may hold delimiters, CR and LF; records end with CRLF or LF (a lone
// CR too). Blank lines are skipped.
//
// An unclosed quote does not swallow the rest of the file: when a quoted
// field reaches the end of the file, or its record grows past
// `max_row_bytes`, the record is cut at the end of the line where the quote
// opened, comes back with Row::error naming that line, and reading goes on
// with the next line. A record longer than `max_row_bytes` within one line
// comes back with Row::error (Row::raw holding its first 4 KiB) and is
// skipped to the end of the line. Memory stays bounded by `max_row_bytes`
// plus one chunk.
std::unique_ptr<RowReader> NewDelimitedReader(
    std::unique_ptr<TextSource> source, char delimiter,
    size_t max_row_bytes = kMaxRowBytes);

// JSON Lines: one row per non-blank line with one field (the line's text);
// the importer parses it.
std::unique_ptr<RowReader> NewLineReader(std::unique_ptr<TextSource> source);

}  // namespace ingest
}  // namespace qiaolian

#endif  // QIAOLIAN_SRC_INGEST_TEXT_H_
