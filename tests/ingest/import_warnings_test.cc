// The USCC's own check character is enforced; the check character of the
// organisation code inside it (GB 11714, characters 9-17) is only warned
// about (docs/import.md).
#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "qiaolian/import.h"
#include "qiaolian/store.h"
#include "qiaolian/v1/person.pb.h"
#include "tests/testing/temp_dir.h"

namespace qiaolian {
namespace {

using ::testing::HasSubstr;

TEST(ImportWarningsTest, Gb11714InnerCheckIsOnlyWarned) {
  testing::TempDir dir;
  const std::string csv = dir.Sub("codes.csv");
  {
    std::ofstream out(csv, std::ios::binary);
    // 1: both checks hold. 2: the USCC check holds, the organisation code
    // 72358814-4 fails GB 11714 (its check character is 3). 3: the USCC
    // check fails: rejected.
    out << "企业名称,统一社会信用代码\n"
        << "三久制造,91320413723588143D\n"
        << "内码不符,91320413723588144G\n"
        << "坏代码,91320413723588143X\n";
  }
  auto store = Store::Open(dir.Sub("store"));
  ASSERT_TRUE(store.ok()) << store.status();
  absl::StatusOr<ImportSummary> s = Import(**store, csv, ImportOptions());
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->created, 2u) << s->ToString();
  EXPECT_EQ(s->rejected, 1u) << s->ToString();
  EXPECT_EQ(s->warned, 1u) << s->ToString();
  ASSERT_EQ(s->warnings_by_reason.size(), 1u);
  EXPECT_THAT(s->warnings_by_reason.begin()->first,
              HasSubstr("统一社会信用代码: organisation code check (GB 11714) "
                        "fails"));
  EXPECT_THAT(s->ToJson(), HasSubstr("\"warned\":1,\"warnings_by_reason\":{"));
  EXPECT_THAT(s->ToString(), HasSubstr("1 imported with a warning"));
  auto page = (*store)->Query("enterprise where uscc = \"91320413723588144G\"");
  ASSERT_TRUE(page.ok()) << page.status();
  EXPECT_EQ(page->records.size(), 1u);
}

// A phone number that cannot be one is imported as written, with a warning
// that names its row, so that it can be checked: a digit left out of a
// mainland mobile number, a country's number too short, a note in the
// phone column. Numbers written without a country code that are no
// mainland numbers (a list from abroad) are not warned about.
TEST(ImportWarningsTest, PhoneNumbersThatCannotBeOneAreWarnedAboutByLine) {
  testing::TempDir dir;
  const std::string csv = dir.Sub("phones.csv");
  {
    std::ofstream out(csv, std::ios::binary);
    out << "姓名,手机\n"
        << "王芳,1390000111\n"
        << "李娜,+65 9123 456\n"
        << "张伟,139 0000 1111/0519-82345678\n"
        << "陈美玲,9123 4567\n"
        << "黄志明,(60) 12-345 6789\n"
        << "赵强,见备注\n";
  }
  auto store = Store::Open(dir.Sub("store"));
  ASSERT_TRUE(store.ok()) << store.status();
  ImportOptions options;
  options.kind = v1::KIND_PERSON;
  absl::StatusOr<ImportSummary> s = Import(**store, csv, options);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->created, 6u) << s->ToString();
  EXPECT_EQ(s->warned, 3u) << s->ToString();
  ASSERT_EQ(s->warning_rows.size(), 3u) << s->ToString();
  EXPECT_EQ(s->warning_rows[0].line, 2u);
  EXPECT_EQ(s->warning_rows[0].warning,
            "手机: \"1390000111\" has 10 digits, where a mainland mobile "
            "number has 11; imported");
  EXPECT_EQ(s->warning_rows[1].line, 3u);
  EXPECT_EQ(s->warning_rows[1].warning,
            "手机: \"+65 9123 456\" is not a valid number of SG (+65): too "
            "short; imported");
  EXPECT_EQ(s->warning_rows[2].line, 7u);
  EXPECT_THAT(s->warning_rows[2].warning,
              HasSubstr("\"见备注\" is not a phone number"));
  EXPECT_THAT(s->ToString(),
              HasSubstr("\n  warning on line 2: 手机: \"1390000111\" has 10 "
                        "digits"));
  EXPECT_THAT(s->ToJson(),
              HasSubstr("\"warning_rows\":[{\"line\":2,"
                        "\"warning\":\"手机: \\\"1390000111\\\" has"));
  // Imported as written.
  auto page = (*store)->Query("person where name = \"王芳\"");
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->records.size(), 1u);
  EXPECT_EQ(
      static_cast<const v1::Person&>(*page->records[0]).contacts(0).value(),
      "1390000111");
}

// 13- and 15-character legacy registration numbers (注册号, before the
// USCC) are accepted as such, in the code column or their own.
TEST(ImportWarningsTest, LegacyRegistrationNumbersOf13And15Characters) {
  testing::TempDir dir;
  const std::string csv = dir.Sub("legacy.csv");
  {
    std::ofstream out(csv, std::ios::binary);
    out << "企业名称,统一社会信用代码,注册号\n"
        << "老字号甲,3100001234567,\n"
        << "老字号乙,210200000123456,\n"
        << "老字号丙,,１２３４５６７８９０１２３\n";
  }
  auto store = Store::Open(dir.Sub("store"));
  ASSERT_TRUE(store.ok()) << store.status();
  absl::StatusOr<ImportSummary> s = Import(**store, csv, ImportOptions());
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->created, 3u) << s->ToString();
  EXPECT_EQ(s->warned, 0u) << s->ToString();
  for (const char* number :
       {"3100001234567", "210200000123456", "1234567890123"}) {
    auto page = (*store)->Query(absl::StrCat(
        "enterprise where registration_number = \"", number, "\""));
    ASSERT_TRUE(page.ok()) << page.status();
    ASSERT_EQ(page->records.size(), 1u) << number;
    EXPECT_EQ(static_cast<const v1::Enterprise&>(*page->records[0]).uscc(), "");
  }
  // Re-running matches them by that number: nothing changes.
  absl::StatusOr<ImportSummary> again = Import(**store, csv, ImportOptions());
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->created, 0u) << again->ToString();
  EXPECT_EQ(again->unchanged, 3u) << again->ToString();
}

}  // namespace
}  // namespace qiaolian
