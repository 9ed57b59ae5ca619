#include "src/search/render.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "src/util/json.h"

namespace qiaolian {
namespace search {

std::string HitToJson(const SearchHit& h) {
  return absl::StrCat("{\"id\":", h.id, ",\"score\":", h.score,
                      ",\"match\":", JsonQuote(h.match),
                      ",\"field\":", JsonQuote(h.field),
                      ",\"text\":", JsonQuote(h.text),
                      ",\"reason\":", JsonQuote(h.reason), "}");
}

std::string HitsToJson(const std::vector<SearchHit>& hits) {
  std::vector<std::string> parts;
  for (const SearchHit& h : hits) parts.push_back(HitToJson(h));
  return absl::StrCat("[", absl::StrJoin(parts, ","), "]");
}

std::string PairToJson(const DuplicatePair& p) {
  std::vector<std::string> reasons;
  for (const std::string& r : p.reasons) reasons.push_back(JsonQuote(r));
  return absl::StrCat("{\"a\":", p.a, ",\"b\":", p.b, ",\"score\":", p.score,
                      ",\"reasons\":[", absl::StrJoin(reasons, ","), "]}");
}

std::string PairsToJson(const std::vector<DuplicatePair>& pairs) {
  std::vector<std::string> parts;
  for (const DuplicatePair& p : pairs) parts.push_back(PairToJson(p));
  return absl::StrCat("[", absl::StrJoin(parts, ","), "]");
}

std::string MergeResultToJson(const MergeResult& r) {
  std::vector<std::string> moved;
  for (const auto& [kind, id] : r.moved) {
    moved.push_back(absl::StrCat("{\"kind\":", JsonQuote(KindName(kind)),
                                 ",\"id\":", id, "}"));
  }
  return absl::StrCat("{\"survivor\":", r.survivor, ",\"merged\":", r.merged,
                      ",\"refs_moved\":", r.refs_moved, ",\"moved\":[",
                      absl::StrJoin(moved, ","), "]}");
}

}  // namespace search
}  // namespace qiaolian
