// Fuzzes the query language (src/query): parser, planner and executor, on a
// store holding the 2020 example records (examples/2020): Store::Query with
// paging (and a second page from the cursor it returns), Store::Aggregate
// and Store::Explain.
//
// Input: the query text; text after a 0x01 byte is passed as a page cursor.
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "fuzz/example_store.h"
#include "qiaolian/record.h"
#include "qiaolian/store.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  qiaolian::Store& store = qiaolian::fuzz::ExampleStore();
  std::string in(reinterpret_cast<const char*>(data), size);
  std::string cursor;
  if (size_t cut = in.find('\x01'); cut != std::string::npos) {
    cursor = in.substr(cut + 1);
    in.resize(cut);
  }
  qiaolian::QueryOptions o;
  o.allow_scan = true;
  o.page_size = 7;
  o.cursor = cursor;
  auto page = store.Query(in, o);
  if (page.ok() && !page->next_cursor.empty()) {
    o.cursor = page->next_cursor;
    auto next = store.Query(in, o);
    if (!next.ok()) std::abort();  // Our own cursor must work.
  }
  o.cursor.clear();
  (void)store.Aggregate(in, o);
  (void)store.Explain(in, o);
  return 0;
}
