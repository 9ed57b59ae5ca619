// Helpers shared by the report renderers (render.cc, html.cc). Not installed.
#ifndef QIAOLIAN_SRC_REPORT_RENDER_H_
#define QIAOLIAN_SRC_REPORT_RENDER_H_

#include <string>

#include "qiaolian/report.h"

namespace qiaolian {
namespace report {

// value / 10^scale, rounded half up to `decimals`, trailing zeros dropped.
std::string Decimal(__int128 value, int scale, int decimals);
// The spec's display name of a group-key value, else the value.
std::string ValueLabel(const ReportResult& r, const std::string& value,
                       bool english);
std::string Heading(const ReportResult& r, bool english);
std::string PeriodText(const ReportResult& r, bool english);
std::string SectionTitle(const v1::ReportSection& s, bool english);
// Machine-readable value (CSV "number" column).
std::string MachineValue(const FigureValue& v);

// The self-contained HTML page with inline SVG charts (html.cc).
std::string RenderHtml(const ReportResult& r, const RenderOptions& options);

}  // namespace report
}  // namespace qiaolian

#endif  // QIAOLIAN_SRC_REPORT_RENDER_H_
