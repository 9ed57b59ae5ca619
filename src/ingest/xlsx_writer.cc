#include "src/ingest/xlsx_writer.h"

#include <zip.h>

#include <cstdio>
#include <ctime>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace qiaolian {
namespace ingest {
namespace {

constexpr size_t kFlushBytes = 1 << 20;

constexpr absl::string_view kContentTypes =
    R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>)"
    "\n"
    R"(<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">)"
    R"(<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>)"
    R"(<Default Extension="xml" ContentType="application/xml"/>)"
    R"(<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>)"
    R"(<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>)"
    R"(<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>)"
    R"(</Types>)";

constexpr absl::string_view kRootRels =
    R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>)"
    "\n"
    R"(<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">)"
    R"(<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>)"
    R"(</Relationships>)";

constexpr absl::string_view kWorkbookRels =
    R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>)"
    "\n"
    R"(<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">)"
    R"(<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>)"
    R"(<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>)"
    R"(</Relationships>)";

// Style 0: General; style 1: Text ("@", numFmtId 49) with quotePrefix.
constexpr absl::string_view kStyles =
    R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>)"
    "\n"
    R"(<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">)"
    R"(<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>)"
    R"(<fills count="2"><fill><patternFill patternType="none"/></fill>)"
    R"(<fill><patternFill patternType="gray125"/></fill></fills>)"
    R"(<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>)"
    R"(<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>)"
    R"(<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>)"
    R"(<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1" quotePrefix="1"/>)"
    R"(</cellXfs>)"
    R"(<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>)"
    R"(</styleSheet>)";

// XML text: & < > " escaped; characters XML 1.0 cannot hold (controls but
// TAB, LF, CR; U+FFFE/U+FFFF) as _xHHHH_, and a literal "_x" that starts
// such a pattern as _x005F_x.
void AppendXmlText(absl::string_view s, std::string* out) {
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    switch (c) {
      case '&':
        out->append("&amp;");
        continue;
      case '<':
        out->append("&lt;");
        continue;
      case '>':
        out->append("&gt;");
        continue;
      case '"':
        out->append("&quot;");
        continue;
      default:
        break;
    }
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r')) {
      absl::StrAppend(out, "_x", absl::Hex(c, absl::kZeroPad4), "_");
      continue;
    }
    if (c == '_' && i + 6 < s.size() && s[i + 1] == 'x' && s[i + 6] == '_' &&
        absl::ascii_isxdigit(static_cast<unsigned char>(s[i + 2])) &&
        absl::ascii_isxdigit(static_cast<unsigned char>(s[i + 3])) &&
        absl::ascii_isxdigit(static_cast<unsigned char>(s[i + 4])) &&
        absl::ascii_isxdigit(static_cast<unsigned char>(s[i + 5]))) {
      out->append("_x005F_");
      continue;
    }
    // U+FFFE and U+FFFF (EF BF BE / EF BF BF).
    if (c == 0xEF && i + 2 < s.size() &&
        static_cast<unsigned char>(s[i + 1]) == 0xBF &&
        (static_cast<unsigned char>(s[i + 2]) == 0xBE ||
         static_cast<unsigned char>(s[i + 2]) == 0xBF)) {
      absl::StrAppend(out, "_xFFF",
                      static_cast<unsigned char>(s[i + 2]) == 0xBE ? "E" : "F",
                      "_");
      i += 2;
      continue;
    }
    out->push_back(static_cast<char>(c));
  }
}

}  // namespace

XlsxWriter::~XlsxWriter() {
  if (zip_ != nullptr) zipClose(static_cast<zipFile>(zip_), nullptr);
}

std::string XlsxWriter::ColumnName(size_t index) {
  std::string name;
  ++index;
  while (index > 0) {
    const size_t rem = (index - 1) % 26;
    name.insert(name.begin(), static_cast<char>('A' + rem));
    index = (index - 1) / 26;
  }
  return name;
}

bool XlsxWriter::NeedsTextStyle(absl::string_view v) {
  if (v.empty()) return false;
  const char c = v[0];
  // Formula-like: what a spreadsheet would evaluate once the cell is edited.
  if (c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r') {
    return true;
  }
  // Number-like: digits (a USCC of 18 digits, a phone number, a code with
  // leading zeros) that a spreadsheet would turn into a rounded number.
  size_t digits = 0;
  for (char ch : v) {
    if (absl::ascii_isdigit(static_cast<unsigned char>(ch))) {
      ++digits;
    } else if (ch != '.' && ch != ' ' && ch != 'e' && ch != 'E') {
      return false;
    }
  }
  return digits > 0;
}

absl::Status XlsxWriter::WriteMember(const char* name, absl::string_view data) {
  zip_fileinfo info = {};
  const std::time_t now = std::time(nullptr);
  std::tm tm = {};
  gmtime_r(&now, &tm);
  info.tmz_date.tm_sec = static_cast<uInt>(tm.tm_sec);
  info.tmz_date.tm_min = static_cast<uInt>(tm.tm_min);
  info.tmz_date.tm_hour = static_cast<uInt>(tm.tm_hour);
  info.tmz_date.tm_mday = static_cast<uInt>(tm.tm_mday);
  info.tmz_date.tm_mon = static_cast<uInt>(tm.tm_mon);
  info.tmz_date.tm_year = static_cast<uInt>(tm.tm_year + 1900);
  auto* zip = static_cast<zipFile>(zip_);
  if (zipOpenNewFileInZip64(zip, name, &info, nullptr, 0, nullptr, 0, nullptr,
                            Z_DEFLATED, Z_DEFAULT_COMPRESSION,
                            /*zip64=*/1) != ZIP_OK ||
      (!data.empty() &&
       zipWriteInFileInZip(zip, data.data(),
                           static_cast<unsigned>(data.size())) != ZIP_OK)) {
    return absl::UnavailableError(
        absl::StrCat("writing ", name, " into ", path_));
  }
  return absl::OkStatus();
}

absl::Status XlsxWriter::Open(const std::string& path,
                              absl::string_view sheet_name) {
  path_ = path;
  zip_ = zipOpen64(path.c_str(), APPEND_STATUS_CREATE);
  if (zip_ == nullptr) {
    return absl::UnavailableError(absl::StrCat("cannot create ", path));
  }
  auto* zip = static_cast<zipFile>(zip_);
  auto whole = [&](const char* name, absl::string_view data) -> absl::Status {
    if (absl::Status s = WriteMember(name, data); !s.ok()) return s;
    if (zipCloseFileInZip(zip) != ZIP_OK) {
      return absl::UnavailableError(
          absl::StrCat("writing ", name, " into ", path_));
    }
    return absl::OkStatus();
  };
  std::string workbook = absl::StrCat(
      R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>)", "\n",
      R"(<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" )",
      R"(xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">)",
      R"(<sheets><sheet name=")");
  AppendXmlText(sheet_name.substr(0, 31), &workbook);
  workbook += R"(" sheetId="1" r:id="rId1"/></sheets></workbook>)";
  for (const auto& [name, data] :
       std::initializer_list<std::pair<const char*, absl::string_view>>{
           {"[Content_Types].xml", kContentTypes},
           {"_rels/.rels", kRootRels},
           {"xl/workbook.xml", workbook},
           {"xl/_rels/workbook.xml.rels", kWorkbookRels},
           {"xl/styles.xml", kStyles}}) {
    if (absl::Status s = whole(name, data); !s.ok()) return s;
  }
  // The worksheet stays open; rows are appended to it.
  if (absl::Status s = WriteMember("xl/worksheets/sheet1.xml", ""); !s.ok()) {
    return s;
  }
  return Append(
      R"(<?xml version="1.0" encoding="UTF-8" standalone="yes"?>)"
      "\n"
      R"(<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>)");
}

absl::Status XlsxWriter::Append(absl::string_view data) {
  buffer_.append(data.data(), data.size());
  if (buffer_.size() >= kFlushBytes) return FlushBuffer();
  return absl::OkStatus();
}

absl::Status XlsxWriter::FlushBuffer() {
  if (buffer_.empty()) return absl::OkStatus();
  if (zipWriteInFileInZip(static_cast<zipFile>(zip_), buffer_.data(),
                          static_cast<unsigned>(buffer_.size())) != ZIP_OK) {
    return absl::UnavailableError(absl::StrCat("writing ", path_));
  }
  buffer_.clear();
  return absl::OkStatus();
}

absl::Status XlsxWriter::AddRow(const std::vector<Cell>& cells) {
  if (zip_ == nullptr) return absl::FailedPreconditionError("not open");
  if (rows_ >= kXlsxMaxRows) {
    return absl::FailedPreconditionError(absl::StrCat(
        "an .xlsx worksheet holds at most ", kXlsxMaxRows,
        " rows (header included); export CSV or narrow the query"));
  }
  ++rows_;
  std::string row = absl::StrCat("<row r=\"", rows_, "\">");
  for (size_t i = 0; i < cells.size(); ++i) {
    const Cell& c = cells[i];
    if (c.value.empty()) continue;
    const std::string ref = absl::StrCat(ColumnName(i), rows_);
    if (c.number) {
      absl::StrAppend(&row, "<c r=\"", ref, "\"><v>");
      AppendXmlText(c.value, &row);
      row += "</v></c>";
      continue;
    }
    absl::StrAppend(&row, "<c r=\"", ref, "\" t=\"inlineStr\"",
                    NeedsTextStyle(c.value) ? " s=\"1\"" : "", "><is><t");
    const bool spaces = c.value.front() == ' ' || c.value.back() == ' ' ||
                        c.value.find('\n') != std::string::npos;
    if (spaces) row += " xml:space=\"preserve\"";
    row += ">";
    AppendXmlText(c.value, &row);
    row += "</t></is></c>";
  }
  row += "</row>";
  return Append(row);
}

absl::Status XlsxWriter::Close() {
  if (zip_ == nullptr) return absl::FailedPreconditionError("not open");
  absl::Status st = Append("</sheetData></worksheet>");
  if (st.ok()) st = FlushBuffer();
  auto* zip = static_cast<zipFile>(zip_);
  if (st.ok() && zipCloseFileInZip(zip) != ZIP_OK) {
    st = absl::UnavailableError(absl::StrCat("writing ", path_));
  }
  const int closed = zipClose(zip, nullptr);
  zip_ = nullptr;
  if (st.ok() && closed != ZIP_OK) {
    st = absl::UnavailableError(absl::StrCat("finishing ", path_));
  }
  return st;
}

}  // namespace ingest
}  // namespace qiaolian
