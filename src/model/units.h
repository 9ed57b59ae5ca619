// The vocabulary of units goods are counted in (物资单位): Item.unit must be
// one of these, by its canonical spelling or an alias (docs/records.md lists
// them). Totals add quantities per canonical unit and never convert between
// units (1 箱 of masks is not 50 只; 1 kg is not 1000 g).
#ifndef QIAOLIAN_SRC_MODEL_UNITS_H_
#define QIAOLIAN_SRC_MODEL_UNITS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace qiaolian {
namespace model {

struct Unit {
  const char* canonical;  // "只", "kg", ...: what totals are keyed by.
  const char* english;    // "piece (masks, gloves, animals)", "kilogram".
  std::vector<const char*> aliases;  // Other accepted spellings.
};

// Every unit, in documentation order.
const std::vector<Unit>& Units();

// The canonical spelling of `unit` (itself or an alias, compared exactly
// after trimming ASCII and ideographic spaces). INVALID_ARGUMENT naming the
// unit and a few accepted ones otherwise.
absl::StatusOr<std::string> CanonicalUnit(absl::string_view unit);

}  // namespace model
}  // namespace qiaolian

#endif  // QIAOLIAN_SRC_MODEL_UNITS_H_
