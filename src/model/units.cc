// The unit vocabulary (src/model/units.h). Append units and aliases; never
// remove one (stored records use them) or change a canonical spelling (it
// keys totals).
#include "src/model/units.h"

#include <string>
#include <unordered_map>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace qiaolian {
namespace model {

const std::vector<Unit>& Units() {
  static const std::vector<Unit>* const units = new std::vector<Unit>{
      // Counted things.
      {"只", "piece (masks, gloves; 只 counts small items)", {}},
      {"个", "piece (generic)", {"pcs", "pc", "piece", "pieces"}},
      {"件", "article (garments, parcels)", {"item", "items"}},
      {"套", "set (suits, kits)", {"set", "sets"}},
      {"台", "unit (machines, devices)", {"unit", "units"}},
      {"副", "pair or set (gloves, goggles)", {}},
      {"双", "pair (shoes, gloves)", {"pair", "pairs"}},
      {"顶", "piece (hats, tents)", {}},
      {"支", "stick (thermometers, pens, syringes)", {}},
      {"把", "piece with a handle (chairs, umbrellas)", {}},
      {"张", "sheet (beds, tables, cards)", {"sheet", "sheets"}},
      {"本", "volume (books)", {"volume", "book", "books"}},
      {"份",
       "copy or portion (documents, meals, gift packs)",
       {"copy", "copies"}},
      {"人份", "test or dose for one person (test kits)", {"test", "tests"}},
      {"剂", "dose (vaccines, medicine)", {"dose", "doses"}},
      {"片", "tablet or slice", {"tablet", "tablets"}},
      {"粒", "pill or grain", {"pill", "pills"}},
      {"条", "strip or bar (cigarettes, towels, quilts)", {}},
      {"块", "piece or block (soap, boards)", {"block"}},
      {"卷", "roll", {"roll", "rolls"}},
      {"辆", "vehicle", {"vehicle", "vehicles"}},
      {"架", "piece of equipment or aircraft", {}},
      // Packages.
      {"箱", "box or carton", {"box", "boxes", "carton", "cartons", "ctn"}},
      {"盒", "small box or case", {"case", "cases"}},
      {"包", "pack or packet", {"pack", "packs", "packet", "packets"}},
      {"袋", "bag or sack", {"bag", "bags", "sack", "sacks"}},
      {"瓶", "bottle", {"bottle", "bottles"}},
      {"桶", "barrel or bucket", {"barrel", "barrels", "bucket", "buckets"}},
      {"罐", "can or jar", {"can", "cans", "jar", "jars"}},
      {"车", "truckload", {"truckload", "truckloads"}},
      {"批次", "batch or consignment", {"批", "batch", "batches"}},
      // Measures (never converted into one another).
      {"kg", "kilogram", {"千克", "公斤", "KG", "Kg"}},
      {"g", "gram", {"克"}},
      {"斤", "jin (500 g)", {"市斤"}},
      {"t", "tonne", {"吨", "公吨", "tonne", "tonnes"}},
      {"L", "litre", {"升", "公升", "l"}},
      {"mL", "millilitre", {"毫升", "ml", "ML"}},
      {"m", "metre", {"米"}},
      {"m²", "square metre", {"平方米", "平米", "m2"}},
  };
  return *units;
}

namespace {

const std::unordered_map<std::string, std::string>& ByName() {
  static const auto* const map = [] {
    auto* m = new std::unordered_map<std::string, std::string>;
    for (const Unit& u : Units()) {
      (*m)[u.canonical] = u.canonical;
      for (const char* a : u.aliases) (*m)[a] = u.canonical;
    }
    return m;
  }();
  return *map;
}

absl::string_view Trim(absl::string_view s) {
  constexpr absl::string_view kIdeographicSpace = "\u3000";
  for (bool changed = true; changed;) {
    changed = false;
    const size_t before = s.size();
    s = absl::StripAsciiWhitespace(s);
    while (absl::ConsumePrefix(&s, kIdeographicSpace)) {
    }
    while (absl::ConsumeSuffix(&s, kIdeographicSpace)) {
    }
    changed = s.size() != before;
  }
  return s;
}

}  // namespace

absl::StatusOr<std::string> CanonicalUnit(absl::string_view unit) {
  const absl::string_view t = Trim(unit);
  auto it = ByName().find(std::string(t));
  if (it != ByName().end()) return it->second;
  return absl::InvalidArgumentError(absl::StrCat(
      "unknown unit \"", unit,
      "\"; expected one of the units of docs/records.md, e.g. 只 (piece), "
      "个, 件, 箱 (box), 台, 套, 袋 (bag), 批次 (batch), kg, g, L"));
}

}  // namespace model
}  // namespace qiaolian
