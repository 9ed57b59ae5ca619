// Reading Excel workbooks as rows: one worksheet (the first that is not
// hidden, or the one named) of an .xlsx/.xlsm
// (Office Open XML, unzipped with minizip and parsed with expat, streaming)
// or of an .xls (BIFF, read with FreeXL). Cells come back as UTF-8 text:
// strings as written, numbers as written (whole numbers without ".0"),
// booleans TRUE/FALSE, errors as written (#N/A), and numeric cells whose
// style is a date or time format as "YYYY-MM-DD", "YYYY-MM-DD HH:MM:SS" or
// "HH:MM:SS". Missing cells are empty fields; every row after the first is
// padded (or its trailing empty cells trimmed) to the width of the first
// row, or of the header once RowReader::SetHeaderWidth names another (a
// title above it); rows with no non-empty cell are skipped. In an .xlsx,
// a cell merged down several rows gives its value to the empty cell of each
// row below the first that has values of its own.
#ifndef QIAOLIAN_SRC_INGEST_EXCEL_H_
#define QIAOLIAN_SRC_INGEST_EXCEL_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "src/ingest/text.h"

namespace qiaolian {
namespace ingest {

// Opens `path` by its extension: .xlsx/.xlsm as Office Open XML, .xls as
// BIFF. Row::line is the worksheet row number (1-based), Row::raw the fields
// joined with commas. INVALID_ARGUMENT, naming the file and what failed,
// when it is not a readable workbook (or has another extension).
absl::StatusOr<std::unique_ptr<RowReader>> OpenExcel(const std::string& path);

// The same, with the format given ("xlsx" or "xls") whatever the extension.
absl::StatusOr<std::unique_ptr<RowReader>> OpenExcel(const std::string& path,
                                                     const std::string& format);

// The worksheets of a workbook, in order, and the one read.
struct ExcelSheets {
  std::vector<std::string> all;
  std::vector<bool> hidden;  // Of each of `all` (.xls: not known, false).
  std::string chosen;

  // The sheets of `all` that are not hidden, in order.
  std::vector<std::string> Visible() const {
    std::vector<std::string> out;
    for (size_t i = 0; i < all.size(); ++i) {
      if (i >= hidden.size() || !hidden[i]) out.push_back(all[i]);
    }
    return out;
  }
};

// The same, reading the worksheet `sheet` names: a name, or else a number
// (1-based, in the workbook's order); "" reads the first worksheet that is
// not hidden. INVALID_ARGUMENT listing the sheets when there is no such
// sheet. `sheets`, when not null, receives the names and the one read.
absl::StatusOr<std::unique_ptr<RowReader>> OpenExcel(const std::string& path,
                                                     const std::string& format,
                                                     const std::string& sheet,
                                                     ExcelSheets* sheets);

}  // namespace ingest
}  // namespace qiaolian

#endif  // QIAOLIAN_SRC_INGEST_EXCEL_H_
