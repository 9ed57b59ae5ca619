// Rendering a report run: values as the office writes them ("4.3" 万元,
// "100%"), labels with their placeholders filled, and the Markdown, text,
// CSV and JSON forms (HTML is in html.cc). Also ExplainFigure.
#include "src/report/render.h"

#include <algorithm>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "qiaolian/report.h"
#include "src/report/internal.h"
#include "src/util/json.h"
#include "src/util/status_macros.h"

namespace qiaolian {

namespace report {

// value / 10^scale rounded half away from zero to `decimals`, trailing
// zeros (and a trailing point) dropped.
std::string Decimal(__int128 value, int scale, int decimals) {
  bool neg = value < 0;
  if (neg) value = -value;
  __int128 unit = 1;
  for (int i = 0; i < scale; ++i) unit *= 10;
  int keep = std::min(decimals, scale);
  __int128 step = 1;
  for (int i = 0; i < scale - keep; ++i) step *= 10;
  value = (value + step / 2) / step;  // Now in units of 10^-keep.
  __int128 kunit = 1;
  for (int i = 0; i < keep; ++i) kunit *= 10;
  __int128 whole = value / kunit, frac = value % kunit;
  std::string out = absl::StrCat(neg ? "-" : "", static_cast<int64_t>(whole));
  if (keep > 0 && frac != 0) {
    std::string f = absl::StrFormat("%0*d", keep, static_cast<int64_t>(frac));
    while (!f.empty() && f.back() == '0') f.pop_back();
    absl::StrAppend(&out, ".", f);
  }
  (void)unit;
  return out;
}

std::string ValueLabel(const ReportResult& r, const std::string& value,
                       bool english) {
  for (const v1::ValueLabel& l : r.report->spec.value_labels()) {
    if (l.value() == value) {
      return english ? (l.en().empty() ? l.zh() : l.en()) : l.zh();
    }
  }
  if (value == "null") return english ? "(none)" : "（未填）";
  return value;
}

std::string Heading(const ReportResult& r, bool english) {
  const v1::ReportSpec& s = r.report->spec;
  std::string title =
      english && !s.title_en().empty() ? s.title_en() : s.title_zh();
  if (title.empty()) title = english ? "Report" : "报告";
  return title;
}

std::string PeriodText(const ReportResult& r, bool english) {
  return absl::StrCat(english ? "Period: " : "统计期间：",
                      FormatReportDate(r.period.from),
                      english ? " to " : " 至 ", FormatReportDate(r.period.to));
}

std::string SectionTitle(const v1::ReportSection& s, bool english) {
  return english && !s.title_en().empty() ? s.title_en() : s.title_zh();
}

std::string TypeName(const FigureValue& v) {
  switch (v.type) {
    case FigureValue::Type::kMoney:
      return "money";
    case FigureValue::Type::kQuantity:
      return "quantity";
    case FigureValue::Type::kRatio:
      return "ratio";
    default:
      return "number";
  }
}

// A machine-readable number: integer, money in major units of the shown
// currency ("1036500.00"), ratio as a decimal fraction.
std::string MachineValue(const FigureValue& v) {
  if (!v.error.empty() || v.empty) return "";
  switch (v.type) {
    case FigureValue::Type::kMoney: {
      int d = CurrencyDigits(v.currency);
      std::string s = Decimal(v.shown_minor, d, d);
      return s;
    }
    case FigureValue::Type::kQuantity: {
      std::vector<std::string> parts;
      for (const auto& [u, q] : v.amounts) parts.push_back(absl::StrCat(q, u));
      return absl::StrJoin(parts, " ");
    }
    case FigureValue::Type::kRatio:
      return Decimal(static_cast<__int128>(v.numerator) * 1000000 /
                         (v.denominator == 0 ? 1 : v.denominator),
                     6, 6);
    default:
      return absl::StrCat(v.number);
  }
}

std::string Unit(const FigureValue& v) {
  if (v.type == FigureValue::Type::kMoney) return v.currency;
  if (v.type == FigureValue::Type::kRatio) return "ratio";
  if (v.type == FigureValue::Type::kQuantity && v.amounts.size() == 1) {
    return v.amounts.begin()->first;
  }
  return "";
}

}  // namespace report

std::string FormatFigureValue(const FigureResult& f, const FigureValue& v,
                              bool english) {
  if (!v.error.empty()) {
    return english ? absl::StrCat("[", v.error, "]")
                   : absl::StrCat("〔无法计算：", v.error, "〕");
  }
  if (v.empty) return "—";
  const v1::ReportFigure* spec = f.spec;
  int decimals = spec != nullptr ? spec->decimals() : 0;
  switch (v.type) {
    case FigureValue::Type::kNumber:
      return absl::StrCat(v.number);
    case FigureValue::Type::kMoney: {
      int digits = report::CurrencyDigits(v.currency);
      bool wan = spec != nullptr && spec->money_unit() == v1::ReportFigure::WAN;
      int dec = decimals == 0 && !wan ? digits : decimals;
      return report::Decimal(v.shown_minor, digits + (wan ? 4 : 0), dec);
    }
    case FigureValue::Type::kQuantity: {
      if (spec != nullptr && !spec->unit().empty()) {
        auto it = v.amounts.find(spec->unit());
        return absl::StrCat(it == v.amounts.end() ? 0 : it->second);
      }
      if (v.amounts.empty()) return "0";
      std::vector<std::string> parts;
      for (const auto& [u, q] : v.amounts) parts.push_back(absl::StrCat(q, u));
      return absl::StrJoin(parts, english ? ", " : "、");
    }
    case FigureValue::Type::kRatio:
      return absl::StrCat(report::Decimal(static_cast<__int128>(v.numerator) *
                                              1000000 / v.denominator * 100,
                                          6, decimals),
                          "%");
  }
  return "";
}

std::string FigureLabel(const ReportResult& r, const FigureResult& f,
                        bool english) {
  const v1::ReportFigure& s = *f.spec;
  std::string label =
      english && !s.label_en().empty() ? s.label_en() : s.label_zh();
  if (label.empty()) label = absl::StrCat(f.id, ": {value}");
  std::string out;
  size_t pos = 0;
  while (pos < label.size()) {
    size_t open = label.find('{', pos);
    if (open == std::string::npos) {
      out.append(label, pos, std::string::npos);
      break;
    }
    size_t close = label.find('}', open);
    if (close == std::string::npos) {
      out.append(label, pos, std::string::npos);
      break;
    }
    out.append(label, pos, open - pos);
    std::string name = label.substr(open + 1, close - open - 1);
    const FigureResult* g = name == "value" ? &f : r.Find(name);
    out += g == nullptr ? absl::StrCat("{", name, "}")
                        : FormatFigureValue(*g, g->value, english);
    pos = close + 1;
  }
  return out;
}

namespace report {
namespace {

// The label with the values marked (Markdown bold).
std::string MarkedLabel(const ReportResult& r, const FigureResult& f,
                        bool english, const std::string& open,
                        const std::string& close) {
  const v1::ReportFigure& s = *f.spec;
  std::string label =
      english && !s.label_en().empty() ? s.label_en() : s.label_zh();
  std::string out;
  size_t pos = 0;
  while (pos < label.size()) {
    size_t a = label.find('{', pos);
    size_t b = a == std::string::npos ? a : label.find('}', a);
    if (b == std::string::npos) {
      out.append(label, pos, std::string::npos);
      break;
    }
    out.append(label, pos, a - pos);
    std::string name = label.substr(a + 1, b - a - 1);
    const FigureResult* g = name == "value" ? &f : r.Find(name);
    out += g == nullptr
               ? absl::StrCat("{", name, "}")
               : absl::StrCat(open, FormatFigureValue(*g, g->value, english),
                              close);
    pos = b + 1;
  }
  return out;
}

std::string Delta(const FigureResult& now, const FigureResult& then,
                  bool english) {
  const FigureValue& a = now.value;
  const FigureValue& b = then.value;
  if (!a.error.empty() || !b.error.empty() || a.empty || b.empty ||
      a.type != b.type) {
    return "—";
  }
  switch (a.type) {
    case FigureValue::Type::kNumber:
      return absl::StrFormat("%+d", a.number - b.number);
    case FigureValue::Type::kMoney: {
      if (a.currency != b.currency) return "—";
      FigureValue d = a;
      d.shown_minor = a.shown_minor - b.shown_minor;
      std::string s = FormatFigureValue(now, d, english);
      return d.shown_minor >= 0 ? absl::StrCat("+", s) : s;
    }
    case FigureValue::Type::kRatio: {
      if (a.denominator == 0 || b.denominator == 0) return "—";
      __int128 pa = static_cast<__int128>(a.numerator) * 10000 / a.denominator;
      __int128 pb = static_cast<__int128>(b.numerator) * 10000 / b.denominator;
      std::string s = Decimal(pa - pb, 2, 1);
      return absl::StrCat(pa >= pb ? "+" : "", s, english ? " pt" : "个百分点");
    }
    case FigureValue::Type::kQuantity: {
      std::set<std::string> units;
      for (const auto& [u, q] : a.amounts) units.insert(u);
      for (const auto& [u, q] : b.amounts) units.insert(u);
      std::vector<std::string> parts;
      for (const std::string& u : units) {
        auto ia = a.amounts.find(u);
        auto ib = b.amounts.find(u);
        int64_t d = (ia == a.amounts.end() ? 0 : ia->second) -
                    (ib == b.amounts.end() ? 0 : ib->second);
        parts.push_back(absl::StrFormat("%+d%s", d, u));
      }
      return absl::StrJoin(parts, " ");
    }
  }
  return "—";
}

std::string GroupKey(const ReportResult& r, const FigureGroup& g,
                     bool english) {
  std::vector<std::string> parts;
  for (const std::string& k : g.key) parts.push_back(ValueLabel(r, k, english));
  return absl::StrJoin(parts, " / ");
}

bool HasVisible(const v1::ReportSection& sec) {
  for (const v1::ReportFigure& f : sec.figures()) {
    if (!f.hidden()) return true;
  }
  return false;
}

std::string MdEscape(absl::string_view s) {
  return absl::StrReplaceAll(s, {{"|", "\\|"}, {"\n", " "}});
}

std::string RenderMarkdown(const ReportResult& r, const RenderOptions& o,
                           bool markdown) {
  const bool en = o.english;
  std::string out;
  const std::string b = markdown ? "**" : "";
  absl::StrAppend(&out, markdown ? "# " : "", Heading(r, en), "\n\n",
                  PeriodText(r, en));
  if (o.compare != nullptr) {
    absl::StrAppend(&out, en ? " (compared with " : "（对比 ",
                    FormatReportDate(o.compare->period.from),
                    en ? " to " : " 至 ",
                    FormatReportDate(o.compare->period.to), en ? ")" : "）");
  }
  absl::StrAppend(&out, "\n");
  size_t fi = 0;
  for (const v1::ReportSection& sec : r.report->spec.sections()) {
    if (!HasVisible(sec)) {
      fi += sec.figures_size();
      continue;
    }
    std::string title = SectionTitle(sec, en);
    absl::StrAppend(&out, "\n", markdown ? "## " : "", title, "\n");
    if (!markdown) absl::StrAppend(&out, std::string(20, '-'), "\n");
    absl::StrAppend(&out, "\n");
    for (int i = 0; i < sec.figures_size(); ++i, ++fi) {
      const FigureResult& f = r.figures[fi];
      if (f.spec->hidden()) continue;
      absl::StrAppend(&out, markdown ? "- " : "  · ",
                      MarkedLabel(r, f, en, b, b));
      if (o.compare != nullptr) {
        const FigureResult* then = o.compare->Find(f.id);
        if (then != nullptr) {
          absl::StrAppend(&out, en ? " (then " : "（对比期 ",
                          FormatFigureValue(*then, then->value, en),
                          en ? ", change " : "，变化 ", Delta(f, *then, en),
                          en ? ")" : "）");
        }
      }
      absl::StrAppend(&out, "\n");
    }
  }
  // Every figure, with the number of records behind it.
  absl::StrAppend(&out, "\n", markdown ? "## " : "",
                  en ? "All figures" : "全部数字", "\n\n");
  if (markdown) {
    absl::StrAppend(
        &out, en ? "| figure | value | records |" : "| 数字 | 值 | 记录数 |");
    if (o.compare != nullptr) {
      absl::StrAppend(&out, en ? " then | change |" : " 对比期 | 变化 |");
    }
    absl::StrAppend(&out, "\n|---|---:|---:|",
                    o.compare != nullptr ? "---:|---:|" : "", "\n");
  }
  for (const FigureResult& f : r.figures) {
    std::string value = FormatFigureValue(f, f.value, en);
    if (f.value.type == FigureValue::Type::kMoney && f.value.error.empty()) {
      const bool wan = f.spec->money_unit() == v1::ReportFigure::WAN;
      value = absl::StrCat(value, wan ? (en ? " x10k " : "万") : " ",
                           f.value.currency);
    }
    std::string records =
        f.kind == v1::KIND_UNSPECIFIED
            ? absl::StrCat("= ", absl::StrJoin(f.spec->operands(),
                                               f.spec->aggregate() ==
                                                       v1::ReportFigure::RATIO
                                                   ? " ÷ "
                                                   : " − "))
            : absl::StrCat(f.ids.size(), " ", KindName(f.kind));
    if (markdown) {
      absl::StrAppend(&out, "| `", f.id, "` ", MdEscape(FigureLabel(r, f, en)),
                      " | ", MdEscape(value), " | ", records, " |");
    } else {
      absl::StrAppend(&out, "  ", f.id, ": ", value, "  [", records, "]");
    }
    if (o.compare != nullptr) {
      const FigureResult* then = o.compare->Find(f.id);
      std::string tv =
          then ? FormatFigureValue(*then, then->value, en) : std::string("—");
      std::string d = then ? Delta(f, *then, en) : std::string("—");
      if (markdown) {
        absl::StrAppend(&out, " ", MdEscape(tv), " | ", d, " |");
      } else {
        absl::StrAppend(&out, en ? "  then " : "  对比期 ", tv,
                        en ? ", change " : "，变化 ", d);
      }
    }
    absl::StrAppend(&out, "\n");
    for (const FigureGroup& g : f.groups) {
      if (markdown) continue;
      absl::StrAppend(&out, "      ", GroupKey(r, g, en), ": ",
                      FormatFigureValue(f, g.value, en), "\n");
    }
  }
  if (markdown) {
    // Breakdowns of grouped figures.
    for (const FigureResult& f : r.figures) {
      if (f.groups.empty()) continue;
      absl::StrAppend(&out, "\n### `", f.id, "` ",
                      MdEscape(FigureLabel(r, f, en)), "\n\n");
      absl::StrAppend(
          &out,
          en ? "| group | value | records |\n" : "| 分组 | 值 | 记录数 |\n",
          "|---|---:|---:|\n");
      for (const FigureGroup& g : f.groups) {
        absl::StrAppend(&out, "| ", MdEscape(GroupKey(r, g, en)), " | ",
                        MdEscape(FormatFigureValue(f, g.value, en)), " | ",
                        g.ids.size(), " |\n");
      }
    }
  }
  return out;
}

std::string CsvCell(absl::string_view s) {
  bool quote = s.find_first_of(",\"\n\r") != absl::string_view::npos;
  std::string out(s);
  // Formula-safe: a leading = @ (or + - not starting a number) would be
  // run by spreadsheets.
  if (!out.empty() && (out[0] == '=' || out[0] == '@' ||
                       ((out[0] == '+' || out[0] == '-') &&
                        (out.size() == 1 || !absl::ascii_isdigit(out[1]))))) {
    out = "'" + out;
  }
  if (!quote) return out;
  return absl::StrCat("\"", absl::StrReplaceAll(out, {{"\"", "\"\""}}), "\"");
}

std::string RenderCsv(const ReportResult& r, const RenderOptions& o) {
  const bool en = o.english;
  std::string out =
      "section,figure,label,group,value,number,unit,type,records,error";
  if (o.compare != nullptr) out += ",compare_value,compare_number,change";
  out += "\r\n";
  auto row = [&](const FigureResult& f, const std::string& group,
                 const FigureValue& v, size_t records,
                 const FigureValue* then_v, const FigureResult* then) {
    std::vector<std::string> cells = {
        f.section_id,
        f.id,
        FigureLabel(r, f, en),
        group,
        FormatFigureValue(f, v, en),
        MachineValue(v),
        Unit(v),
        TypeName(v),
        f.kind == v1::KIND_UNSPECIFIED ? "" : absl::StrCat(records),
        v.error};
    if (o.compare != nullptr) {
      cells.push_back(then_v ? FormatFigureValue(*then, *then_v, en) : "");
      cells.push_back(then_v ? MachineValue(*then_v) : "");
      cells.push_back(then_v && group.empty() ? Delta(f, *then, en) : "");
    }
    for (size_t i = 0; i < cells.size(); ++i) {
      absl::StrAppend(&out, i ? "," : "", CsvCell(cells[i]));
    }
    out += "\r\n";
  };
  for (const FigureResult& f : r.figures) {
    const FigureResult* then =
        o.compare != nullptr ? o.compare->Find(f.id) : nullptr;
    row(f, "", f.value, f.ids.size(), then ? &then->value : nullptr, then);
    for (const FigureGroup& g : f.groups) {
      const FigureValue* tv = nullptr;
      if (then != nullptr) {
        for (const FigureGroup& tg : then->groups) {
          if (tg.key == g.key) tv = &tg.value;
        }
      }
      row(f, absl::StrJoin(g.key, "/"), g.value, g.ids.size(), tv, then);
    }
  }
  return out;
}

std::string Q(absl::string_view s) { return JsonQuote(s); }

std::string ValueJson(const FigureResult& f, const FigureValue& v, bool en) {
  std::string out = absl::StrCat("{\"type\":", Q(TypeName(v)),
                                 ",\"text\":", Q(FormatFigureValue(f, v, en)));
  if (!v.error.empty()) absl::StrAppend(&out, ",\"error\":", Q(v.error));
  if (v.empty) absl::StrAppend(&out, ",\"empty\":true");
  switch (v.type) {
    case FigureValue::Type::kNumber:
      if (!v.empty) absl::StrAppend(&out, ",\"number\":", v.number);
      break;
    case FigureValue::Type::kRatio:
      absl::StrAppend(&out, ",\"numerator\":", v.numerator,
                      ",\"denominator\":", v.denominator);
      break;
    case FigureValue::Type::kMoney:
    case FigureValue::Type::kQuantity: {
      const bool money = v.type == FigureValue::Type::kMoney;
      absl::StrAppend(&out,
                      money ? ",\"amounts_minor\":{" : ",\"quantities\":{");
      bool first = true;
      for (const auto& [k, x] : v.amounts) {
        absl::StrAppend(&out, first ? "" : ",", Q(k), ":", x);
        first = false;
      }
      absl::StrAppend(&out, "}");
      if (money && v.error.empty()) {
        absl::StrAppend(&out, ",\"currency\":", Q(v.currency),
                        ",\"amount_minor\":", v.shown_minor);
      }
      break;
    }
  }
  return out + "}";
}

std::string RenderJson(const ReportResult& r, const RenderOptions& o) {
  const bool en = o.english;
  std::string out = absl::StrCat(
      "{\"title\":", Q(Heading(r, en)),
      ",\"from\":", Q(FormatReportDate(r.period.from)),
      ",\"to\":", Q(FormatReportDate(r.period.to)), ",\"figures\":[");
  bool first = true;
  for (const FigureResult& f : r.figures) {
    absl::StrAppend(&out, first ? "" : ",", "\n{\"id\":", Q(f.id),
                    ",\"section\":", Q(f.section_id),
                    ",\"label\":", Q(FigureLabel(r, f, en)),
                    ",\"hidden\":", f.spec->hidden() ? "true" : "false",
                    ",\"aggregate\":",
                    Q(v1::ReportFigure::Aggregate_Name(f.spec->aggregate())),
                    ",\"value\":", ValueJson(f, f.value, en));
    first = false;
    if (f.kind != v1::KIND_UNSPECIFIED) {
      absl::StrAppend(&out, ",\"kind\":", Q(KindName(f.kind)),
                      ",\"query\":", Q(f.query), ",\"ids\":[",
                      absl::StrJoin(f.ids, ","), "]");
    } else {
      absl::StrAppend(&out, ",\"operands\":[");
      for (int i = 0; i < f.spec->operands_size(); ++i) {
        absl::StrAppend(&out, i ? "," : "", Q(f.spec->operands(i)));
      }
      absl::StrAppend(&out, "]");
    }
    if (!f.targets.empty() || f.unregistered != 0) {
      absl::StrAppend(&out, ",\"targets\":[");
      for (size_t i = 0; i < f.targets.size(); ++i) {
        absl::StrAppend(&out, i ? "," : "",
                        Q(absl::StrCat(KindName(f.targets[i].kind()), ":",
                                       f.targets[i].id())));
      }
      absl::StrAppend(&out, "],\"unregistered\":", f.unregistered,
                      ",\"unregistered_entries\":[");
      for (size_t i = 0; i < f.unregistered_entries.size(); ++i) {
        absl::StrAppend(&out, i ? "," : "", Q(f.unregistered_entries[i]));
      }
      absl::StrAppend(&out, "]");
    }
    if (!f.groups.empty()) {
      absl::StrAppend(&out, ",\"groups\":[");
      for (size_t i = 0; i < f.groups.size(); ++i) {
        const FigureGroup& g = f.groups[i];
        absl::StrAppend(&out, i ? "," : "", "{\"key\":[");
        for (size_t k = 0; k < g.key.size(); ++k) {
          absl::StrAppend(&out, k ? "," : "", Q(g.key[k]));
        }
        absl::StrAppend(&out, "],\"value\":", ValueJson(f, g.value, en),
                        ",\"ids\":[", absl::StrJoin(g.ids, ","), "]}");
      }
      absl::StrAppend(&out, "]");
    }
    if (o.compare != nullptr) {
      const FigureResult* then = o.compare->Find(f.id);
      if (then != nullptr) {
        absl::StrAppend(
            &out, ",\"compare\":{\"value\":", ValueJson(*then, then->value, en),
            ",\"change\":", Q(Delta(f, *then, en)), "}");
      }
    }
    absl::StrAppend(&out, "}");
  }
  absl::StrAppend(&out, "\n]");
  if (o.compare != nullptr) {
    absl::StrAppend(&out, ",\"compare\":{\"from\":",
                    Q(FormatReportDate(o.compare->period.from)),
                    ",\"to\":", Q(FormatReportDate(o.compare->period.to)), "}");
  }
  return out + "}\n";
}

}  // namespace
}  // namespace report

absl::StatusOr<ReportFormat> ParseReportFormat(absl::string_view name) {
  if (name == "md" || name == "markdown") return ReportFormat::kMarkdown;
  if (name == "text" || name == "txt") return ReportFormat::kText;
  if (name == "csv") return ReportFormat::kCsv;
  if (name == "json") return ReportFormat::kJson;
  if (name == "html") return ReportFormat::kHtml;
  return absl::InvalidArgumentError(absl::StrCat(
      "report format \"", name, "\": expected md, text, csv, json or html"));
}

std::string RenderReport(const ReportResult& r, ReportFormat format,
                         const RenderOptions& options) {
  switch (format) {
    case ReportFormat::kMarkdown:
      return report::RenderMarkdown(r, options, true);
    case ReportFormat::kText:
      return report::RenderMarkdown(r, options, false);
    case ReportFormat::kCsv:
      return report::RenderCsv(r, options);
    case ReportFormat::kJson:
      return report::RenderJson(r, options);
    case ReportFormat::kHtml:
      return report::RenderHtml(r, options);
  }
  return "";
}

namespace report {
absl::StatusOr<ReportResult> RunAt(const Store& store,
                                   const StoreSnapshot& snap,
                                   std::shared_ptr<const Report> report,
                                   const ReportPeriod& period);
namespace {

// "event:7 2020-03-02 走访侨资企业三久制造".
std::string Describe(const StoreSnapshot& snap, Kind kind, uint64_t id) {
  std::unique_ptr<google::protobuf::Message> m = NewRecord(kind);
  std::string out = absl::StrCat(KindName(kind), ":", id);
  if (!snap.Get(kind, id, m.get()).ok()) return out + " (not found)";
  const google::protobuf::Descriptor* d = m->GetDescriptor();
  for (const char* date : {"date", "received", "established"}) {
    const google::protobuf::FieldDescriptor* f = d->FindFieldByName(date);
    if (f != nullptr && !f->is_repeated()) {
      std::string s = RenderLeaf(*m, f, -1);
      if (!s.empty()) absl::StrAppend(&out, "  ", s);
      break;
    }
  }
  for (const char* name : {"name", "title"}) {
    const google::protobuf::FieldDescriptor* f = d->FindFieldByName(name);
    if (f != nullptr) {
      std::string s = RenderLeaf(*m, f, -1);
      if (!s.empty()) {
        absl::StrAppend(&out, "  ", s);
        break;
      }
    }
  }
  const google::protobuf::FieldDescriptor* count = d->FindFieldByName("count");
  if (count != nullptr && !count->is_repeated()) {
    uint32_t n = m->GetReflection()->GetUInt32(*m, count);
    if (n > 1) absl::StrAppend(&out, "  ×", n);
  }
  return out;
}

}  // namespace
}  // namespace report

absl::StatusOr<std::string> ExplainFigure(const Store& store,
                                          const Report& report,
                                          const ReportPeriod& period,
                                          absl::string_view figure_id,
                                          bool english) {
  std::unique_ptr<StoreSnapshot> snap = store.NewSnapshot();
  QL_ASSIGN_OR_RETURN(
      ReportResult r,
      report::RunAt(store, *snap, std::make_shared<const Report>(report),
                    period));
  const FigureResult* f = r.Find(figure_id);
  if (f == nullptr) {
    std::vector<std::string> ids;
    for (const FigureResult& x : r.figures) ids.push_back(x.id);
    return absl::NotFoundError(
        absl::StrCat("no figure \"", figure_id,
                     "\" in the spec; figures: ", absl::StrJoin(ids, ", ")));
  }
  const bool en = english;
  const v1::ReportFigure& s = *f->spec;
  std::string out =
      absl::StrCat(f->id, ": ", FigureLabel(r, *f, en), "\n",
                   en ? "value: " : "值：", FormatFigureValue(*f, f->value, en),
                   "\n", en ? "aggregate: " : "统计方式：",
                   v1::ReportFigure::Aggregate_Name(s.aggregate()));
  if (s.fields_size() > 0) {
    absl::StrAppend(&out, " ", absl::StrJoin(s.fields(), ", "));
  }
  if (s.roles_size() > 0) {
    absl::StrAppend(&out, en ? "; roles " : "；角色 ",
                    absl::StrJoin(s.roles(), ", "));
  }
  if (s.categories_size() > 0) {
    absl::StrAppend(&out, en ? "; categories " : "；类别 ",
                    absl::StrJoin(s.categories(), ", "));
  }
  if (!s.target_query().empty()) {
    absl::StrAppend(&out, en ? "; targets: " : "；对象限于：",
                    s.target_query());
  }
  absl::StrAppend(&out, "\n", report::PeriodText(r, en), "\n");
  if (f->kind == v1::KIND_UNSPECIFIED) {
    for (const std::string& op : s.operands()) {
      const FigureResult* g = r.Find(op);
      absl::StrAppend(&out, en ? "operand " : "运算项 ", op, ": ",
                      FormatFigureValue(*g, g->value, en), "  (",
                      FigureLabel(r, *g, en), ")\n");
    }
    absl::StrAppend(&out, en ? "explain each operand for its records\n"
                             : "各运算项的记录请分别查看\n");
    return out;
  }
  absl::StrAppend(&out, en ? "query: " : "查询：", f->query, "\n");
  if (!f->targets.empty() || f->unregistered != 0) {
    absl::StrAppend(&out, en ? "counted (distinct): " : "计入（去重）：",
                    f->targets.size(), en ? " registered" : " 个已建档",
                    f->unregistered != 0
                        ? absl::StrCat(en ? " + " : " + ", f->unregistered,
                                       en ? " unregistered (as stated)"
                                          : " 个未建档（按登记人数）")
                        : "",
                    "\n");
    for (const v1::Ref& t : f->targets) {
      absl::StrAppend(&out, "  ", report::Describe(*snap, t.kind(), t.id()),
                      "\n");
    }
    for (const std::string& e : f->unregistered_entries) {
      absl::StrAppend(&out, "  ", e, en ? "  (unregistered)" : "  （未建档）",
                      "\n");
    }
  }
  absl::StrAppend(&out, en ? "records: " : "记录：", f->ids.size(), "\n");
  for (uint64_t id : f->ids) {
    absl::StrAppend(&out, "  ", report::Describe(*snap, f->kind, id), "\n");
  }
  for (const FigureGroup& g : f->groups) {
    absl::StrAppend(&out, en ? "group " : "分组 ", absl::StrJoin(g.key, " / "),
                    ": ", FormatFigureValue(*f, g.value, en), "  [",
                    absl::StrJoin(g.ids, ", "), "]\n");
  }
  return out;
}

}  // namespace qiaolian
