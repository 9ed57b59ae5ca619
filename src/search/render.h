// JSON renderings of search hits, duplicate pairs and merge results, shared
// by the C API (capi/search.cc) and the CLI (tools/cmd_search.cc).
#ifndef QIAOLIAN_SRC_SEARCH_RENDER_H_
#define QIAOLIAN_SRC_SEARCH_RENDER_H_

#include <string>
#include <vector>

#include "qiaolian/duplicates.h"
#include "qiaolian/search.h"

namespace qiaolian {
namespace search {

// {"id":1,"score":100,"match":"exact","field":"name","text":"陈伟",
//  "reason":"exact match of name"}
std::string HitToJson(const SearchHit& h);
std::string HitsToJson(const std::vector<SearchHit>& hits);  // [...]
// {"a":1,"b":2,"score":90,"reasons":["..."]}
std::string PairToJson(const DuplicatePair& p);
std::string PairsToJson(const std::vector<DuplicatePair>& pairs);  // [...]
// {"survivor":1,"merged":2,"refs_moved":3,"moved":[{"kind":"event","id":4}]}
std::string MergeResultToJson(const MergeResult& r);

}  // namespace search
}  // namespace qiaolian

#endif  // QIAOLIAN_SRC_SEARCH_RENDER_H_
