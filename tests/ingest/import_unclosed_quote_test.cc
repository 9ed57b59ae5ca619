// An unclosed quote in a registry CSV costs one row, not the rest of the
// file (src/ingest/text.h, kMaxRowBytes; docs/import.md). Here the quote is
// never closed (end of file); tests/ingest/text_test.cc covers a quote that
// stays open past the row limit.
#include <fstream>
#include <sstream>
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

TEST(ImportUnclosedQuoteTest, OneRowRejectedTheRestImported) {
  testing::TempDir dir;
  const std::string csv = dir.Sub("registry.csv");
  {
    std::ofstream out(csv, std::ios::binary);
    out << "企业名称,统一社会信用代码,备注\n"
        << "三久制造,91320413723588143D,\"未闭合的引号\n"
        << "一号农场,91320413MA1MQ7K31D,正常\n"
        << "鑫品茶业,91320413608244193E,无引号\n";
  }
  auto store = Store::Open(dir.Sub("store"));
  ASSERT_TRUE(store.ok()) << store.status();
  ImportOptions o;
  o.reject_file = dir.Sub("rejects.csv");
  absl::StatusOr<ImportSummary> s = Import(**store, csv, o);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->rows, 3u) << s->ToString();
  EXPECT_EQ(s->created, 2u) << s->ToString();
  EXPECT_EQ(s->rejected, 1u) << s->ToString();
  std::ifstream in(o.reject_file);
  std::stringstream rejects;
  rejects << in.rdbuf();
  EXPECT_THAT(rejects.str(),
              HasSubstr("2,\"\",\"column 3: end of file inside a quoted field "
                        "that starts on line 2 (an unclosed quote?)"));
  auto page = (*store)->Query("enterprise where uscc = \"91320413608244193E\"");
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->records.size(), 1u);
  EXPECT_EQ(static_cast<const v1::Enterprise&>(*page->records[0]).notes(),
            "无引号");
}

}  // namespace
}  // namespace qiaolian
