#include "gtest/gtest.h"
#include "src/text/normalize.h"

namespace qiaolian {
namespace text {
namespace {

TEST(TextNormalizeTest, OpenCcLoaded) {
  EXPECT_TRUE(SimplifierStatus().ok()) << SimplifierStatus();
}

TEST(TextNormalizeTest, CaseFolding) {
  EXPECT_EQ(Normalize("Chen WEI"), "chen wei");
  EXPECT_EQ(Normalize("STRASSE Straße"), "strasse strasse");
}

TEST(TextNormalizeTest, FullWidthToHalfWidth) {
  EXPECT_EQ(Normalize("ＣＨＥＮ　Ｗｅｉ"), "chen wei");
  EXPECT_EQ(Normalize("东门大街８８号"), "东门大街88号");
  EXPECT_EQ(Normalize("（常州）晨风"), "(常州)晨风");
}

TEST(TextNormalizeTest, IdeographicSpaceBetweenHanRemoved) {
  EXPECT_EQ(Normalize("王　伟"), "王伟");
  EXPECT_EQ(Normalize("王 伟"), "王伟");
  EXPECT_EQ(Normalize("　陈伟　"), "陈伟");
  // Between Latin words it stays a (single, ASCII) space.
  EXPECT_EQ(Normalize("Chen\u3000\u3000Wei"), "chen wei");
  EXPECT_EQ(Normalize("陈伟 David"), "陈伟 david");
}

TEST(TextNormalizeTest, ZeroWidthRemoved) {
  EXPECT_EQ(Normalize("陈\u200B伟"), "陈伟");
  EXPECT_EQ(Normalize("\uFEFF陈伟"), "陈伟");
  EXPECT_EQ(Normalize("Ch\u200Den\u00ADWei\u2060"), "chenwei");
}

TEST(TextNormalizeTest, TraditionalToSimplified) {
  EXPECT_EQ(Normalize("陳偉"), "陈伟");
  EXPECT_EQ(Normalize("鄭國華"), "郑国华");
  EXPECT_EQ(Normalize("常州晨風製造有限公司"), "常州晨风制造有限公司");
  EXPECT_EQ(ToSimplified("黃"), "黄");
  // Already simplified text and Latin are unchanged.
  EXPECT_EQ(ToSimplified("陈伟 Tan"), "陈伟 Tan");
}

TEST(TextNormalizeTest, CompatibilityIdeographs) {
  // U+F9DC (compatibility 隆) -> U+9686.
  EXPECT_EQ(Normalize("\uF9DC"), "隆");
}

TEST(TextNormalizeTest, CompactDropsSpacesAndPunctuation) {
  EXPECT_EQ(Compact("Chen Wei"), "chenwei");
  EXPECT_EQ(Compact("（常州）晨風・有限公司"), "常州晨风有限公司");
  EXPECT_EQ(Compact("阿卜杜拉·买买提"), "阿卜杜拉买买提");
  EXPECT_EQ(Compact("  "), "");
}

TEST(TextNormalizeTest, InvalidUtf8DoesNotCrash) {
  EXPECT_FALSE(Normalize(std::string("\xff\xfe陈", 5)).empty());
}

}  // namespace
}  // namespace text
}  // namespace qiaolian
