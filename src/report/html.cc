// The HTML form of a report: one self-contained page (inline CSS, inline SVG
// charts, no script, no network), so it opens from a USB stick or an e-mail.
// Every bar carries data-figure / data-key / data-value attributes and a
// <title> tooltip, so a test (or a curious reader) can check what it shows.
#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "qiaolian/report.h"
#include "src/report/internal.h"
#include "src/report/render.h"
#include "unicode/locid.h"
#include "unicode/unistr.h"

namespace qiaolian {
namespace report {
namespace {

std::string H(absl::string_view s) {
  return absl::StrReplaceAll(s, {{"&", "&amp;"},
                                 {"<", "&lt;"},
                                 {">", "&gt;"},
                                 {"\"", "&quot;"},
                                 {"'", "&#39;"}});
}

std::string Num(double x) {
  if (std::fabs(x - std::round(x)) < 1e-9) {
    return absl::StrFormat("%.0f", x);
  }
  return absl::StrFormat("%.2f", x);
}

std::string CountryName(const std::string& code, bool english) {
  if (code.size() != 2) return code;
  icu::Locale where("", code.c_str());
  icu::UnicodeString name;
  where.getDisplayCountry(icu::Locale(english ? "en" : "zh"), name);
  std::string out;
  name.toUTF8String(out);
  if (out.empty() || out == code) return code;
  return out;
}

// Display name of a group key of `group_by` text `spec`.
std::string KeyLabel(const ReportResult& r, const std::string& group_spec,
                     const std::string& key, bool english) {
  std::string label = ValueLabel(r, key, english);
  if (label != key) return label;
  if (absl::StrContains(group_spec, "country")) {
    return CountryName(key, english);
  }
  if (absl::StartsWith(group_spec, "month(") && key.size() == 7) {
    int m = std::stoi(key.substr(5));
    return english ? key : absl::StrCat(m, "月");
  }
  return key;
}

// Numbers to draw: categories (axis) × series.
struct ChartData {
  std::vector<std::string> categories, category_labels;
  std::vector<std::string> series, series_labels;
  std::map<std::pair<size_t, size_t>, double> values;
  std::map<std::pair<size_t, size_t>, size_t> records;
  std::string unit;
};

// "万CNY" (out of line: GCC 12 warns falsely on the inlined concatenation).
[[gnu::noinline]] std::string WanUnit(const std::string& currency) {
  return absl::StrCat("万", currency);
}

double Numeric(const FigureResult& f, const FigureValue& v, std::string* unit) {
  switch (v.type) {
    case FigureValue::Type::kMoney: {
      if (!v.error.empty()) return 0;
      int d = CurrencyDigits(v.currency);
      bool wan = f.spec->money_unit() == v1::ReportFigure::WAN;
      *unit = wan ? WanUnit(v.currency) : v.currency;
      return static_cast<double>(v.shown_minor) /
             std::pow(10.0, d + (wan ? 4 : 0));
    }
    case FigureValue::Type::kRatio:
      unit->assign(1, '%');
      return v.denominator == 0
                 ? 0
                 : 100.0 * static_cast<double>(v.numerator) / v.denominator;
    case FigureValue::Type::kQuantity: {
      double s = 0;
      for (const auto& [u, q] : v.amounts) s += static_cast<double>(q);
      return s;
    }
    default:
      return static_cast<double>(v.number);
  }
}

ChartData Collect(const ReportResult& r, const FigureResult& f, bool en) {
  ChartData c;
  const v1::ReportFigure& s = *f.spec;
  std::map<std::string, size_t> cat_index, ser_index;
  auto cat = [&](const std::string& k) {
    auto it = cat_index.find(k);
    if (it != cat_index.end()) return it->second;
    cat_index[k] = c.categories.size();
    c.categories.push_back(k);
    c.category_labels.push_back(KeyLabel(r, s.group_by(0), k, en));
    return c.categories.size() - 1;
  };
  auto ser = [&](const std::string& k, const std::string& label) {
    auto it = ser_index.find(k);
    if (it != ser_index.end()) return it->second;
    ser_index[k] = c.series.size();
    c.series.push_back(k);
    c.series_labels.push_back(label);
    return c.series.size() - 1;
  };
  // Every month of the period on a month axis, also the empty ones.
  if (absl::StartsWith(s.group_by(0), "month(")) {
    int y = r.period.from.year, m = r.period.from.month;
    while (y < r.period.to.year ||
           (y == r.period.to.year && m <= r.period.to.month)) {
      cat(absl::StrFormat("%04d-%02d", y, m));
      if (++m > 12) {
        m = 1;
        ++y;
      }
    }
  }
  for (const FigureGroup& g : f.groups) {
    size_t ci = cat(g.key[0]);
    const FigureValue& v = g.value;
    if (g.key.size() > 1) {
      size_t si = ser(g.key[1], KeyLabel(r, s.group_by(1), g.key[1], en));
      c.values[{ci, si}] += Numeric(f, v, &c.unit);
      c.records[{ci, si}] += g.ids.size();
    } else if (v.type == FigureValue::Type::kQuantity ||
               (v.type == FigureValue::Type::kMoney && !v.error.empty())) {
      for (const auto& [u, q] : v.amounts) {
        size_t si = ser(u, u);
        double x = static_cast<double>(q);
        if (v.type == FigureValue::Type::kMoney) {
          x /= std::pow(10.0, CurrencyDigits(u));
        }
        c.values[{ci, si}] += x;
        c.records[{ci, si}] += g.ids.size();
      }
    } else {
      std::string unit;
      double x = Numeric(f, v, &unit);
      size_t si = ser("value", unit.empty() ? (en ? "count" : "数量") : unit);
      c.unit = unit;
      c.values[{ci, si}] += x;
      c.records[{ci, si}] += g.ids.size();
    }
  }
  return c;
}

const char* kColors[] = {"#c0392b", "#2e86c1", "#27ae60", "#d68910",
                         "#8e44ad", "#16a085", "#7f8c8d", "#d35400",
                         "#1f618d", "#b03a2e", "#117a65", "#6c3483"};
constexpr size_t kNumColors = sizeof(kColors) / sizeof(kColors[0]);

double NiceStep(double max) {
  if (max <= 0) return 1;
  double raw = max / 5;
  double p = std::pow(10.0, std::floor(std::log10(raw)));
  for (double m : {1.0, 2.0, 5.0, 10.0}) {
    if (m * p >= raw) return m * p;
  }
  return 10 * p;
}

std::string Bar(const FigureResult& f, const ChartData& c, size_t ci, size_t si,
                double x, double y, double w, double h) {
  double v = c.values.count({ci, si}) ? c.values.at({ci, si}) : 0;
  return absl::StrFormat(
      "<rect class=\"bar\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
      "height=\"%.1f\" fill=\"%s\" data-figure=\"%s\" data-key=\"%s\" "
      "data-series=\"%s\" data-value=\"%s\"><title>%s · %s: %s</title></rect>",
      x, y, std::max(w, 0.5), std::max(h, 0.0), kColors[si % kNumColors],
      H(f.id), H(c.categories[ci]), H(c.series[si]), Num(v),
      H(c.category_labels[ci]), H(c.series_labels[si]), Num(v));
}

// Display width of a label in px at 11px: CJK characters count double.
double TextWidth(const std::string& s) {
  double w = 0;
  for (size_t i = 0; i < s.size();) {
    unsigned char ch = static_cast<unsigned char>(s[i]);
    int len = ch < 0x80 ? 1 : ch < 0xE0 ? 2 : ch < 0xF0 ? 3 : 4;
    w += len >= 3 ? 11.5 : 6.5;
    i += len;
  }
  return w;
}

// The legend (when there are several series), wrapped into rows that fit
// between x and x + width; *height receives its height.
std::string Legend(const ChartData& c, double x, double y, double width,
                   double* height) {
  std::string out;
  *height = 0;
  if (c.series.size() <= 1) return out;
  double cx = x, cy = y;
  for (size_t i = 0; i < c.series.size(); ++i) {
    double w = 14 + TextWidth(c.series_labels[i]) + 14;
    if (cx + w > x + width && cx > x) {
      cx = x;
      cy += 18;
    }
    absl::StrAppend(
        &out, absl::StrFormat("<rect x=\"%.1f\" y=\"%.1f\" width=\"10\" "
                              "height=\"10\" fill=\"%s\"/><text x=\"%.1f\" "
                              "y=\"%.1f\" class=\"legend\">%s</text>",
                              cx, cy, kColors[i % kNumColors], cx + 14, cy + 9,
                              H(c.series_labels[i])));
    cx += w;
  }
  *height = cy - y + 22;
  return out;
}

std::string VerticalChart(const FigureResult& f, const ChartData& c,
                          bool stacked) {
  const double width = 760, left = 60, right = 16, top = 16;
  const double plot_h = 220, bottom = 56;
  double legend_h = 0;
  const std::string legend =
      Legend(c, left, top + plot_h + bottom, width - left - right, &legend_h);
  const double height = top + plot_h + bottom + legend_h;
  double max = 0;
  for (size_t ci = 0; ci < c.categories.size(); ++ci) {
    double sum = 0;
    for (size_t si = 0; si < c.series.size(); ++si) {
      double v = c.values.count({ci, si}) ? c.values.at({ci, si}) : 0;
      sum = stacked ? sum + v : std::max(sum, v);
    }
    max = std::max(max, sum);
  }
  double step = NiceStep(max);
  double top_value = std::max(step, std::ceil(max / step) * step);
  auto Y = [&](double v) { return top + plot_h - plot_h * v / top_value; };
  std::string out = absl::StrFormat(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart-svg\" "
      "viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" height=\"%.0f\" "
      "role=\"img\">",
      width, height, width, height);
  for (double t = 0; t <= top_value + 1e-9; t += step) {
    absl::StrAppend(
        &out, absl::StrFormat("<line class=\"grid\" x1=\"%.1f\" y1=\"%.1f\" "
                              "x2=\"%.1f\" y2=\"%.1f\"/><text class=\"tick\" "
                              "x=\"%.1f\" y=\"%.1f\" "
                              "text-anchor=\"end\">%s</text>",
                              left, Y(t), width - right, Y(t), left - 6,
                              Y(t) + 4, Num(t)));
  }
  const size_t n = std::max<size_t>(c.categories.size(), 1);
  const double slot = (width - left - right) / static_cast<double>(n);
  const double bar_w = slot * 0.7;
  for (size_t ci = 0; ci < c.categories.size(); ++ci) {
    double x0 = left + slot * static_cast<double>(ci) + (slot - bar_w) / 2;
    double acc = 0;
    for (size_t si = 0; si < c.series.size(); ++si) {
      double v = c.values.count({ci, si}) ? c.values.at({ci, si}) : 0;
      if (stacked) {
        absl::StrAppend(&out, Bar(f, c, ci, si, x0, Y(acc + v), bar_w,
                                  Y(acc) - Y(acc + v)));
        acc += v;
      } else {
        double w = bar_w / static_cast<double>(c.series.size());
        absl::StrAppend(&out,
                        Bar(f, c, ci, si, x0 + w * si, Y(v), w, Y(0) - Y(v)));
      }
    }
    const bool rotate =
        c.categories.size() > 8 || c.category_labels[ci].size() > slot / 5;
    double lx = left + slot * (static_cast<double>(ci) + 0.5);
    double ly = top + plot_h + 16;
    absl::StrAppend(
        &out, rotate
                  ? absl::StrFormat("<text class=\"cat\" x=\"%.1f\" y=\"%.1f\" "
                                    "text-anchor=\"end\" "
                                    "transform=\"rotate(-35 %.1f %.1f)\">%s"
                                    "</text>",
                                    lx, ly, lx, ly, H(c.category_labels[ci]))
                  : absl::StrFormat("<text class=\"cat\" x=\"%.1f\" y=\"%.1f\" "
                                    "text-anchor=\"middle\">%s</text>",
                                    lx, ly, H(c.category_labels[ci])));
  }
  absl::StrAppend(&out, absl::StrFormat("<line class=\"axis\" x1=\"%.1f\" "
                                        "y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\"/>",
                                        left, Y(0), width - right, Y(0)));
  absl::StrAppend(&out, legend);
  return out + "</svg>";
}

std::string HorizontalChart(const FigureResult& f, const ChartData& c) {
  const double width = 760, left = 170, right = 60, top = 10, row = 24;
  const double plot_h = row * static_cast<double>(c.categories.size());
  double legend_h = 0;
  const std::string legend =
      Legend(c, left, top + plot_h + 12, width - left - right, &legend_h);
  const double height = top + plot_h + 24 + legend_h;
  double max = 0;
  for (const auto& [k, v] : c.values) max = std::max(max, v);
  if (max <= 0) max = 1;
  auto W = [&](double v) { return (width - left - right) * v / max; };
  std::string out = absl::StrFormat(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart-svg\" "
      "viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" height=\"%.0f\" "
      "role=\"img\">",
      width, height, width, height);
  const double bar_h =
      row * 0.7 / static_cast<double>(std::max<size_t>(c.series.size(), 1));
  for (size_t ci = 0; ci < c.categories.size(); ++ci) {
    double y0 = top + row * static_cast<double>(ci) + row * 0.15;
    absl::StrAppend(
        &out,
        absl::StrFormat("<text class=\"cat\" x=\"%.1f\" y=\"%.1f\" "
                        "text-anchor=\"end\">%s</text>",
                        left - 8, y0 + row * 0.45, H(c.category_labels[ci])));
    for (size_t si = 0; si < c.series.size(); ++si) {
      double v = c.values.count({ci, si}) ? c.values.at({ci, si}) : 0;
      double y = y0 + bar_h * static_cast<double>(si);
      absl::StrAppend(&out, Bar(f, c, ci, si, left, y, W(v), bar_h));
      absl::StrAppend(
          &out, absl::StrFormat("<text class=\"val\" x=\"%.1f\" "
                                "y=\"%.1f\">%s</text>",
                                left + W(v) + 4, y + bar_h * 0.8, Num(v)));
    }
  }
  absl::StrAppend(&out, legend);
  return out + "</svg>";
}

constexpr char kStyle[] = R"css(
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",sans-serif;margin:0;background:#f6f4ef;color:#222}
main{max-width:860px;margin:0 auto;padding:24px 28px 48px;background:#fff}
h1{font-size:26px;color:#8b1a1a;border-bottom:3px solid #8b1a1a;padding-bottom:8px;margin-bottom:4px}
.period{color:#555;margin:4px 0 18px}
h2{font-size:19px;color:#8b1a1a;margin-top:28px}
ul.figures{padding-left:20px;line-height:1.8}
b.v{color:#b03a2e;font-size:1.08em}
.cmp{color:#666;font-size:.9em}
.chart{margin:18px 0 26px;padding:10px 12px;border:1px solid #e4ddd0;border-radius:6px;background:#fffdf8}
.chart figcaption{font-weight:bold;margin-bottom:6px}
.headlines{display:flex;gap:18px;margin:6px 0 10px;flex-wrap:wrap}
.headline{background:#fbeee6;border-radius:6px;padding:6px 12px}
.headline .big{font-size:24px;color:#8b1a1a;font-weight:bold;margin-right:6px}
svg text{font-size:11px;fill:#333}
svg .legend{font-size:11px}
svg .grid{stroke:#e6e6e6}
svg .axis{stroke:#888}
svg .val{font-size:10px;fill:#555}
table{border-collapse:collapse;width:100%;font-size:13px;margin-top:8px}
th,td{border:1px solid #ddd;padding:4px 6px;vertical-align:top;text-align:left}
td.n{text-align:right;white-space:nowrap}
details summary{cursor:pointer;color:#2e86c1}
.ids{font-family:monospace;font-size:11px;word-break:break-all}
footer{margin-top:30px;color:#888;font-size:12px}
)css";

}  // namespace

std::string RenderHtml(const ReportResult& r, const RenderOptions& o) {
  const bool en = o.english;
  std::string out = absl::StrCat(
      "<!DOCTYPE html>\n<html lang=\"", en ? "en" : "zh-CN",
      "\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" "
      "content=\"width=device-width, initial-scale=1\">\n<title>",
      H(Heading(r, en)), "</title>\n<style>", kStyle,
      "</style>\n</head>\n<body>\n<main>\n<h1>", H(Heading(r, en)),
      "</h1>\n<p class=\"period\">", H(PeriodText(r, en)));
  if (o.compare != nullptr) {
    absl::StrAppend(&out, H(en ? " · compared with " : " · 对比 "),
                    FormatReportDate(o.compare->period.from), " – ",
                    FormatReportDate(o.compare->period.to));
  }
  absl::StrAppend(&out, "</p>\n");
  size_t fi = 0;
  for (const v1::ReportSection& sec : r.report->spec.sections()) {
    bool visible = false;
    for (const v1::ReportFigure& f : sec.figures()) visible |= !f.hidden();
    if (!visible) {
      fi += sec.figures_size();
      continue;
    }
    absl::StrAppend(&out, "<section class=\"report-section\" id=\"s-",
                    H(sec.id()), "\">\n<h2>", H(SectionTitle(sec, en)),
                    "</h2>\n<ul class=\"figures\">\n");
    for (int i = 0; i < sec.figures_size(); ++i, ++fi) {
      const FigureResult& f = r.figures[fi];
      if (f.spec->hidden()) continue;
      // The label with each value in <b class="v">.
      const v1::ReportFigure& s = *f.spec;
      std::string label =
          en && !s.label_en().empty() ? s.label_en() : s.label_zh();
      std::string html;
      size_t pos = 0;
      while (pos < label.size()) {
        size_t a = label.find('{', pos);
        size_t b = a == std::string::npos ? a : label.find('}', a);
        if (b == std::string::npos) {
          html += H(label.substr(pos));
          break;
        }
        html += H(label.substr(pos, a - pos));
        std::string name = label.substr(a + 1, b - a - 1);
        const FigureResult* g = name == "value" ? &f : r.Find(name);
        if (g != nullptr) {
          absl::StrAppend(&html, "<b class=\"v\" data-figure=\"", H(g->id),
                          "\">", H(FormatFigureValue(*g, g->value, en)),
                          "</b>");
        }
        pos = b + 1;
      }
      absl::StrAppend(&out, "<li id=\"f-", H(f.id), "\">", html);
      if (o.compare != nullptr) {
        const FigureResult* then = o.compare->Find(f.id);
        if (then != nullptr) {
          absl::StrAppend(
              &out, " <span class=\"cmp\">(", H(en ? "then " : "对比期 "),
              H(FormatFigureValue(*then, then->value, en)), ")</span>");
        }
      }
      absl::StrAppend(&out, "</li>\n");
    }
    absl::StrAppend(&out, "</ul>\n</section>\n");
  }
  if (r.report->spec.charts_size() > 0) {
    absl::StrAppend(&out, "<section class=\"charts\">\n<h2>",
                    en ? "Charts" : "图表", "</h2>\n");
    for (const v1::ReportChart& ch : r.report->spec.charts()) {
      absl::StrAppend(
          &out, "<figure class=\"chart\" id=\"chart-", H(ch.id()),
          "\">\n<figcaption>",
          H(en && !ch.title_en().empty() ? ch.title_en() : ch.title_zh()),
          "</figcaption>\n");
      if (ch.headline_figures_size() > 0) {
        absl::StrAppend(&out, "<div class=\"headlines\">");
        for (const std::string& id : ch.headline_figures()) {
          const FigureResult* h = r.Find(id);
          if (h == nullptr) continue;
          // The label without the value it would repeat.
          std::string value = FormatFigureValue(*h, h->value, en);
          std::string label = FigureLabel(r, *h, en);
          if (size_t p = label.find(value); p != std::string::npos) {
            label.erase(p, value.size());
          }
          absl::StrAppend(&out, "<div class=\"headline\" data-figure=\"", H(id),
                          "\"><span class=\"big\">", H(value), "</span>",
                          H(label), "</div>");
        }
        absl::StrAppend(&out, "</div>\n");
      }
      for (const std::string& id : ch.figures()) {
        const FigureResult* f = r.Find(id);
        if (f == nullptr || f->groups.empty()) {
          absl::StrAppend(&out, "<p>", en ? "(no records)" : "（无记录）",
                          "</p>\n");
          continue;
        }
        ChartData c = Collect(r, *f, en);
        if (ch.figures_size() > 1) {
          absl::StrAppend(
              &out, "<div class=\"panel\">", H(FigureLabel(r, *f, en)),
              c.unit.empty() ? "" : absl::StrCat(" (", H(c.unit), ")"),
              "</div>\n");
        }
        if (ch.type() == v1::ReportChart::HBAR) {
          absl::StrAppend(&out, HorizontalChart(*f, c), "\n");
        } else {
          absl::StrAppend(
              &out,
              VerticalChart(*f, c, ch.type() == v1::ReportChart::STACKED_BAR),
              "\n");
        }
      }
      absl::StrAppend(&out, "</figure>\n");
    }
    absl::StrAppend(&out, "</section>\n");
  }
  // All figures with the records behind them.
  absl::StrAppend(&out, "<section class=\"all\">\n<h2>",
                  en ? "All figures and their records" : "全部数字及其记录",
                  "</h2>\n<table>\n<tr><th>", en ? "figure" : "数字",
                  "</th><th>", en ? "value" : "值", "</th>",
                  o.compare ? (en ? "<th>then</th>" : "<th>对比期</th>") : "",
                  "<th>", en ? "records" : "记录", "</th></tr>\n");
  for (const FigureResult& f : r.figures) {
    absl::StrAppend(&out, "<tr id=\"row-", H(f.id), "\"><td><code>", H(f.id),
                    "</code> ", H(FigureLabel(r, f, en)),
                    "</td><td class=\"n\">",
                    H(FormatFigureValue(f, f.value, en)), "</td>");
    if (o.compare != nullptr) {
      const FigureResult* then = o.compare->Find(f.id);
      absl::StrAppend(&out, "<td class=\"n\">",
                      then ? H(FormatFigureValue(*then, then->value, en)) : "—",
                      "</td>");
    }
    if (f.kind == v1::KIND_UNSPECIFIED) {
      absl::StrAppend(
          &out, "<td>= ",
          H(absl::StrJoin(
              f.spec->operands(),
              f.spec->aggregate() == v1::ReportFigure::RATIO ? " ÷ " : " − ")),
          "</td></tr>\n");
      continue;
    }
    std::vector<std::string> ids;
    for (uint64_t id : f.ids)
      ids.push_back(absl::StrCat(KindName(f.kind), ":", id));
    absl::StrAppend(&out, "<td><details><summary>", f.ids.size(), " ",
                    KindName(f.kind), "</summary><div class=\"ids\">",
                    H(f.query), "<br>", H(absl::StrJoin(ids, " ")));
    if (!f.targets.empty()) {
      std::vector<std::string> t;
      for (const v1::Ref& ref : f.targets) {
        t.push_back(absl::StrCat(KindName(ref.kind()), ":", ref.id()));
      }
      absl::StrAppend(&out, "<br>", en ? "distinct: " : "去重对象：",
                      H(absl::StrJoin(t, " ")));
    }
    absl::StrAppend(&out, "</div></details></td></tr>\n");
  }
  absl::StrAppend(
      &out, "</table>\n</section>\n<footer>",
      en ? "Computed by qiaolian from the records; every figure "
           "lists the records it counts."
         : "由 qiaolian 根据记录计算；每个数字均列出其所统计的记录。",
      "</footer>\n</main>\n</body>\n</html>\n");
  return out;
}

}  // namespace report
}  // namespace qiaolian
