#include "src/model/units.h"

#include <map>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace qiaolian {
namespace model {
namespace {

using ::testing::HasSubstr;

TEST(UnitsTest, CanonicalAndAliases) {
  EXPECT_EQ(*CanonicalUnit("只"), "只");
  EXPECT_EQ(*CanonicalUnit(" 箱 "), "箱");
  EXPECT_EQ(*CanonicalUnit("\u3000boxes\u3000"), "箱");
  EXPECT_EQ(*CanonicalUnit("公斤"), "kg");
  EXPECT_EQ(*CanonicalUnit("千克"), "kg");
  EXPECT_EQ(*CanonicalUnit("批"), "批次");
  EXPECT_EQ(*CanonicalUnit("吨"), "t");
  // Different units stay different: no conversion.
  EXPECT_NE(*CanonicalUnit("克"), *CanonicalUnit("公斤"));
  EXPECT_NE(*CanonicalUnit("只"), *CanonicalUnit("箱"));
}

TEST(UnitsTest, UnknownUnitsAreErrors) {
  for (const char* u : {"坨", "", "kilo", "箱子", "Box"}) {
    auto c = CanonicalUnit(u);
    EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument) << u;
    EXPECT_THAT(c.status().message(), HasSubstr("unknown unit")) << u;
  }
}

// Every spelling names exactly one unit, every unit has an English name, and
// a canonical spelling maps to itself.
TEST(UnitsTest, VocabularyIsUnambiguous) {
  std::map<std::string, std::string> seen;
  for (const Unit& u : Units()) {
    EXPECT_NE(std::string(u.english), "") << u.canonical;
    EXPECT_EQ(*CanonicalUnit(u.canonical), u.canonical);
    EXPECT_TRUE(seen.emplace(u.canonical, u.canonical).second) << u.canonical;
    for (const char* a : u.aliases) {
      EXPECT_TRUE(seen.emplace(a, u.canonical).second)
          << a << " names " << seen[a] << " and " << u.canonical;
      EXPECT_EQ(*CanonicalUnit(a), u.canonical) << a;
    }
  }
  EXPECT_GE(Units().size(), 30u);
}

}  // namespace
}  // namespace model
}  // namespace qiaolian
