// Fuzzes report specs (include/qiaolian/report.h): ParseReportSpec on any
// text, and every spec it accepts run for 2020 over a store holding the 2020
// example records (examples/2020) and rendered in every format. A spec the
// parser accepts must run: an error is fine, a crash or a sanitizer report
// is not.
//
// Input: the spec text (protobuf text format, as examples/jintan-2020/
// report.textproto).
#include <cstdint>
#include <cstdlib>
#include <string>

#include "absl/strings/string_view.h"
#include "fuzz/example_store.h"
#include "qiaolian/record.h"
#include "qiaolian/report.h"
#include "qiaolian/store.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  qiaolian::Store& store = qiaolian::fuzz::ExampleStore();
  absl::string_view text(reinterpret_cast<const char*>(data), size);
  auto spec = qiaolian::ParseReportSpec(text, "fuzz.textproto");
  if (!spec.ok()) return 0;
  qiaolian::ReportPeriod year;
  year.from = {2020, 1, 1};
  year.to = {2020, 12, 31};
  auto result = qiaolian::RunReport(store, *spec, year);
  if (!result.ok()) return 0;
  for (qiaolian::ReportFormat f :
       {qiaolian::ReportFormat::kMarkdown, qiaolian::ReportFormat::kText,
        qiaolian::ReportFormat::kCsv, qiaolian::ReportFormat::kJson,
        qiaolian::ReportFormat::kHtml}) {
    (void)qiaolian::RenderReport(*result, f);
  }
  return 0;
}
