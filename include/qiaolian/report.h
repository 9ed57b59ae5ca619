// The annual work report (年度工作总结): figures computed from the records,
// each with the records behind it, rendered as Markdown, text, CSV, JSON or a
// self-contained HTML page with SVG charts.
//
//   absl::StatusOr<Report> spec = LoadReportSpecFile("report.textproto");
//   ReportPeriod year{{2020, 1, 1}, {2020, 12, 31}};
//   absl::StatusOr<ReportResult> r = RunReport(*store, *spec, year);
//   std::string md = RenderReport(*r, ReportFormat::kMarkdown);
//
// A spec (proto/qiaolian/v1/report.proto, docs/report.md) is data: sections of
// figures, each a query, a date field the period applies to and an aggregate.
// All figures of one run read one snapshot of the store. A figure that cannot
// be computed (e.g. money in two currencies without a rate) carries the
// reason instead of a number.
//
// Thread-safety: every function here is thread-safe; a Report is immutable.
#ifndef QIAOLIAN_REPORT_H_
#define QIAOLIAN_REPORT_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "qiaolian/record.h"
#include "qiaolian/store.h"
#include "qiaolian/v1/report.pb.h"

namespace qiaolian {

// A parsed, checked spec, with the file positions of its figures (for error
// messages at run time).
struct Report {
  v1::ReportSpec spec;
  std::string file;  // As given, for messages ("<spec>" for text).
  // "FILE:LINE:COLUMN" of each figure's query, by figure id.
  std::map<std::string, std::string> where;
};

// Parses and checks a spec in protobuf text format. INVALID_ARGUMENT naming
// FILE:LINE:COLUMN and what was expected for a syntax error, an unknown
// field or enum value, and for semantic errors: a duplicate or missing id,
// a query that does not parse or names an unknown kind or field, an unknown
// date field, aggregate field, role or category, a missing aggregate, an
// operand that is not a figure, a chart of an unknown figure, a bad rate.
absl::StatusOr<Report> ParseReportSpec(absl::string_view text,
                                       absl::string_view file = "<spec>");
absl::StatusOr<Report> LoadReportSpecFile(const std::string& path);

struct ReportDate {
  int32_t year = 0, month = 0, day = 0;
};
// An inclusive range of days: a year, a quarter, or any custom range.
struct ReportPeriod {
  ReportDate from, to;
};
// Parses "2020-01-01"; INVALID_ARGUMENT otherwise.
absl::StatusOr<ReportDate> ParseReportDate(absl::string_view text);
std::string FormatReportDate(const ReportDate& d);

// The value of a figure (or of one group of it).
struct FigureValue {
  enum class Type { kNumber, kMoney, kQuantity, kRatio };
  Type type = Type::kNumber;
  int64_t number = 0;  // kNumber.
  // kMoney: minor units per currency as summed (before any conversion);
  // kQuantity: quantity per unit.
  std::map<std::string, int64_t> amounts;
  // kMoney: the amount shown, in minor units of `currency` (after conversion
  // with the spec's rates), when computable.
  std::string currency;
  int64_t shown_minor = 0;
  // kRatio: numerator ÷ denominator.
  int64_t numerator = 0, denominator = 0;
  bool empty = false;  // MAX/MIN of no value, ratio over 0: no value.
  // Non-empty when the value cannot be computed; says why.
  std::string error;
};

struct FigureGroup {
  std::vector<std::string> key;  // One element per group_by, as rendered.
  FigureValue value;
  std::vector<uint64_t> ids;  // Records of the group, ascending.
};

struct FigureResult {
  std::string id;
  std::string section_id;
  const v1::ReportFigure* spec = nullptr;  // Into ReportResult::report.
  Kind kind = v1::KIND_UNSPECIFIED;        // Of `ids` (unset for derived).
  std::string query;  // The query run, period included (empty if derived).
  FigureValue value;
  // The records the aggregate read, ascending (for RATIO/DIFFERENCE: none;
  // see the operands).
  std::vector<uint64_t> ids;
  // COUNT_DISTINCT of parties: the distinct registered records counted,
  // sorted by (kind, id), and the count of unregistered entries added.
  std::vector<v1::Ref> targets;
  int64_t unregistered = 0;
  // The unregistered entries counted, one line each: "donation:10 金坛一中学生
  // ×21".
  std::vector<std::string> unregistered_entries;
  std::vector<FigureGroup> groups;  // When the figure has group_by.
};

struct ReportResult {
  std::shared_ptr<const Report> report;
  ReportPeriod period;
  std::vector<FigureResult> figures;  // In spec order.
  const FigureResult* Find(absl::string_view id) const;
};

// Runs every figure of `report` for `period` on one snapshot of `store`.
// Errors (INVALID_ARGUMENT with the spec position) are queries the store
// refuses, e.g. an unknown enum value; figures that cannot be computed are
// not errors (FigureValue::error).
absl::StatusOr<ReportResult> RunReport(const Store& store, const Report& report,
                                       const ReportPeriod& period);
absl::StatusOr<ReportResult> RunReport(const Store& store,
                                       std::shared_ptr<const Report> report,
                                       const ReportPeriod& period);

enum class ReportFormat { kMarkdown, kText, kCsv, kJson, kHtml };
// "md"/"markdown", "text"/"txt", "csv", "json", "html".
absl::StatusOr<ReportFormat> ParseReportFormat(absl::string_view name);

struct RenderOptions {
  bool english = false;  // Labels and headings in English (default Chinese).
  // Compare with this earlier (or other) run of the same spec: each figure
  // gets its value there and the change.
  const ReportResult* compare = nullptr;
};

// The figure's value as shown in labels, e.g. "22", "4.3", "100%", "600只".
std::string FormatFigureValue(const FigureResult& f, const FigureValue& v,
                              bool english = false);
// The figure's label with its placeholders filled in.
std::string FigureLabel(const ReportResult& r, const FigureResult& f,
                        bool english = false);

std::string RenderReport(const ReportResult& r, ReportFormat format,
                         const RenderOptions& options = {});

// Runs `report` for `period` on one snapshot and lists what figure
// `figure_id` counted, read from that same snapshot: the query, the
// aggregate, each record (kind:id, date, title or name), the distinct
// targets of a COUNT_DISTINCT, the operands of a RATIO/DIFFERENCE, and the
// groups. NOT_FOUND for an unknown figure.
absl::StatusOr<std::string> ExplainFigure(const Store& store,
                                          const Report& report,
                                          const ReportPeriod& period,
                                          absl::string_view figure_id,
                                          bool english = false);

}  // namespace qiaolian

#endif  // QIAOLIAN_REPORT_H_
