// Fuzzes the Excel readers (src/ingest/excel.h): .xlsx (minizip + expat,
// shared strings, styles, inline strings, dates) and .xls (FreeXL).
//
// Input: one mode byte (bit 0: xls instead of xlsx), then the workbook.
#include <cstdint>
#include <string>

#include "fuzz/fuzz_util.h"
#include "src/ingest/excel.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const bool xls = (data[0] & 1) != 0;
  const std::string path = qiaolian::fuzz::WriteScratch(
      xls ? "book.xls" : "book.xlsx", data + 1, size - 1);
  auto reader = qiaolian::ingest::OpenExcel(path, xls ? "xls" : "xlsx");
  if (!reader.ok()) return 0;
  qiaolian::ingest::Row row;
  for (int i = 0; i < 100000; ++i) {
    auto more = (*reader)->Next(&row);
    if (!more.ok() || !*more) break;
  }
  return 0;
}
