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
