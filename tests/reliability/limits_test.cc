// Size limits (include/qiaolian/limits.h, docs/reliability.md): each one is
// RESOURCE_EXHAUSTED naming the input, at the limit + 1 byte, and accepted
// at the limit, on the C++ surfaces; the C, Python and CLI surfaces are
// tested in tests/python/test_reliability.py and tests/cli/reliability_test.sh.
#include "qiaolian/limits.h"

#include <fstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "qiaolian/import.h"
#include "qiaolian/record.h"
#include "qiaolian/store.h"
#include "tests/reliability/workload.h"
#include "tests/testing/temp_dir.h"

namespace qiaolian {
namespace reliability {
namespace {

using testing::TempDir;

constexpr auto kExhausted = absl::StatusCode::kResourceExhausted;

std::unique_ptr<Store> OpenStore(const std::string& dir) {
  auto s = Store::Open(dir);
  EXPECT_TRUE(s.ok()) << s.status();
  return s.ok() ? std::move(*s) : nullptr;
}

TEST(LimitsTest, FieldOnCreateAndUpdate) {
  TempDir tmp;
  auto store = OpenStore(tmp.Sub("s"));
  v1::Person p = MakePerson("陈丽华", "n");
  p.set_notes(std::string(kMaxFieldBytes + 1, 'x'));
  absl::StatusOr<uint64_t> id = store->Create(&p);
  EXPECT_EQ(id.status().code(), kExhausted) << id.status();
  EXPECT_TRUE(absl::StrContains(id.status().message(), "person.notes"))
      << id.status();
  EXPECT_EQ(*store->Count(v1::KIND_PERSON), 0u);
  p.set_notes(std::string(kMaxFieldBytes, 'x'));
  id = store->Create(&p);
  ASSERT_TRUE(id.ok()) << id.status();
  p.add_tags(std::string(kMaxFieldBytes + 1, 'y'));
  absl::Status st = store->Update(&p);
  EXPECT_EQ(st.code(), kExhausted) << st;
  EXPECT_TRUE(absl::StrContains(st.message(), "person.tags[1]")) << st;
  EXPECT_EQ(MetaOf(**store->Get(v1::KIND_PERSON, *id)).revision(), 1u);
}

TEST(LimitsTest, RecordOnCreate) {
  TempDir tmp;
  auto store = OpenStore(tmp.Sub("s"));
  v1::Person p = MakePerson("陈丽华", "n");
  // Every field within its limit, the record over its own.
  for (size_t i = 0; i <= kMaxRecordBytes / kMaxFieldBytes; ++i) {
    p.add_former_names(std::string(kMaxFieldBytes, 'a'));
  }
  absl::StatusOr<uint64_t> id = store->Create(&p);
  EXPECT_EQ(id.status().code(), kExhausted) << id.status();
  EXPECT_TRUE(absl::StrContains(id.status().message(), "exceeds the limit"));
  EXPECT_EQ(*store->Count(v1::KIND_PERSON), 0u);
}

TEST(LimitsTest, JsonBeforeParsing) {
  // Not even valid JSON: the size is refused before the parser sees it.
  std::string json(kMaxJsonBytes + 1, '{');
  auto r = RecordFromJson(v1::KIND_PERSON, json);
  EXPECT_EQ(r.status().code(), kExhausted) << r.status();
  EXPECT_TRUE(absl::StrContains(r.status().message(), "JSON text of"));
  // At the limit it is parsed (and refused as JSON).
  json.resize(kMaxJsonBytes);
  EXPECT_EQ(RecordFromJson(v1::KIND_PERSON, json).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(LimitsTest, QueryOnQueryAggregateExplain) {
  TempDir tmp;
  auto store = OpenStore(tmp.Sub("s"));
  std::string q = "person where name = \"李明\"";
  q.append(kMaxQueryBytes + 1 - q.size(), ' ');
  EXPECT_EQ(store->Query(q).status().code(), kExhausted);
  EXPECT_EQ(store->Aggregate(q).status().code(), kExhausted);
  EXPECT_EQ(store->Explain(q).status().code(), kExhausted);
  EXPECT_TRUE(absl::StrContains(store->Query(q).status().message(),
                                "query of 65537 bytes"));
  q.pop_back();
  EXPECT_TRUE(store->Query(q).ok()) << store->Query(q).status();
}

TEST(LimitsTest, CsvFieldAndJsonLineOnImport) {
  TempDir tmp;
  auto store = OpenStore(tmp.Sub("s"));
  std::string csv = "企业名称,统一社会信用代码\n";
  absl::StrAppend(&csv, "第一企业,", Uscc(1, 1), "\n");
  absl::StrAppend(&csv, "\"", std::string(kMaxCsvFieldBytes + 1, 'x'), "\",",
                  Uscc(1, 2), "\n");
  absl::StrAppend(&csv, "第三企业,", Uscc(1, 3), "\n");
  std::ofstream(tmp.Sub("e.csv")) << csv;
  ImportOptions o;
  o.reject_file = tmp.Sub("rejects.csv");
  auto s = Import(*store, tmp.Sub("e.csv"), o);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->created, 2u);
  EXPECT_EQ(s->rejected, 1u);
  ASSERT_EQ(s->rejected_by_reason.size(), 1u);
  EXPECT_TRUE(
      absl::StrContains(s->rejected_by_reason.begin()->first, "企业名称: "))
      << s->rejected_by_reason.begin()->first;
  EXPECT_TRUE(absl::StrContains(s->rejected_by_reason.begin()->first,
                                "more than the limit"))
      << s->rejected_by_reason.begin()->first;

  std::string jsonl = "{\"name\":\"甲企业\"}\n";
  absl::StrAppend(&jsonl, "{\"name\":\"", std::string(kMaxJsonBytes, 'y'),
                  "\"}\n{\"name\":\"乙企业\"}\n");
  std::ofstream(tmp.Sub("e.jsonl")) << jsonl;
  s = Import(*store, tmp.Sub("e.jsonl"), o);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->created, 2u);
  EXPECT_EQ(s->rejected, 1u);
  EXPECT_TRUE(
      absl::StrContains(s->rejected_by_reason.begin()->first, "JSON text of"))
      << s->rejected_by_reason.begin()->first;
}

}  // namespace
}  // namespace reliability
}  // namespace qiaolian
