// Writing a minimal Office Open XML workbook (.xlsx) with one worksheet,
// streamed row by row into a zip file with minizip (memory stays bounded
// whatever the number of rows).
//
// Parts: [Content_Types].xml, _rels/.rels, xl/workbook.xml,
// xl/_rels/workbook.xml.rels, xl/styles.xml, xl/worksheets/sheet1.xml.
// Text cells are inline strings (never formulas, never converted to numbers
// by a spreadsheet); text that a spreadsheet would read as a number or a
// formula when the cell is edited (an 18-digit USCC, a phone number,
// "=1+1") gets a style with the Text number format ("@") and quotePrefix,
// so it stays text, and the value itself is kept exactly. Number cells are
// written as numbers. Characters XML 1.0 cannot hold are written as
// _xHHHH_ escapes, as Excel does.
#ifndef QIAOLIAN_SRC_INGEST_XLSX_WRITER_H_
#define QIAOLIAN_SRC_INGEST_XLSX_WRITER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace qiaolian {
namespace ingest {

// The most rows a worksheet holds (Excel's limit), header included.
inline constexpr uint64_t kXlsxMaxRows = 1048576;

class XlsxWriter {
 public:
  struct Cell {
    std::string value;
    bool number = false;  // Written as a number (value must be one).
  };

  XlsxWriter() = default;
  ~XlsxWriter();  // Closes (and keeps) an unfinished file.
  XlsxWriter(const XlsxWriter&) = delete;
  XlsxWriter& operator=(const XlsxWriter&) = delete;

  // Creates `path` (replacing it) with a worksheet named `sheet_name`.
  absl::Status Open(const std::string& path, absl::string_view sheet_name);
  // Appends one row. FAILED_PRECONDITION past kXlsxMaxRows rows.
  absl::Status AddRow(const std::vector<Cell>& cells);
  // Writes the end of the worksheet and the zip directory.
  absl::Status Close();

  // Whether a text value would be taken for a number or a formula by a
  // spreadsheet (and so gets the Text style).
  static bool NeedsTextStyle(absl::string_view value);
  // "A", "Z", "AA" for column 0, 25, 26.
  static std::string ColumnName(size_t index);

 private:
  absl::Status WriteMember(const char* name, absl::string_view data);
  absl::Status Append(absl::string_view data);
  absl::Status FlushBuffer();

  void* zip_ = nullptr;  // zipFile
  std::string path_;
  std::string buffer_;
  uint64_t rows_ = 0;
};

}  // namespace ingest
}  // namespace qiaolian

#endif  // QIAOLIAN_SRC_INGEST_XLSX_WRITER_H_
