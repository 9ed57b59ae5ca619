// Chinese column headers (中文表头) for the columns an export writes: one
// per field path of each kind's default columns (ExportOptions::
// chinese_headers), chosen so that the importer reads each back as the same
// field. Where the importer already knows a header for a field (企业名称,
// 统一社会信用代码, 姓名, 性别...) that header is the one used, so a file in
// Chinese imports exactly as one headed by field paths.
#ifndef QIAOLIAN_SRC_INGEST_HEADERS_H_
#define QIAOLIAN_SRC_INGEST_HEADERS_H_

#include <string>

#include "absl/strings/string_view.h"
#include "qiaolian/record.h"

namespace qiaolian {
namespace ingest {

// The Chinese header of the column `path` (snake_case field path as
// exports write it: "id", "name", "address.text") of `kind`, or "" when it
// has none.
absl::string_view ChineseHeader(Kind kind, absl::string_view path);

// The field path whose Chinese header is `header` (compared after trimming
// spaces), or "" when no column of `kind` has it.
absl::string_view PathOfChineseHeader(Kind kind, absl::string_view header);

// The field path a column headed `header` fills on import, for the names
// of a query (`person where 姓名 = ...`): the Chinese header an export
// writes for it (PathOfChineseHeader), else one of the importer's header
// aliases (名字, 社会统一信用代码; contacts: "contacts.value", documents:
// "identity_documents.number"); "" when none. Defined in importer.cc.
std::string FieldOfHeader(Kind kind, absl::string_view header);

}  // namespace ingest
}  // namespace qiaolian

#endif  // QIAOLIAN_SRC_INGEST_HEADERS_H_
