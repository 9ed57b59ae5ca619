// Export of query results (include/qiaolian/export.h, docs/export.md).
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "absl/time/time.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "google/protobuf/timestamp.pb.h"
#include "qiaolian/export.h"
#include "qiaolian/privacy.h"
#include "qiaolian/record.h"
#include "qiaolian/v1/options.pb.h"
#include "src/ingest/headers.h"
#include "src/ingest/xlsx_writer.h"
#include "src/model/value_types.h"
#include "src/util/status_macros.h"
#include "unicode/ucurr.h"

namespace qiaolian {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

constexpr uint64_t kPageSize = 1000;
constexpr absl::string_view kListSeparator = "、";

// --- Rendering values
// ---------------------------------------------------------

int MinorDigits(absl::string_view code) {
  if (code.size() != 3) return 2;
  UChar u[4] = {static_cast<UChar>(code[0]), static_cast<UChar>(code[1]),
                static_cast<UChar>(code[2]), 0};
  UErrorCode status = U_ZERO_ERROR;
  const int32_t digits = ucurr_getDefaultFractionDigits(u, &status);
  if (U_FAILURE(status) || digits < 0 || digits > 4) return 2;
  return digits;
}

// "USD 500000.00", "JPY 1000000".
std::string RenderMoney(const v1::Money& money) {
  if (money.currency().empty() && money.amount_minor() == 0) return "";
  const int digits = MinorDigits(money.currency());
  int64_t scale = 1;
  for (int i = 0; i < digits; ++i) scale *= 10;
  const int64_t amount = money.amount_minor();
  std::string number = absl::StrCat(amount / scale);
  if (digits > 0) {
    absl::StrAppend(&number, ".",
                    absl::StrFormat("%0*d", digits, amount % scale));
  }
  return absl::StrCat(money.currency(), " ", number);
}

// "2020-01-06", "2020-01" or "2020" as much as is known.
std::string RenderDate(const v1::Date& d) {
  if (d.year() == 0) return "";
  if (d.month() == 0) return absl::StrFormat("%04d", d.year());
  if (d.day() == 0) return absl::StrFormat("%04d-%02d", d.year(), d.month());
  return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day());
}

std::string RenderTimestamp(const google::protobuf::Timestamp& t) {
  if (t.seconds() == 0 && t.nanos() == 0) return "";
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ",
                          absl::FromUnixSeconds(t.seconds()),
                          absl::UTCTimeZone());
}

// An enum value by its short name: STATUS_ACTIVE → ACTIVE; "" for 0. With
// `labels`, by its first Chinese label when it has one (男, 华侨).
std::string RenderEnum(const google::protobuf::EnumValueDescriptor* v,
                       bool labels) {
  if (v == nullptr || v->number() == 0) return "";
  if (labels && v->options().ExtensionSize(v1::label) > 0) {
    return v->options().GetExtension(v1::label, 0);
  }
  absl::string_view name = v->name();
  const size_t underscore = name.find('_');
  if (underscore != absl::string_view::npos) name.remove_prefix(underscore + 1);
  return std::string(name);
}

std::string RenderMessage(const Message& m) {
  const Descriptor* d = m.GetDescriptor();
  if (d == v1::Date::descriptor()) {
    return RenderDate(static_cast<const v1::Date&>(m));
  }
  if (d == v1::Money::descriptor()) {
    return RenderMoney(static_cast<const v1::Money&>(m));
  }
  if (d == v1::Ref::descriptor()) {
    const auto& ref = static_cast<const v1::Ref&>(m);
    if (ref.id() == 0) return "";
    return absl::StrCat(KindName(ref.kind()), ":", ref.id());
  }
  if (d == google::protobuf::Timestamp::descriptor()) {
    return RenderTimestamp(static_cast<const google::protobuf::Timestamp&>(m));
  }
  if (m.ByteSizeLong() == 0) return "";
  absl::StatusOr<std::string> json = RecordToJson(m);
  return json.ok() ? *json : "";
}

// Element `index` of repeated field `f`, or the singular value (index -1).
std::string RenderScalar(const Message& m, const FieldDescriptor* f, int index,
                         bool labels) {
  const Reflection* r = m.GetReflection();
  const bool rep = index >= 0;
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      return rep ? r->GetRepeatedString(m, f, index) : r->GetString(m, f);
    case FieldDescriptor::CPPTYPE_ENUM:
      return RenderEnum(
          rep ? r->GetRepeatedEnum(m, f, index) : r->GetEnum(m, f), labels);
    case FieldDescriptor::CPPTYPE_BOOL:
      return (rep ? r->GetRepeatedBool(m, f, index) : r->GetBool(m, f))
                 ? "true"
                 : "false";
    case FieldDescriptor::CPPTYPE_INT32: {
      const int32_t v =
          rep ? r->GetRepeatedInt32(m, f, index) : r->GetInt32(m, f);
      return v == 0 && !rep ? "" : absl::StrCat(v);
    }
    case FieldDescriptor::CPPTYPE_INT64: {
      const int64_t v =
          rep ? r->GetRepeatedInt64(m, f, index) : r->GetInt64(m, f);
      return v == 0 && !rep ? "" : absl::StrCat(v);
    }
    case FieldDescriptor::CPPTYPE_UINT32: {
      const uint32_t v =
          rep ? r->GetRepeatedUInt32(m, f, index) : r->GetUInt32(m, f);
      return v == 0 && !rep ? "" : absl::StrCat(v);
    }
    case FieldDescriptor::CPPTYPE_UINT64: {
      const uint64_t v =
          rep ? r->GetRepeatedUInt64(m, f, index) : r->GetUInt64(m, f);
      return v == 0 && !rep ? "" : absl::StrCat(v);
    }
    case FieldDescriptor::CPPTYPE_DOUBLE:
      return absl::StrCat(rep ? r->GetRepeatedDouble(m, f, index)
                              : r->GetDouble(m, f));
    case FieldDescriptor::CPPTYPE_FLOAT:
      return absl::StrCat(rep ? r->GetRepeatedFloat(m, f, index)
                              : r->GetFloat(m, f));
    case FieldDescriptor::CPPTYPE_MESSAGE:
      if (rep) return RenderMessage(r->GetRepeatedMessage(m, f, index));
      if (!r->HasField(m, f)) return "";
      return RenderMessage(r->GetMessage(m, f));
  }
  return "";
}

// --- Columns ----------------------------------------------------------------

struct ExportColumn {
  std::string header;                        // snake_case field path.
  std::vector<const FieldDescriptor*> path;  // Resolved.
  bool list = false;  // The path passes through or ends in a repeated field.
};

absl::StatusOr<ExportColumn> ResolveColumn(Kind kind, absl::string_view text) {
  const Descriptor* d = DescriptorOf(kind);
  std::string path(absl::StripAsciiWhitespace(text));
  // A column may be named by its Chinese header too (姓名, 企业名称).
  if (absl::string_view p = ingest::PathOfChineseHeader(kind, path);
      !p.empty()) {
    path = std::string(p);
  }
  if (path == "id") return ResolveColumn(kind, "meta.id");
  ExportColumn c;
  std::vector<std::string> names;
  const Descriptor* cur = d;
  for (absl::string_view seg : absl::StrSplit(path, '.')) {
    if (cur == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("column \"", path, "\" goes past a value"));
    }
    const FieldDescriptor* f = cur->FindFieldByName(std::string(seg));
    if (f == nullptr) f = cur->FindFieldByCamelcaseName(std::string(seg));
    if (f == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("column \"", path, "\": unknown field \"", seg, "\" in ",
                       cur->name()));
    }
    c.path.push_back(f);
    c.list = c.list || f->is_repeated();
    names.push_back(std::string(f->name()));
    cur = f->message_type();
    if (cur != nullptr && model::IsValueMessage(cur)) cur = nullptr;
  }
  c.header = absl::StrJoin(names, ".");
  if (c.header == "meta.id") c.header = "id";
  return c;
}

// The default columns of a kind: id, then every top-level value (scalars,
// enums, dates, money, refs, timestamps, lists of them), the values inside
// singular messages one level down (legal_representative.name, address.text,
// registration_division.province...), and type and number/value of identity
// documents and contacts.
std::vector<std::string> DefaultColumns(const Descriptor* d) {
  std::vector<std::string> out = {"id"};
  auto is_value = [](const FieldDescriptor* f) {
    return f->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE ||
           model::IsValueMessage(f->message_type());
  };
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    if (f->name() == "meta") continue;
    if (is_value(f)) {
      out.push_back(std::string(f->name()));
      continue;
    }
    const Descriptor* sub = f->message_type();
    if (f->is_repeated()) {
      if (sub == v1::Contact::descriptor()) {
        out.push_back(absl::StrCat(f->name(), ".type"));
        out.push_back(absl::StrCat(f->name(), ".value"));
      } else if (sub == v1::IdentityDocument::descriptor()) {
        out.push_back(absl::StrCat(f->name(), ".type"));
        out.push_back(absl::StrCat(f->name(), ".number"));
      }
      continue;
    }
    for (int j = 0; j < sub->field_count(); ++j) {
      const FieldDescriptor* g = sub->field(j);
      if (is_value(g)) out.push_back(absl::StrCat(f->name(), ".", g->name()));
    }
  }
  return out;
}

// Appends the values at `path[i..]` of `m`; through repeated messages, one
// per element.
void Collect(const Message& m, const std::vector<const FieldDescriptor*>& path,
             size_t i, bool labels, std::vector<std::string>* out) {
  const FieldDescriptor* f = path[i];
  const Reflection* r = m.GetReflection();
  if (i + 1 == path.size()) {
    if (f->is_repeated()) {
      for (int k = 0; k < r->FieldSize(m, f); ++k) {
        out->push_back(RenderScalar(m, f, k, labels));
      }
    } else {
      out->push_back(RenderScalar(m, f, -1, labels));
    }
    return;
  }
  if (f->is_repeated()) {
    for (int k = 0; k < r->FieldSize(m, f); ++k) {
      Collect(r->GetRepeatedMessage(m, f, k), path, i + 1, labels, out);
    }
  } else if (r->HasField(m, f)) {
    Collect(r->GetMessage(m, f), path, i + 1, labels, out);
  }
}

std::string CellOf(const Message& m, const ExportColumn& c, bool labels) {
  std::vector<std::string> values;
  Collect(m, c.path, 0, labels, &values);
  bool any = false;
  for (const std::string& v : values) any = any || !v.empty();
  if (!any) return "";
  std::string cell = absl::StrJoin(values, kListSeparator);
  // A list of one item that holds a separator the importer splits lists at
  // (陈明/阿明, "A,B"): a trailing 、 tells it that the cell is one item.
  if (c.list && values.size() == 1 &&
      (cell.find_first_of(",;/\n") != std::string::npos ||
       absl::StrContains(cell, "，") || absl::StrContains(cell, "；"))) {
    absl::StrAppend(&cell, kListSeparator);
  }
  return cell;
}

// --- CSV
// ----------------------------------------------------------------------

// Spreadsheet-safe, RFC 4180-quoted cell.
std::string CsvCell(absl::string_view value) {
  std::string v(value);
  if (!v.empty() && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@' ||
                     v[0] == '\t' || v[0] == '\r')) {
    v.insert(0, "'");
  }
  const bool quote = v.find_first_of(",\"\r\n") != std::string::npos ||
                     (!v.empty() && (v.front() == ' ' || v.back() == ' '));
  if (!quote) return v;
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

void WriteCsvRow(const std::vector<std::string>& cells, std::ostream& out) {
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i > 0) out << ',';
    out << CsvCell(cells[i]);
  }
  out << "\r\n";
}

absl::StatusOr<Kind> KindOfQuery(absl::string_view query) {
  absl::string_view q = absl::StripLeadingAsciiWhitespace(query);
  size_t end = 0;
  while (end < q.size() &&
         !absl::ascii_isspace(static_cast<unsigned char>(q[end]))) {
    ++end;
  }
  return ParseKind(q.substr(0, end));
}

// A temporary file, removed when this goes out of scope.
class TempFile {
 public:
  static absl::StatusOr<TempFile> Create(const std::string& near) {
    std::string templ = near.empty() ? (std::filesystem::temp_directory_path() /
                                        "qiaolian-export-XXXXXX")
                                           .string()
                                     : near + ".tmp-XXXXXX";
    const int fd = mkstemp(templ.data());
    if (fd < 0) {
      return absl::UnavailableError(
          absl::StrCat("cannot create a temporary file ", templ, ": ",
                       std::strerror(errno)));
    }
    close(fd);
    return TempFile(std::move(templ));
  }
  TempFile(TempFile&& o) noexcept : path_(std::move(o.path_)) {
    o.path_.clear();
  }
  TempFile& operator=(TempFile&&) = delete;
  ~TempFile() {
    if (!path_.empty()) std::remove(path_.c_str());
  }
  const std::string& path() const { return path_; }
  // Keeps the file: it is no longer removed.
  void Release() { path_.clear(); }

 private:
  explicit TempFile(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

// Whether a column holds one whole number (written as a number in .xlsx).
bool IsNumberColumn(const ExportColumn& c) {
  for (const FieldDescriptor* f : c.path) {
    if (f->is_repeated()) return false;
  }
  switch (c.path.back()->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
    case FieldDescriptor::CPPTYPE_INT64:
    case FieldDescriptor::CPPTYPE_UINT32:
    case FieldDescriptor::CPPTYPE_UINT64:
      return true;
    default:
      return false;
  }
}

enum class Format { kCsv, kJsonl, kXlsx };

absl::StatusOr<Format> CheckOptions(const ExportOptions& options) {
  const std::string format = absl::AsciiStrToLower(options.format);
  Format f;
  if (format == "csv") {
    f = Format::kCsv;
  } else if (format == "jsonl") {
    f = Format::kJsonl;
  } else if (format == "xlsx") {
    f = Format::kXlsx;
  } else {
    return absl::InvalidArgumentError(absl::StrCat(
        "unknown export format \"", options.format, "\" (csv, jsonl or xlsx)"));
  }
  if (f != Format::kCsv && options.bom) {
    return absl::InvalidArgumentError("a BOM is only written to CSV");
  }
  if (f == Format::kJsonl && options.labels) {
    return absl::InvalidArgumentError(
        "labels apply to CSV and xlsx only; JSON Lines keeps the enum names");
  }
  if (f == Format::kJsonl && options.chinese_headers) {
    return absl::InvalidArgumentError(
        "chinese_headers apply to CSV and xlsx only; JSON Lines keys are the "
        "schema's JSON names");
  }
  if (f == Format::kJsonl && !options.columns.empty()) {
    return absl::InvalidArgumentError(
        "columns apply to CSV and xlsx only; JSON Lines holds whole records");
  }
  return f;
}

// Writes the export to `out` (CSV, JSON Lines) or, for xlsx, to the
// workbook file `xlsx_path`.
absl::StatusOr<uint64_t> ExportTo(const Store& store, absl::string_view query,
                                  const ExportOptions& options, Format format,
                                  std::ostream* out,
                                  const std::string& xlsx_path) {
  const bool csv = format == Format::kCsv;
  const bool xlsx = format == Format::kXlsx;
  QueryOptions qo;
  qo.allow_scan = options.allow_scan;
  qo.page_size = kPageSize;
  QL_ASSIGN_OR_RETURN(QueryPage page, store.Query(query, qo));
  QL_ASSIGN_OR_RETURN(Kind kind, KindOfQuery(query));

  std::vector<ExportColumn> columns;
  ingest::XlsxWriter sheet;
  std::vector<ingest::XlsxWriter::Cell> xcells;
  if (xlsx || csv) {
    const std::vector<std::string> names =
        options.columns.empty() ? DefaultColumns(DescriptorOf(kind))
                                : options.columns;
    for (const std::string& name : names) {
      QL_ASSIGN_OR_RETURN(ExportColumn c, ResolveColumn(kind, name));
      if (options.chinese_headers) {
        // A path without a Chinese header (one picked by `columns` from
        // deeper in the record) keeps the path.
        absl::string_view zh = ingest::ChineseHeader(kind, c.header);
        if (!zh.empty()) c.header = std::string(zh);
      }
      columns.push_back(std::move(c));
    }
  }
  if (xlsx) {
    QL_RETURN_IF_ERROR(sheet.Open(xlsx_path, KindName(kind)));
    for (const ExportColumn& c : columns) xcells.push_back({c.header, false});
    QL_RETURN_IF_ERROR(sheet.AddRow(xcells));
  }
  if (csv) {
    if (options.bom) *out << "\xEF\xBB\xBF";
    std::vector<std::string> header;
    for (const ExportColumn& c : columns) header.push_back(c.header);
    WriteCsvRow(header, *out);
  }

  uint64_t rows = 0;
  std::vector<std::string> cells;
  ReadOptions read;
  read.unmasked = options.unmasked;
  read.actor = options.actor;
  read.purpose = "export";
  while (true) {
    // The page's records are our own copies: masking leaves the store be.
    // Unmasked, the page is written to the audit log before any of it is
    // written out.
    std::vector<Message*> records;
    for (std::unique_ptr<Message>& record : page.records) {
      records.push_back(record.get());
    }
    QL_RETURN_IF_ERROR(MaskOrAudit(store, records, read));
    for (std::unique_ptr<Message>& record : page.records) {
      if (xlsx) {
        xcells.clear();
        for (const ExportColumn& c : columns) {
          xcells.push_back(
              {CellOf(*record, c, options.labels), IsNumberColumn(c)});
        }
        QL_RETURN_IF_ERROR(sheet.AddRow(xcells));
      } else if (csv) {
        cells.clear();
        for (const ExportColumn& c : columns)
          cells.push_back(CellOf(*record, c, options.labels));
        WriteCsvRow(cells, *out);
      } else {
        QL_ASSIGN_OR_RETURN(std::string json, RecordToJson(*record));
        *out << json << '\n';
      }
      ++rows;
    }
    if (!xlsx && !*out) {
      return absl::UnavailableError("writing the export failed");
    }
    if (page.next_cursor.empty()) break;
    qo.cursor = std::move(page.next_cursor);
    page.records.clear();
    QL_ASSIGN_OR_RETURN(page, store.Query(query, qo));
  }
  if (xlsx) {
    QL_RETURN_IF_ERROR(sheet.Close());
    return rows;
  }
  out->flush();
  if (!*out) return absl::UnavailableError("writing the export failed");
  return rows;
}

}  // namespace

absl::StatusOr<uint64_t> Export(const Store& store, absl::string_view query,
                                const ExportOptions& options,
                                std::ostream& out) {
  QL_ASSIGN_OR_RETURN(Format format, CheckOptions(options));
  if (format != Format::kXlsx) {
    return ExportTo(store, query, options, format, &out, "");
  }
  // A zip is written with seeks: build it in a temporary file, then copy.
  QL_ASSIGN_OR_RETURN(TempFile tmp, TempFile::Create(""));
  QL_ASSIGN_OR_RETURN(uint64_t rows, ExportTo(store, query, options, format,
                                              nullptr, tmp.path()));
  std::ifstream in(tmp.path(), std::ios::binary);
  out << in.rdbuf();
  out.flush();
  if (!in || !out) return absl::UnavailableError("writing the export failed");
  return rows;
}

absl::StatusOr<uint64_t> ExportToFile(const Store& store,
                                      absl::string_view query,
                                      const ExportOptions& options,
                                      const std::string& path) {
  QL_ASSIGN_OR_RETURN(Format format, CheckOptions(options));
  if (path.empty()) return absl::InvalidArgumentError("no output file given");
  QL_ASSIGN_OR_RETURN(TempFile tmp, TempFile::Create(path));
  uint64_t rows = 0;
  if (format == Format::kXlsx) {
    QL_ASSIGN_OR_RETURN(
        rows, ExportTo(store, query, options, format, nullptr, tmp.path()));
  } else {
    std::ofstream out(tmp.path(), std::ios::binary | std::ios::trunc);
    if (!out) {
      return absl::UnavailableError(absl::StrCat("cannot write ", tmp.path()));
    }
    QL_ASSIGN_OR_RETURN(rows,
                        ExportTo(store, query, options, format, &out, ""));
    out.close();
    if (!out) return absl::UnavailableError(absl::StrCat("writing ", path));
  }
  if (std::rename(tmp.path().c_str(), path.c_str()) != 0) {
    return absl::UnavailableError(absl::StrCat(
        "cannot move ", tmp.path(), " to ", path, ": ", std::strerror(errno)));
  }
  tmp.Release();
  return rows;
}

}  // namespace qiaolian
