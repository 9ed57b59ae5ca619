#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "src/text/icu_reading.h"
#include "src/text/normalize.h"
#include "src/text/pinyin.h"

namespace qiaolian {
namespace text {
namespace {

std::string NamePinyin(const std::string& name) {
  return ToPinyin(Normalize(name), true).Spaced();
}

TEST(TextPinyinTest, CommonNames) {
  EXPECT_EQ(NamePinyin("陈伟"), "chen wei");
  EXPECT_EQ(NamePinyin("陳偉"), "chen wei");
  EXPECT_EQ(NamePinyin("王秀英"), "wang xiu ying");
  EXPECT_EQ(NamePinyin("李娜"), "li na");
  EXPECT_EQ(NamePinyin("张伟"), "zhang wei");
  EXPECT_EQ(NamePinyin("刘洋"), "liu yang");
  EXPECT_EQ(NamePinyin("黄志强"), "huang zhi qiang");
  EXPECT_EQ(NamePinyin("吕静"), "lu jing");
}

TEST(TextPinyinTest, PolyphonicSurnames) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"单雄信", "shan xiong xin"},
      {"曾国藩", "zeng guo fan"},
      {"解缙", "xie jin"},
      {"区志明", "ou zhi ming"},
      {"仇英", "qiu ying"},
      {"朴槿惠", "piao jin hui"},
      {"查良镛", "zha liang yong"},
      {"盖聂", "ge nie"},
      {"缪斯", "miao si"},
      {"翟志刚", "zhai zhi gang"},
      {"覃辉", "qin hui"},
      {"乐嘉", "yue jia"},
      {"尉迟恭", "yu chi gong"},
      {"万俟卨", "mo qi xie"},
      {"长孙无忌", "zhang sun wu ji"},
      {"单于夜", "chan yu ye"},
      {"欧阳修", "ou yang xiu"},
      {"诸葛亮", "zhu ge liang"},
      {"曾曾", "zeng ceng"},  // Only the surname position is overridden.
  };
  for (const auto& [name, want] : cases) {
    EXPECT_EQ(NamePinyin(name), want) << name;
  }
}

TEST(TextPinyinTest, OverrideOnlyForPersonNames) {
  // 曾经 as ordinary text reads ceng, 单位 dan.
  EXPECT_EQ(ToPinyin(Normalize("曾经"), false).Full(), "cengjing");
  EXPECT_EQ(ToPinyin(Normalize("单位"), false).Full(), "danwei");
}

TEST(TextPinyinTest, FullAndInitials) {
  Pinyin p = ToPinyin(Normalize("陈伟明"), true);
  EXPECT_EQ(p.Full(), "chenweiming");
  EXPECT_EQ(p.Initials(), "cwm");
  EXPECT_TRUE(p.has_han);
  Pinyin z = ToPinyin(Normalize("张小山"), true);
  EXPECT_EQ(z.Initials(), "zxs");
}

TEST(TextPinyinTest, LatinPassesThrough) {
  Pinyin p = ToPinyin(Normalize("Tan Ah Kow"), true);
  EXPECT_EQ(p.Spaced(), "tan ah kow");
  EXPECT_EQ(p.Initials(), "tak");
  EXPECT_FALSE(p.has_han);
  EXPECT_EQ(ToPinyin(Normalize("晨风2号"), false).Spaced(), "chen feng 2 hao");
}

}  // namespace
}  // namespace text
}  // namespace qiaolian

namespace qiaolian {
namespace text {
namespace {

TEST(TextPinyinTest, DialectAndWadeGilesSurnames) {
  using V = std::vector<std::string>;
  EXPECT_EQ(DialectSurnameReadings("tan"), V{"chen"});   // Hokkien 陈
  EXPECT_EQ(DialectSurnameReadings("chan"), V{"chen"});  // Cantonese 陈
  EXPECT_EQ(DialectSurnameReadings("ng"), (V{"wu", "huang"}));
  EXPECT_EQ(DialectSurnameReadings("lim"), V{"lin"});
  EXPECT_EQ(DialectSurnameReadings("hsu"), V{"xu"});  // Wade-Giles
  EXPECT_EQ(DialectSurnameReadings("cheung"), V{"zhang"});
  EXPECT_TRUE(DialectSurnameReadings("wang").empty());  // Already pinyin.
  EXPECT_TRUE(DialectSurnameReadings("smith").empty());
}

TEST(TextPinyinTest, DialectSurnameVariantsOfLatinNames) {
  using V = std::vector<std::string>;
  EXPECT_EQ(DialectSurnameVariants("tan wei ming"), V{"chenweiming"});
  EXPECT_EQ(DialectSurnameVariants("wei-ming tan"), V{"chenweiming"});
  EXPECT_EQ(DialectSurnameVariants("lim mei ling"), V{"linmeiling"});
  EXPECT_EQ(DialectSurnameVariants("ng ah kow"), (V{"wuahkow", "huangahkow"}));
  EXPECT_EQ(DialectSurnameVariants("tanweiming"), V{"chenweiming"});
  EXPECT_EQ(DialectSurnameVariants("tan"), V{"chen"});
  // Pinyin that merely starts with a spelling is left alone.
  EXPECT_TRUE(DialectSurnameVariants("tang").empty());
  EXPECT_TRUE(DialectSurnameVariants("hong").empty());
  EXPECT_TRUE(DialectSurnameVariants("chen wei").empty());
  EXPECT_TRUE(DialectSurnameVariants("陈伟").empty());
  EXPECT_TRUE(DialectSurnameVariants("").empty());
}

// The readings table built at build time from ICU (gen/pinyin_readings.cc)
// gives what ICU's transliterator gives at run time: the first and last
// characters of the table, every 37th in between, a surname that is never
// read as such (the table holds a character's own reading) and characters
// beyond the table (CJK Extension B), which the transliterator still reads.
TEST(TextPinyinTest, ReadingsTableIsIcus) {
  std::unique_ptr<icu::Transliterator> t(NewHanLatinTransliterator());
  ASSERT_NE(t, nullptr);
  std::vector<char32_t> chars = {0x3400, 0x9FFF,  U'单',  U'陈',
                                 U'曾',  0x20000, 0x2A6D6};
  for (char32_t c = 0x3400; c <= 0x9FFF; c += 37) chars.push_back(c);
  size_t with_reading = 0;
  for (char32_t c : chars) {
    const std::string want = IcuReading(*t, c);
    EXPECT_EQ(CharReading(c), want) << "U+" << std::hex << uint32_t{c};
    with_reading += !want.empty();
  }
  EXPECT_EQ(CharReading(U'陈'), "chen");
  EXPECT_EQ(CharReading(U'单'), "dan");
  EXPECT_EQ(CharReading(0x20000), "he");
  EXPECT_GT(with_reading, chars.size() * 9 / 10);
}

}  // namespace
}  // namespace text
}  // namespace qiaolian
