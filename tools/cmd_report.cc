// `qiaolian report`: runs a report spec over the store for a period and
// prints it (Markdown, text, CSV, JSON or HTML); `qiaolian report explain`
// lists the records behind one figure. See docs/report.md.
//
//   qiaolian report SPEC --from 2020-01-01 --to 2020-12-31 [--format md]
//       [--lang en] [-o FILE] [--compare-from D --compare-to D]
//   qiaolian report explain SPEC FIGURE --from D --to D [--lang en]
#include <fstream>
#include <iostream>

#include "absl/strings/str_cat.h"
#include "qiaolian/report.h"
#include "tools/cli.h"

namespace qiaolian {
namespace cli {
namespace {

struct ReportArgs {
  std::string spec;
  std::string from, to;
  std::string format = "md";
  std::string lang = "zh";
  std::string output;
  std::string compare_from, compare_to;
  std::string figure;
};

absl::StatusOr<ReportPeriod> Period(const std::string& from,
                                    const std::string& to) {
  ReportPeriod p;
  absl::StatusOr<ReportDate> f = ParseReportDate(from);
  if (!f.ok()) return f.status();
  absl::StatusOr<ReportDate> t = ParseReportDate(to);
  if (!t.ok()) return t.status();
  p.from = *f;
  p.to = *t;
  return p;
}

absl::StatusOr<bool> English(const std::string& lang) {
  if (lang == "zh" || lang == "zh-CN") return false;
  if (lang == "en") return true;
  return absl::InvalidArgumentError(
      absl::StrCat("--lang ", lang, ": expected zh or en"));
}

int RunReportCommand(const Global& g, const ReportArgs& a) {
  if (a.spec.empty()) return Fail("report: give the spec file (report SPEC)");
  absl::StatusOr<ReportFormat> format = ParseReportFormat(a.format);
  if (!format.ok()) return Fail(format.status());
  absl::StatusOr<bool> en = English(a.lang);
  if (!en.ok()) return Fail(en.status());
  absl::StatusOr<ReportPeriod> period = Period(a.from, a.to);
  if (!period.ok()) return Fail(period.status());
  if (a.compare_from.empty() != a.compare_to.empty()) {
    return Fail("report: give both --compare-from and --compare-to");
  }
  absl::StatusOr<Report> spec = LoadReportSpecFile(a.spec);
  if (!spec.ok()) return Fail(spec.status());
  auto report = std::make_shared<const Report>(std::move(*spec));
  absl::StatusOr<std::unique_ptr<Store>> store = OpenStore(g, false, true);
  if (!store.ok()) return Fail(store.status());
  absl::StatusOr<ReportResult> r = RunReport(**store, report, *period);
  if (!r.ok()) return Fail(r.status());
  RenderOptions o;
  o.english = *en;
  absl::StatusOr<ReportResult> then;
  if (!a.compare_from.empty()) {
    absl::StatusOr<ReportPeriod> cp = Period(a.compare_from, a.compare_to);
    if (!cp.ok()) return Fail(cp.status());
    then = RunReport(**store, report, *cp);
    if (!then.ok()) return Fail(then.status());
    o.compare = &*then;
  }
  std::string out = RenderReport(*r, *format, o);
  if (a.output.empty() || a.output == "-") {
    std::cout << out;
    return 0;
  }
  std::ofstream f(a.output, std::ios::binary | std::ios::trunc);
  f << out;
  f.close();
  if (!f) return Fail(absl::StrCat("cannot write ", a.output));
  std::cerr << "report written to " << a.output << "\n";
  return 0;
}

int RunExplain(const Global& g, const ReportArgs& a) {
  absl::StatusOr<bool> en = English(a.lang);
  if (!en.ok()) return Fail(en.status());
  absl::StatusOr<ReportPeriod> period = Period(a.from, a.to);
  if (!period.ok()) return Fail(period.status());
  absl::StatusOr<Report> spec = LoadReportSpecFile(a.spec);
  if (!spec.ok()) return Fail(spec.status());
  absl::StatusOr<std::unique_ptr<Store>> store = OpenStore(g, false, true);
  if (!store.ok()) return Fail(store.status());
  absl::StatusOr<std::string> text =
      ExplainFigure(**store, *spec, *period, a.figure, *en);
  if (!text.ok()) return Fail(text.status());
  std::cout << *text;
  return 0;
}

}  // namespace

void AddReportCommands(CLI::App& app, const Global& g, Commands& c) {
  auto* report = app.add_subcommand(
      "report", "Compute a report from a spec for a period (docs/report.md)");
  auto a = std::make_shared<ReportArgs>();
  report->add_option("spec", a->spec, "Report spec (text-format protobuf)");
  report->add_option("--from", a->from, "First day, e.g. 2020-01-01");
  report->add_option("--to", a->to, "Last day, e.g. 2020-12-31");
  report->add_option("--format,-f", a->format, "md, text, csv, json or html");
  report->add_option("--lang", a->lang, "zh (default) or en");
  report->add_option("--output,-o", a->output, "Write to FILE");
  report->add_option("--compare-from", a->compare_from,
                     "Compare with the period starting on this day");
  report->add_option("--compare-to", a->compare_to,
                     "... and ending on this day");
  auto* explain = report->add_subcommand(
      "explain", "List the records behind one figure of a report");
  auto e = std::make_shared<ReportArgs>();
  explain->add_option("spec", e->spec, "Report spec")->required();
  explain->add_option("figure", e->figure, "Figure id")->required();
  explain->add_option("--from", e->from, "First day")->required();
  explain->add_option("--to", e->to, "Last day")->required();
  explain->add_option("--lang", e->lang, "zh (default) or en");
  c.Add(explain, [&g, e] { return RunExplain(g, *e); });
  c.Add(report, [&g, a, report] {
    if (a->from.empty() || a->to.empty()) {
      std::cerr << "qiaolian: report: --from and --to are required\n";
      return 2;
    }
    return RunReportCommand(g, *a);
  });
}

}  // namespace cli
}  // namespace qiaolian
