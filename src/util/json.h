// Small JSON helpers for the few places that print JSON by hand (aggregate
// results, verify reports); records use protobuf's JSON mapping.
#ifndef QIAOLIAN_SRC_UTIL_JSON_H_
#define QIAOLIAN_SRC_UTIL_JSON_H_

#include <string>

#include "absl/strings/string_view.h"

namespace qiaolian {

// `s` (UTF-8) as a JSON string literal, quotes included.
std::string JsonQuote(absl::string_view s);

}  // namespace qiaolian

#endif  // QIAOLIAN_SRC_UTIL_JSON_H_
