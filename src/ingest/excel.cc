// Excel readers (src/ingest/excel.h).
#include "src/ingest/excel.h"

#include <expat.h>
#include <freexl.h>
#include <unzip.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <deque>
#include <filesystem>
#include <map>
#include <set>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "src/util/status_macros.h"

namespace qiaolian {
namespace ingest {
namespace {

// Whole numbers print without a fraction; anything else keeps its text.
std::string NumberText(absl::string_view written) {
  double d;
  if (absl::SimpleAtod(written, &d) && std::isfinite(d) &&
      std::fabs(d) < 1e15 && d == std::floor(d)) {
    return absl::StrCat(static_cast<int64_t>(d));
  }
  return std::string(written);
}

// An Excel serial day number (1900 or 1904 system) as ISO text: a date, a
// date and time, or a time of day (serial < 1).
std::string SerialToText(double serial, bool date1904) {
  int64_t secs = std::llround(serial * 86400.0);
  int64_t days = secs / 86400;
  int64_t sod = secs % 86400;
  std::string time =
      absl::StrFormat("%02d:%02d:%02d", sod / 3600, sod / 60 % 60, sod % 60);
  if (days == 0 && !date1904) return time;
  // Days since 1970-01-01. The 1900 system counts a 29 February 1900 that
  // did not exist (serial 60); serials from 61 on start at 1899-12-30.
  int64_t z = date1904     ? days + 24107 - 25569 + 1462
              : days >= 61 ? days - 25569
                           : days - 25568;
  // Civil from days (H. Hinnant).
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t d = doy - (153 * mp + 2) / 5 + 1;
  const int64_t m = mp < 10 ? mp + 3 : mp - 9;
  const int64_t y = yoe + era * 400 + (m <= 2);
  std::string date = absl::StrFormat("%04d-%02d-%02d", y, m, d);
  return sod == 0 ? date : absl::StrCat(date, " ", time);
}

// Shapes rows like a CSV file's: skips rows without content, pads or trims
// trailing empty cells to the header's width, and fills Row::raw.
class RowShaper {
 public:
  // False when the row is to be skipped.
  bool Shape(Row* row) {
    bool any = false;
    for (const std::string& f : row->fields) any = any || !f.empty();
    if (!any) return false;
    row->error.clear();
    if (width_ == 0) {
      while (!row->fields.empty() && row->fields.back().empty()) {
        row->fields.pop_back();
      }
      width_ = row->fields.size();
      row->raw = absl::StrJoin(row->fields, ",");
    } else {
      Fit(row);
    }
    return true;
  }
  // Pads `row`, or trims its trailing empty cells, to the width.
  void Fit(Row* row) const {
    while (row->fields.size() > width_ && row->fields.back().empty()) {
      row->fields.pop_back();
    }
    if (row->fields.size() < width_) row->fields.resize(width_);
    row->raw = absl::StrJoin(row->fields, ",");
  }
  void set_width(size_t width) { width_ = width; }

 private:
  size_t width_ = 0;
};

absl::Status Invalid(const std::string& path, absl::string_view what) {
  return absl::InvalidArgumentError(
      absl::StrCat(path, " is not a valid workbook: ", what));
}

// The local name of an XML element or attribute ("x:row" → "row").
absl::string_view Local(const char* name) {
  absl::string_view n(name);
  size_t colon = n.rfind(':');
  return colon == absl::string_view::npos ? n : n.substr(colon + 1);
}

const char* Attr(const char** atts, absl::string_view local) {
  for (int i = 0; atts[i] != nullptr; i += 2) {
    if (Local(atts[i]) == local) return atts[i + 1];
  }
  return nullptr;
}

// --- .xlsx

class Zip {
 public:
  explicit Zip(const std::string& path) : path_(path) {
    zip_ = unzOpen64(path.c_str());
  }
  ~Zip() {
    if (open_) unzCloseCurrentFile(zip_);
    if (zip_ != nullptr) unzClose(zip_);
  }
  Zip(const Zip&) = delete;
  Zip& operator=(const Zip&) = delete;

  bool ok() const { return zip_ != nullptr; }

  // Opens a member for reading (closing any other).
  absl::Status Open(const std::string& name) {
    if (open_) unzCloseCurrentFile(zip_);
    open_ = false;
    if (unzLocateFile(zip_, name.c_str(), 0) != UNZ_OK) {
      return Invalid(path_, absl::StrCat("it has no ", name));
    }
    unz_file_info64 info;
    if (unzGetCurrentFileInfo64(zip_, &info, nullptr, 0, nullptr, 0, nullptr,
                                0) != UNZ_OK ||
        unzOpenCurrentFile(zip_) != UNZ_OK) {
      return Invalid(path_, absl::StrCat("cannot open ", name));
    }
    open_ = true;
    size_ = info.uncompressed_size;
    read_ = 0;
    member_ = name;
    return absl::OkStatus();
  }

  // Reads the open member: bytes appended, 0 at its end.
  absl::StatusOr<size_t> Read(char* buf, size_t n) {
    int got = unzReadCurrentFile(zip_, buf, static_cast<unsigned>(n));
    if (got < 0) {
      return Invalid(path_, absl::StrCat("cannot decompress ", member_,
                                         " (minizip error ", got, ")"));
    }
    read_ += got;
    return static_cast<size_t>(got);
  }

  uint64_t size() const { return size_; }
  uint64_t read() const { return read_; }
  const std::string& member() const { return member_; }

 private:
  std::string path_;
  unzFile zip_ = nullptr;
  bool open_ = false;
  uint64_t size_ = 0, read_ = 0;
  std::string member_;
};

// Parses a member with expat, calling the handler's Start/End/Text.
template <typename Handler>
class XmlParser {
 public:
  explicit XmlParser(Handler* h) : parser_(XML_ParserCreate("UTF-8")) {
    XML_SetUserData(parser_, h);
    XML_SetElementHandler(
        parser_,
        [](void* ud, const XML_Char* name, const XML_Char** atts) {
          static_cast<Handler*>(ud)->Start(Local(name), atts);
        },
        [](void* ud, const XML_Char* name) {
          static_cast<Handler*>(ud)->End(Local(name));
        });
    XML_SetCharacterDataHandler(
        parser_, [](void* ud, const XML_Char* s, int len) {
          static_cast<Handler*>(ud)->Text(absl::string_view(s, len));
        });
  }
  ~XmlParser() { XML_ParserFree(parser_); }
  XmlParser(const XmlParser&) = delete;
  XmlParser& operator=(const XmlParser&) = delete;

  // Feeds the next chunk of the member (`final` at its end).
  absl::Status Feed(const std::string& path, const Zip& zip, const char* data,
                    size_t n, bool final) {
    if (XML_Parse(parser_, data, static_cast<int>(n), final) ==
        XML_STATUS_ERROR) {
      return Invalid(path,
                     absl::StrCat(zip.member(), " line ",
                                  XML_GetCurrentLineNumber(parser_), ": ",
                                  XML_ErrorString(XML_GetErrorCode(parser_))));
    }
    return absl::OkStatus();
  }

 private:
  XML_Parser parser_;
};

// The bytes of member `name` (decompressed, not parsed) from the start of
// the first element whose name contains `needle` ("<x:mergeCells ...") to
// the end of the member; empty when `needle` does not occur.
absl::StatusOr<std::string> MemberTail(Zip& zip, const std::string& name,
                                       absl::string_view needle) {
  if (absl::Status s = zip.Open(name); !s.ok()) return s;
  std::string window;  // The end of the last chunk, then the next chunk.
  std::string tail;    // Once found: everything from the element's '<'.
  char buf[1 << 16];
  constexpr size_t kKept = 64;  // Enough for "<prefix:" before the name.
  for (;;) {
    absl::StatusOr<size_t> n = zip.Read(buf, sizeof(buf));
    if (!n.ok()) return n.status();
    if (*n == 0) return tail;
    if (!tail.empty()) {
      tail.append(buf, *n);
      continue;
    }
    window.append(buf, *n);
    const size_t at = absl::string_view(window).find(needle);
    if (at != std::string::npos) {
      const size_t lt = window.rfind('<', at);
      tail = window.substr(lt == std::string::npos ? at : lt);
      continue;
    }
    window.erase(0, window.size() - std::min(window.size(), kKept));
  }
}

// Reads a whole (small) member through a handler.
template <typename Handler>
absl::Status ParseMember(const std::string& path, Zip& zip,
                         const std::string& name, Handler* h) {
  if (absl::Status s = zip.Open(name); !s.ok()) return s;
  XmlParser<Handler> parser(h);
  char buf[1 << 16];
  for (;;) {
    absl::StatusOr<size_t> n = zip.Read(buf, sizeof(buf));
    if (!n.ok()) return n.status();
    if (absl::Status s = parser.Feed(path, zip, buf, *n, *n == 0); !s.ok()) {
      return s;
    }
    if (*n == 0) return absl::OkStatus();
  }
}

// xl/workbook.xml: the sheets in order (name, relationship id, hidden),
// the 1904 flag.
struct WorkbookHandler {
  struct Sheet {
    std::string name, rid;
    bool hidden = false;
  };
  std::vector<Sheet> sheets;
  bool date1904 = false;
  void Start(absl::string_view name, const char** atts) {
    if (name == "sheet") {
      Sheet sheet;
      if (const char* n = Attr(atts, "name")) sheet.name = n;
      if (const char* id = Attr(atts, "id")) sheet.rid = id;
      const char* state = Attr(atts, "state");
      sheet.hidden = state != nullptr && absl::string_view(state) != "visible";
      sheets.push_back(std::move(sheet));
    } else if (name == "workbookPr") {
      const char* d = Attr(atts, "date1904");
      date1904 = d != nullptr && (absl::string_view(d) == "1" ||
                                  absl::string_view(d) == "true");
    }
  }
  void End(absl::string_view) {}
  void Text(absl::string_view) {}
};

// xl/_rels/workbook.xml.rels: relationship id → target, and the ids of
// worksheets (not chart sheets, dialog sheets...).
struct RelsHandler {
  std::map<std::string, std::string> targets;
  std::set<std::string> worksheets;
  void Start(absl::string_view name, const char** atts) {
    if (name != "Relationship") return;
    const char* id = Attr(atts, "Id");
    const char* target = Attr(atts, "Target");
    if (id != nullptr && target != nullptr) targets[id] = target;
    const char* type = Attr(atts, "Type");
    if (id != nullptr && type != nullptr &&
        absl::EndsWith(type, "/relationships/worksheet")) {
      worksheets.insert(id);
    }
  }
  void End(absl::string_view) {}
  void Text(absl::string_view) {}
};

// Collects the text of <t> elements (rich text runs too) outside phonetic
// runs (<rPh>), per <si> (shared strings) or <is> (inline strings).
struct StringCollector {
  int in_t = 0, in_rph = 0;
  std::string text;
  void Start(absl::string_view name) {
    if (name == "t") ++in_t;
    if (name == "rPh") ++in_rph;
  }
  void End(absl::string_view name) {
    if (name == "t" && in_t > 0) --in_t;
    if (name == "rPh" && in_rph > 0) --in_rph;
  }
  void Text(absl::string_view s) {
    if (in_t > 0 && in_rph == 0) text.append(s.data(), s.size());
  }
};

struct SharedStringsHandler {
  std::vector<std::string> strings;
  StringCollector c;
  void Start(absl::string_view name, const char**) {
    if (name == "si") c.text.clear();
    c.Start(name);
  }
  void End(absl::string_view name) {
    c.End(name);
    if (name == "si") strings.push_back(std::move(c.text));
  }
  void Text(absl::string_view s) { c.Text(s); }
};

// Built-in number formats that show dates or times (including the zh-CN
// ones, 27–36 and 50–58).
bool BuiltinDateFormat(int id) {
  return (id >= 14 && id <= 22) || (id >= 27 && id <= 36) ||
         (id >= 45 && id <= 47) || (id >= 50 && id <= 58);
}

// A custom format code shows a date or time when it has y, m, d, h or s
// outside quotes, brackets ([Red], [$-804]) and escapes.
bool CustomDateFormat(absl::string_view code) {
  bool quoted = false, bracket = false;
  for (size_t i = 0; i < code.size(); ++i) {
    char c = code[i];
    if (quoted) {
      quoted = c != '"';
    } else if (bracket) {
      bracket = c != ']';
    } else if (c == '"') {
      quoted = true;
    } else if (c == '[') {
      // [h], [mm], [ss]: elapsed time.
      if (i + 1 < code.size() && std::strchr("hHmMsS", code[i + 1]) != nullptr)
        return true;
      bracket = true;
    } else if (c == '\\' || c == '_' || c == '*') {
      ++i;
    } else if (std::strchr("yYdDmMhHsS", c) != nullptr) {
      return true;
    }
  }
  return false;
}

// xl/styles.xml: which cell styles (xf indices) are dates.
struct StylesHandler {
  std::map<int, std::string> custom;
  std::vector<int> xf_formats;
  bool in_cellxfs = false;
  void Start(absl::string_view name, const char** atts) {
    if (name == "numFmt") {
      const char* id = Attr(atts, "numFmtId");
      const char* code = Attr(atts, "formatCode");
      int n;
      if (id != nullptr && code != nullptr && absl::SimpleAtoi(id, &n)) {
        custom[n] = code;
      }
    } else if (name == "cellXfs") {
      in_cellxfs = true;
    } else if (name == "xf" && in_cellxfs) {
      const char* id = Attr(atts, "numFmtId");
      int n = 0;
      if (id == nullptr || !absl::SimpleAtoi(id, &n)) n = 0;
      xf_formats.push_back(n);
    }
  }
  void End(absl::string_view name) {
    if (name == "cellXfs") in_cellxfs = false;
  }
  void Text(absl::string_view) {}

  std::vector<bool> DateStyles() const {
    std::vector<bool> out;
    for (int f : xf_formats) {
      auto it = custom.find(f);
      out.push_back(it != custom.end() ? CustomDateFormat(it->second)
                                       : BuiltinDateFormat(f));
    }
    return out;
  }
};

// Column number (0-based) of a cell reference ("B3" → 1), or -1.
int ColumnOf(absl::string_view ref) {
  int col = 0;
  size_t i = 0;
  for (; i < ref.size() && absl::ascii_isalpha(ref[i]); ++i) {
    col = col * 26 + (absl::ascii_toupper(ref[i]) - 'A' + 1);
    if (col > 16384) return -1;
  }
  return i == 0 ? -1 : col - 1;
}

// A cell reference ("C12"): column (0-based) and row (1-based); false when
// it is not one.
bool ParseCellRef(absl::string_view ref, int* col, uint64_t* row) {
  size_t letters = 0;
  while (letters < ref.size() && absl::ascii_isalpha(ref[letters])) ++letters;
  *col = ColumnOf(ref.substr(0, letters));
  return *col >= 0 && absl::SimpleAtoi(ref.substr(letters), row) && *row > 0;
}

// A range of merged cells spanning several rows (C3:C10: one 区县 for the
// rows of a group): the rows below the first take the first row's value.
struct MergedRange {
  uint64_t first_row = 0, last_row = 0;
  int col = 0;  // The range's first column, which holds the value.
  std::string value;
};

// The <mergeCells> of a worksheet, which come after its rows: read in a
// pass of their own before the rows are streamed.
struct MergeCellsHandler {
  std::vector<MergedRange> ranges;
  void Start(absl::string_view name, const char** atts) {
    if (name != "mergeCell") return;
    const char* ref = Attr(atts, "ref");
    if (ref == nullptr) return;
    std::pair<absl::string_view, absl::string_view> ends =
        absl::StrSplit(ref, absl::MaxSplits(':', 1));
    MergedRange m;
    int last_col;
    if (ParseCellRef(ends.first, &m.col, &m.first_row) &&
        ParseCellRef(ends.second, &last_col, &m.last_row) &&
        m.last_row > m.first_row) {
      ranges.push_back(std::move(m));
    }
  }
  void End(absl::string_view) {}
  void Text(absl::string_view) {}
};

class XlsxReader : public RowReader {
 public:
  XlsxReader(std::string path, std::unique_ptr<Zip> zip,
             std::vector<std::string> strings, std::vector<bool> date_styles,
             bool date1904, std::vector<MergedRange> merged)
      : path_(std::move(path)),
        zip_(std::move(zip)),
        strings_(std::move(strings)),
        date_styles_(std::move(date_styles)),
        date1904_(date1904),
        merged_(std::move(merged)),
        parser_(this) {
    std::sort(merged_.begin(), merged_.end(),
              [](const MergedRange& a, const MergedRange& b) {
                return a.first_row < b.first_row;
              });
  }

  absl::StatusOr<bool> Next(Row* row) override {
    while (rows_.empty() && !done_) {
      if (!status_.ok()) return status_;
      absl::StatusOr<size_t> n = zip_->Read(buf_, sizeof(buf_));
      if (!n.ok()) return n.status();
      if (*n == 0) done_ = true;
      if (absl::Status s = parser_.Feed(path_, *zip_, buf_, *n, done_);
          !s.ok()) {
        return s;
      }
    }
    if (!status_.ok()) return status_;
    if (rows_.empty()) return false;
    *row = std::move(rows_.front());
    rows_.pop_front();
    // Parsed ahead, before the header's width was known.
    if (refit_ > 0) {
      --refit_;
      shaper_.Fit(row);
    }
    return true;
  }
  uint64_t source_bytes() const override { return zip_->read(); }
  uint64_t source_size() const override { return zip_->size(); }
  void SetHeaderWidth(size_t width) override {
    shaper_.set_width(width);
    refit_ = rows_.size();
  }

  // Expat callbacks.
  void Start(absl::string_view name, const char** atts) {
    if (name == "row") {
      in_row_ = true;
      row_ = Row();
      const char* r = Attr(atts, "r");
      uint64_t n;
      row_.line = r != nullptr && absl::SimpleAtoi(r, &n) ? n : last_line_ + 1;
      next_col_ = 0;
    } else if (name == "c" && in_row_) {
      in_cell_ = true;
      const char* r = Attr(atts, "r");
      int col = r != nullptr ? ColumnOf(r) : next_col_;
      col_ = col < 0 ? next_col_ : col;
      const char* t = Attr(atts, "t");
      type_ = t != nullptr ? t : "n";
      const char* s = Attr(atts, "s");
      size_t style;
      date_ = s != nullptr && absl::SimpleAtoi(s, &style) &&
              style < date_styles_.size() && date_styles_[style];
      v_.clear();
      inline_ = StringCollector();
      in_v_ = false;
    } else if (in_cell_) {
      if (name == "v") in_v_ = true;
      inline_.Start(name);
    }
  }
  void End(absl::string_view name) {
    if (name == "row" && in_row_) {
      in_row_ = false;
      last_line_ = row_.line;
      if (!merged_.empty()) FillMerged(&row_);
      if (shaper_.Shape(&row_)) rows_.push_back(std::move(row_));
    } else if (name == "c" && in_cell_) {
      in_cell_ = false;
      if (static_cast<size_t>(col_) >= row_.fields.size()) {
        row_.fields.resize(col_ + 1);
      }
      row_.fields[col_] = CellText();
      next_col_ = col_ + 1;
    } else if (in_cell_) {
      if (name == "v") in_v_ = false;
      inline_.End(name);
    }
  }
  void Text(absl::string_view s) {
    if (!in_cell_) return;
    if (in_v_) v_.append(s.data(), s.size());
    inline_.Text(s);
  }

 private:
  // Gives the empty cells of `row` that lie below the first row of a
  // merged range that value; a row without any value of its own stays
  // empty (and is skipped). Rows come in order.
  void FillMerged(Row* row) {
    const uint64_t line = row->line;
    while (next_merged_ < merged_.size() &&
           merged_[next_merged_].first_row <= line) {
      active_.push_back(next_merged_++);
    }
    bool any = false;
    for (const std::string& f : row->fields) any = any || !f.empty();
    size_t kept = 0;
    for (size_t i : active_) {
      MergedRange& m = merged_[i];
      if (m.last_row < line) continue;  // Over: dropped.
      active_[kept++] = i;
      const size_t col = static_cast<size_t>(m.col);
      if (m.first_row == line) {
        m.value = col < row->fields.size() ? row->fields[col] : "";
      } else if (any && !m.value.empty()) {
        if (col >= row->fields.size()) row->fields.resize(col + 1);
        if (row->fields[col].empty()) row->fields[col] = m.value;
      }
    }
    active_.resize(kept);
  }

  std::string CellText() {
    if (type_ == "s") {
      size_t i;
      if (!absl::SimpleAtoi(v_, &i) || i >= strings_.size()) {
        if (status_.ok()) {
          status_ = Invalid(
              path_, absl::StrCat("row ", row_.line, ": shared string index \"",
                                  v_, "\" out of range"));
        }
        return "";
      }
      return strings_[i];
    }
    if (type_ == "inlineStr") return inline_.text;
    if (type_ == "b") return v_ == "1" ? "TRUE" : v_ == "0" ? "FALSE" : v_;
    if (type_ == "n") {
      double d;
      if (date_ && absl::SimpleAtod(v_, &d) && d >= 0 && d < 2958466) {
        return SerialToText(d, date1904_);
      }
      return NumberText(v_);
    }
    return v_;  // str, e, d (ISO date text).
  }

  std::string path_;
  std::unique_ptr<Zip> zip_;
  std::vector<std::string> strings_;
  std::vector<bool> date_styles_;
  bool date1904_;
  std::vector<MergedRange> merged_;  // By first row.
  size_t next_merged_ = 0;           // The first not yet begun.
  std::vector<size_t> active_;       // Begun, maybe not over.
  XmlParser<XlsxReader> parser_;
  absl::Status status_;
  char buf_[1 << 16];
  bool done_ = false;
  std::deque<Row> rows_;
  RowShaper shaper_;
  size_t refit_ = 0;  // How many of rows_ were shaped to another width.
  // The row and cell being parsed.
  Row row_;
  bool in_row_ = false, in_cell_ = false, in_v_ = false, date_ = false;
  uint64_t last_line_ = 0;
  int col_ = 0, next_col_ = 0;
  std::string type_, v_;
  StringCollector inline_;
};

// The sheet `want` names among `names` (in the workbook's order): by name,
// else by its number (1-based); "" is the first sheet that is not hidden
// (the first, if all are).
absl::StatusOr<size_t> ChooseSheet(const std::string& path,
                                   const std::vector<std::string>& names,
                                   const std::vector<bool>& hidden,
                                   const std::string& want) {
  if (want.empty()) {
    for (size_t i = 0; i < names.size(); ++i) {
      if (!hidden[i]) return i;
    }
    return 0;
  }
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == want) return i;
  }
  size_t n = 0;
  if (absl::SimpleAtoi(want, &n) && n >= 1 && n <= names.size()) return n - 1;
  std::vector<std::string> listed;
  for (size_t i = 0; i < names.size(); ++i) {
    listed.push_back(absl::StrCat(i + 1, " \"", names[i], "\""));
  }
  return absl::InvalidArgumentError(
      absl::StrCat(path, " has no sheet \"", want, "\" (its sheets: ",
                   absl::StrJoin(listed, ", "), "; give a name or a number)"));
}

// Resolves a relationship target against xl/.
std::string PartPath(const std::string& target) {
  if (!target.empty() && target[0] == '/') return target.substr(1);
  std::filesystem::path p = std::filesystem::path("xl") / target;
  return p.lexically_normal().generic_string();
}

bool HasMember(Zip& zip, const std::string& name) {
  return zip.Open(name).ok();
}

absl::StatusOr<std::unique_ptr<RowReader>> OpenXlsx(const std::string& path,
                                                    const std::string& want,
                                                    ExcelSheets* sheets) {
  auto zip = std::make_unique<Zip>(path);
  if (!zip->ok()) return Invalid(path, "not a zip archive (.xlsx)");
  WorkbookHandler wb;
  if (absl::Status s = ParseMember(path, *zip, "xl/workbook.xml", &wb);
      !s.ok()) {
    return s;
  }
  RelsHandler rels;
  if (absl::Status s =
          ParseMember(path, *zip, "xl/_rels/workbook.xml.rels", &rels);
      !s.ok()) {
    return s;
  }
  // Worksheets only: a chart sheet has no cells.
  std::vector<WorkbookHandler::Sheet> listed;
  for (WorkbookHandler::Sheet& sh : wb.sheets) {
    if (rels.targets.count(sh.rid) == 0 || rels.worksheets.count(sh.rid) > 0) {
      listed.push_back(std::move(sh));
    }
  }
  if (listed.empty()) return Invalid(path, "xl/workbook.xml lists no sheet");
  std::vector<std::string> names;
  std::vector<bool> hidden;
  for (const WorkbookHandler::Sheet& sh : listed) {
    names.push_back(sh.name);
    hidden.push_back(sh.hidden);
  }
  QL_ASSIGN_OR_RETURN(size_t chosen, ChooseSheet(path, names, hidden, want));
  const WorkbookHandler::Sheet& pick = listed[chosen];
  auto it = rels.targets.find(pick.rid);
  if (it == rels.targets.end()) {
    return Invalid(path,
                   absl::StrCat("the relationship ", pick.rid, " of sheet \"",
                                pick.name, "\" is missing"));
  }
  if (sheets != nullptr) {
    sheets->all = names;
    sheets->hidden = hidden;
    sheets->chosen = pick.name;
  }
  const std::string sheet = PartPath(it->second);
  SharedStringsHandler ss;
  if (HasMember(*zip, "xl/sharedStrings.xml")) {
    if (absl::Status s = ParseMember(path, *zip, "xl/sharedStrings.xml", &ss);
        !s.ok()) {
      return s;
    }
  }
  StylesHandler styles;
  if (HasMember(*zip, "xl/styles.xml")) {
    if (absl::Status s = ParseMember(path, *zip, "xl/styles.xml", &styles);
        !s.ok()) {
      return s;
    }
  }
  // Most sheets (every export) merge nothing, and the list comes after the
  // rows: the sheet's bytes are scanned for it, and only the list is
  // parsed (the whole sheet, should the list not parse on its own).
  MergeCellsHandler merged;
  QL_ASSIGN_OR_RETURN(std::string tail, MemberTail(*zip, sheet, "mergeCells"));
  if (!tail.empty()) {
    const size_t end = tail.rfind("mergeCells>");
    bool parsed = false;
    if (end != std::string::npos) {
      tail.resize(end + std::strlen("mergeCells>"));
      tail = absl::StrCat("<tail>", tail, "</tail>");
      XmlParser<MergeCellsHandler> parser(&merged);
      parsed = parser.Feed(path, *zip, tail.data(), tail.size(), true).ok();
    }
    if (!parsed) {
      merged = MergeCellsHandler();
      if (absl::Status s = ParseMember(path, *zip, sheet, &merged); !s.ok()) {
        return s;
      }
    }
  }
  if (absl::Status s = zip->Open(sheet); !s.ok()) return s;
  return std::unique_ptr<RowReader>(new XlsxReader(
      path, std::move(zip), std::move(ss.strings), styles.DateStyles(),
      wb.date1904, std::move(merged.ranges)));
}

// --- .xls

std::string DoubleText(double d) {
  if (std::isfinite(d) && std::fabs(d) < 1e15 && d == std::floor(d)) {
    return absl::StrCat(static_cast<int64_t>(d));
  }
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.15g", d);
  return buf;
}

class XlsReader : public RowReader {
 public:
  XlsReader(std::string path, const void* handle, unsigned rows,
            unsigned short cols)
      : path_(std::move(path)), handle_(handle), rows_(rows), cols_(cols) {}
  ~XlsReader() override { freexl_close(handle_); }

  absl::StatusOr<bool> Next(Row* row) override {
    while (next_ < rows_) {
      unsigned r = next_++;
      Row out;
      out.line = r + 1;
      out.fields.resize(cols_);
      for (unsigned short c = 0; c < cols_; ++c) {
        FreeXL_CellValue v;
        int rc = freexl_get_cell_value(handle_, r, c, &v);
        if (rc != FREEXL_OK) {
          return Invalid(path_, absl::StrCat("row ", r + 1, " column ", c + 1,
                                             ": FreeXL error ", rc));
        }
        switch (v.type) {
          case FREEXL_CELL_INT:
            out.fields[c] = absl::StrCat(v.value.int_value);
            break;
          case FREEXL_CELL_DOUBLE:
            out.fields[c] = DoubleText(v.value.double_value);
            break;
          case FREEXL_CELL_TEXT:
          case FREEXL_CELL_SST_TEXT:
          case FREEXL_CELL_DATE:
          case FREEXL_CELL_DATETIME:
          case FREEXL_CELL_TIME:
            if (v.value.text_value != nullptr) {
              out.fields[c] = v.value.text_value;
            }
            break;
          default:
            break;
        }
      }
      if (shaper_.Shape(&out)) {
        *row = std::move(out);
        return true;
      }
    }
    return false;
  }
  uint64_t source_bytes() const override { return next_; }
  uint64_t source_size() const override { return rows_; }
  void SetHeaderWidth(size_t width) override { shaper_.set_width(width); }

 private:
  std::string path_;
  const void* handle_;
  unsigned rows_;
  unsigned short cols_;
  unsigned next_ = 0;
  RowShaper shaper_;
};

absl::StatusOr<std::unique_ptr<RowReader>> OpenXls(const std::string& path,
                                                   const std::string& want,
                                                   ExcelSheets* sheets) {
  const void* h = nullptr;
  int rc = freexl_open(path.c_str(), &h);
  if (rc != FREEXL_OK) {
    if (h != nullptr) freexl_close(h);
    return Invalid(
        path, absl::StrCat("not a BIFF .xls file (FreeXL error ", rc, ")"));
  }
  unsigned count = 0;
  if ((rc = freexl_get_info(h, FREEXL_BIFF_SHEET_COUNT, &count)) != FREEXL_OK ||
      count == 0) {
    freexl_close(h);
    return Invalid(path, absl::StrCat("no worksheet (FreeXL error ", rc, ")"));
  }
  std::vector<std::string> names;
  for (unsigned i = 0; i < count && i <= 0xFFFF; ++i) {
    const char* name = nullptr;
    names.push_back(freexl_get_worksheet_name(h, static_cast<unsigned short>(i),
                                              &name) == FREEXL_OK &&
                            name != nullptr
                        ? std::string(name)
                        : std::string());
  }
  absl::StatusOr<size_t> chosen =
      ChooseSheet(path, names, std::vector<bool>(names.size(), false), want);
  if (!chosen.ok()) {
    freexl_close(h);
    return chosen.status();
  }
  unsigned rows = 0;
  unsigned short cols = 0;
  if ((rc = freexl_select_active_worksheet(
           h, static_cast<unsigned short>(*chosen))) != FREEXL_OK ||
      (rc = freexl_worksheet_dimensions(h, &rows, &cols)) != FREEXL_OK) {
    freexl_close(h);
    return Invalid(path,
                   absl::StrCat("cannot read the worksheet \"", names[*chosen],
                                "\" (FreeXL error ", rc, ")"));
  }
  if (sheets != nullptr) {
    sheets->all = names;
    sheets->hidden.assign(names.size(), false);
    sheets->chosen = names[*chosen];
  }
  return std::unique_ptr<RowReader>(new XlsReader(path, h, rows, cols));
}

}  // namespace

absl::StatusOr<std::unique_ptr<RowReader>> OpenExcel(const std::string& path,
                                                     const std::string& format,
                                                     const std::string& sheet,
                                                     ExcelSheets* sheets) {
  std::string f = absl::AsciiStrToLower(format);
  if (f == "xlsx" || f == "xlsm") return OpenXlsx(path, sheet, sheets);
  if (f == "xls") return OpenXls(path, sheet, sheets);
  return absl::InvalidArgumentError(absl::StrCat(
      path, ": not an Excel format \"", format, "\"; expected xlsx or xls"));
}

absl::StatusOr<std::unique_ptr<RowReader>> OpenExcel(
    const std::string& path, const std::string& format) {
  return OpenExcel(path, format, "", nullptr);
}

absl::StatusOr<std::unique_ptr<RowReader>> OpenExcel(const std::string& path) {
  std::string ext =
      absl::AsciiStrToLower(std::filesystem::path(path).extension().string());
  if (ext == ".xlsx" || ext == ".xlsm") return OpenXlsx(path, "", nullptr);
  if (ext == ".xls") return OpenXls(path, "", nullptr);
  return absl::InvalidArgumentError(absl::StrCat(
      path, ": not an Excel file name (expected .xlsx, .xlsm or .xls)"));
}

}  // namespace ingest
}  // namespace qiaolian
