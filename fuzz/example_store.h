// Shared by the fuzz targets that run on data (query, report_spec): the
// 2020 example records in a store. C++ API; the C-ABI-only targets use
// fuzz/fuzz_util.h alone.
#ifndef QIAOLIAN_FUZZ_EXAMPLE_STORE_H_
#define QIAOLIAN_FUZZ_EXAMPLE_STORE_H_

#include <cstdlib>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "fuzz/fuzz_util.h"
#include "qiaolian/record.h"
#include "qiaolian/store.h"

namespace qiaolian {
namespace fuzz {

// A store in the scratch directory holding the 2020 example records
// (examples/2020), opened once per process; aborts if they do not load.
inline Store& ExampleStore() {
  static Store* store = [] {
    auto s = Store::Open(ScratchDir() + "/store");
    if (!s.ok()) std::abort();
    for (const char* kind :
         {"enterprise", "person", "case", "donation", "event"}) {
      std::ifstream in(std::string(QIAOLIAN_SOURCE_DIR) + "/examples/2020/" +
                       kind + ".jsonl");
      std::string line;
      std::vector<std::unique_ptr<google::protobuf::Message>> records;
      std::vector<google::protobuf::Message*> ptrs;
      while (std::getline(in, line)) {
        auto r = RecordFromJson(*ParseKind(kind), line);
        if (!r.ok()) std::abort();
        ptrs.push_back(r->get());
        records.push_back(std::move(*r));
      }
      if (ptrs.empty() || !(*s)->CreateAll(ptrs).ok()) std::abort();
    }
    return s->release();
  }();
  return *store;
}

}  // namespace fuzz
}  // namespace qiaolian

#endif  // QIAOLIAN_FUZZ_EXAMPLE_STORE_H_
