#include <cstdint>
#include <string>
#include <vector>

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

// A character's conversion depends on the phrase around it: 乾 alone is
// 干, but 乾隆 (an emperor) and 乾坤 keep it.
TEST(TextNormalizeTest, PhrasesConvertAsOpenCcConvertsThem) {
  EXPECT_EQ(ToSimplified("乾"), "干");
  EXPECT_EQ(ToSimplified("乾燥"), "干燥");
  EXPECT_EQ(ToSimplified("乾隆"), "乾隆");
  EXPECT_EQ(ToSimplified("乾坤"), "乾坤");
  EXPECT_EQ(ToSimplified("一隻"), "一只");
  EXPECT_EQ(ToSimplified("瞭解後"), "了解后");
  EXPECT_EQ(Normalize("陳乾隆"), "陈乾隆");
  EXPECT_EQ(Normalize("乾隆皇帝 Qianlong"), "乾隆皇帝 qianlong");
  EXPECT_EQ(Compact("臺灣 乾坤"), "台湾乾坤");
}

// Text none of whose characters is traditional is left as it is, phrases
// included: OpenCC reads 沈默 as a word (沉默, silence), but it is also a
// name (Shen Mo), and a simplified name must stay itself.
TEST(TextNormalizeTest, SimplifiedTextKeepsItsPhrases) {
  EXPECT_EQ(ToSimplifiedByOpenCc("沈默"), "沉默");
  EXPECT_EQ(ToSimplified("沈默"), "沈默");
  EXPECT_EQ(Normalize("沈默"), "沈默");
  EXPECT_EQ(ToSimplified("瞭解"), "瞭解");
}

// A string with a traditional character is converted as OpenCC converts it
// whole: from a table of single characters when no phrase of OpenCC's
// dictionary occurs in it, by OpenCC otherwise. Random strings of
// traditional characters, with and without phrases, give OpenCC's result.
TEST(TextNormalizeTest, CharacterTableAgreesWithOpenCc) {
  std::vector<std::string> changing;  // Characters that simplify.
  for (char32_t c = 0x4E00; c <= 0x9FFF; ++c) {
    std::string one;
    AppendUtf8(c, &one);
    if (ToSimplifiedByOpenCc(one) != one) changing.push_back(one);
  }
  ASSERT_GT(changing.size(), 2000u);
  const std::vector<std::string> phrases = {"乾隆", "乾坤", "瞭解", "一隻",
                                            "後來", "頭髮", "發展", "沈默"};
  const std::vector<std::string> plain = {"陈", "伟", "明", "A", " ", "沈"};
  uint64_t state = 20261201;
  auto next = [&state](size_t n) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<size_t>((state >> 33) % n);
  };
  size_t mismatches = 0;
  for (int round = 0; round < 20000; ++round) {
    // At least one traditional character, anywhere.
    std::string s = changing[next(changing.size())];
    const size_t parts = next(6);
    for (size_t p = 0; p < parts; ++p) {
      std::string part;
      switch (next(4)) {
        case 0:
          part = phrases[next(phrases.size())];
          break;
        case 1:
          part = plain[next(plain.size())];
          break;
        default:
          part = changing[next(changing.size())];
      }
      s = next(2) == 0 ? part + s : s + part;
    }
    const std::string want = ToSimplifiedByOpenCc(s);
    if (ToSimplified(s) != want && ++mismatches <= 5) {
      ADD_FAILURE() << s << ": " << ToSimplified(s) << ", OpenCC " << want;
    }
  }
  EXPECT_EQ(mismatches, 0u);
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
