// The C ABI of the report engine (include/qiaolian/c.h, "Reports"):
// qiaolian_report, qiaolian_report_compare, qiaolian_report_explain.
#include "qiaolian/report.h"

#include "capi/internal.h"

namespace {

using qiaolian::ReportPeriod;

int NeedText(const char* p, const char* name, char** errmsg) {
  return p == nullptr ? qiaolian::capi::Null(errmsg, name) : QIAOLIAN_OK;
}

absl::StatusOr<ReportPeriod> Period(const char* from, const char* to) {
  absl::StatusOr<qiaolian::ReportDate> f = qiaolian::ParseReportDate(from);
  if (!f.ok()) return f.status();
  absl::StatusOr<qiaolian::ReportDate> t = qiaolian::ParseReportDate(to);
  if (!t.ok()) return t.status();
  return ReportPeriod{*f, *t};
}

absl::StatusOr<qiaolian::Report> Spec(const char* spec, size_t len) {
  if (len > (64u << 20)) {
    return absl::ResourceExhaustedError("report spec larger than 64 MiB");
  }
  return qiaolian::ParseReportSpec(absl::string_view(spec, len), "<spec>");
}

// Runs the report (and the comparison period, when given) and renders it.
int Report(qiaolian_db_t* db, const char* spec, size_t spec_len,
           const char* from, const char* to, const char* compare_from,
           const char* compare_to, bool compare, const char* format,
           int english, char** out, size_t* out_len, char** errmsg) {
  using namespace qiaolian::capi;  // NOLINT: the helpers of internal.h.
  return Guard(errmsg, [&] {
    if (spec == nullptr) return Null(errmsg, "spec");
    for (auto [p, name] : {std::pair{from, "from"}, std::pair{to, "to"},
                           std::pair{format, "format"}}) {
      if (int rc = NeedText(p, name, errmsg); rc != QIAOLIAN_OK) return rc;
    }
    if (compare) {
      if (compare_from == nullptr) return Null(errmsg, "compare_from");
      if (compare_to == nullptr) return Null(errmsg, "compare_to");
    }
    if (out == nullptr) return Null(errmsg, "out");
    if (out_len == nullptr) return Null(errmsg, "out_len");
    absl::StatusOr<qiaolian::ReportFormat> fmt =
        qiaolian::ParseReportFormat(format);
    if (!fmt.ok()) return Fail(errmsg, fmt.status());
    absl::StatusOr<ReportPeriod> period = Period(from, to);
    if (!period.ok()) return Fail(errmsg, period.status());
    absl::StatusOr<ReportPeriod> then;
    if (compare) {
      then = Period(compare_from, compare_to);
      if (!then.ok()) return Fail(errmsg, then.status());
    }
    absl::StatusOr<qiaolian::Report> parsed = Spec(spec, spec_len);
    if (!parsed.ok()) return Fail(errmsg, parsed.status());
    auto report = std::make_shared<const qiaolian::Report>(std::move(*parsed));
    return WithStore(db, errmsg, [&](Store& store) {
      absl::StatusOr<qiaolian::ReportResult> r =
          qiaolian::RunReport(store, report, *period);
      if (!r.ok()) return Fail(errmsg, r.status());
      qiaolian::RenderOptions o;
      o.english = english != 0;
      absl::StatusOr<qiaolian::ReportResult> other;
      if (compare) {
        other = qiaolian::RunReport(store, report, *then);
        if (!other.ok()) return Fail(errmsg, other.status());
        o.compare = &*other;
      }
      return GiveText(qiaolian::RenderReport(*r, *fmt, o), out, out_len,
                      errmsg);
    });
  });
}

}  // namespace

int qiaolian_report(qiaolian_db_t* db, const char* spec, size_t spec_len,
                    const char* from, const char* to, const char* format,
                    int english, char** out, size_t* out_len, char** errmsg) {
  return Report(db, spec, spec_len, from, to, nullptr, nullptr, false, format,
                english, out, out_len, errmsg);
}

int qiaolian_report_compare(qiaolian_db_t* db, const char* spec,
                            size_t spec_len, const char* from, const char* to,
                            const char* compare_from, const char* compare_to,
                            const char* format, int english, char** out,
                            size_t* out_len, char** errmsg) {
  return Report(db, spec, spec_len, from, to, compare_from, compare_to, true,
                format, english, out, out_len, errmsg);
}

int qiaolian_report_explain(qiaolian_db_t* db, const char* spec,
                            size_t spec_len, const char* from, const char* to,
                            const char* figure, int english, char** out,
                            size_t* out_len, char** errmsg) {
  using namespace qiaolian::capi;  // NOLINT: the helpers of internal.h.
  return Guard(errmsg, [&] {
    if (spec == nullptr) return Null(errmsg, "spec");
    if (from == nullptr) return Null(errmsg, "from");
    if (to == nullptr) return Null(errmsg, "to");
    if (figure == nullptr) return Null(errmsg, "figure");
    if (out == nullptr) return Null(errmsg, "out");
    if (out_len == nullptr) return Null(errmsg, "out_len");
    absl::StatusOr<ReportPeriod> period = Period(from, to);
    if (!period.ok()) return Fail(errmsg, period.status());
    absl::StatusOr<qiaolian::Report> parsed = Spec(spec, spec_len);
    if (!parsed.ok()) return Fail(errmsg, parsed.status());
    return WithStore(db, errmsg, [&](Store& store) {
      absl::StatusOr<std::string> text = qiaolian::ExplainFigure(
          store, *parsed, *period, figure, english != 0);
      if (!text.ok()) return Fail(errmsg, text.status());
      return GiveText(*text, out, out_len, errmsg);
    });
  });
}
