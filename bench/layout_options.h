// The store's table layout for the benchmarks, from the environment, so one
// binary can compare layouts (store_bench, query_bench):
//
//   QIAOLIAN_BENCH_COMPRESSION     StoreOptions::compression (0 or 1)
//   QIAOLIAN_BENCH_BLOCK_BYTES     StoreOptions::block_bytes
//   QIAOLIAN_BENCH_MAX_FILE_BYTES  StoreOptions::max_file_bytes
//
// Unset: the library defaults.
#ifndef QIAOLIAN_BENCH_LAYOUT_OPTIONS_H_
#define QIAOLIAN_BENCH_LAYOUT_OPTIONS_H_

#include <stdlib.h>

#include <cstdint>
#include <cstdio>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "qiaolian/store.h"

namespace qiaolian {
namespace bench {

// Default StoreOptions with the layout fields taken from the environment.
inline StoreOptions LayoutOptions() {
  StoreOptions o;
  auto read = [](const char* name, uint64_t* value) {
    const char* env = getenv(name);
    if (env == nullptr || *env == '\0') return;
    uint64_t v = 0;
    if (!absl::SimpleAtoi(env, &v)) {
      std::fprintf(stderr, "bad %s=%s; ignored\n", name, env);
      return;
    }
    *value = v;
  };
  uint64_t compression = o.compression ? 1 : 0;
  uint64_t block = o.block_bytes, file = o.max_file_bytes;
  read("QIAOLIAN_BENCH_COMPRESSION", &compression);
  read("QIAOLIAN_BENCH_BLOCK_BYTES", &block);
  read("QIAOLIAN_BENCH_MAX_FILE_BYTES", &file);
  o.compression = compression != 0;
  o.block_bytes = static_cast<size_t>(block);
  o.max_file_bytes = static_cast<size_t>(file);
  return o;
}

// "compression=none block_bytes=4096 max_file_bytes=..." (for logs and the
// query_bench build marker).
inline std::string LayoutText(const StoreOptions& o) {
  return absl::StrCat("compression=", o.compression ? "snappy" : "none",
                      " block_bytes=", o.block_bytes,
                      " max_file_bytes=", o.max_file_bytes);
}

}  // namespace bench
}  // namespace qiaolian

#endif  // QIAOLIAN_BENCH_LAYOUT_OPTIONS_H_
