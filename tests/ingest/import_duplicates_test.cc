// Likely duplicates on import (ImportOptions::duplicates, docs/import.md):
// rows that match no record by natural key but look like a stored record or
// an earlier row of the file are reported, or merged into it.
#include <fstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "qiaolian/import.h"
#include "qiaolian/store.h"
#include "qiaolian/v1/enterprise.pb.h"
#include "qiaolian/v1/person.pb.h"
#include "tests/testing/temp_dir.h"

namespace qiaolian {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using testing::TempDir;

void WriteFile(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary) << bytes;
}

uint64_t Accounted(const ImportSummary& s) {
  return s.created + s.updated + s.unchanged + s.duplicates + s.rejected +
         s.merged;
}

class ImportDuplicatesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = Store::Open(tmp_.Sub("store"));
    ASSERT_TRUE(s.ok()) << s.status();
    store_ = std::move(*s);
  }

  // A stored person: 陈伟明, born 1980-01-02, no contact.
  uint64_t StoreChenWeiming() {
    v1::Person p;
    p.set_name("陈伟明");
    p.mutable_birth_date()->set_year(1980);
    p.mutable_birth_date()->set_month(1);
    p.mutable_birth_date()->set_day(2);
    auto id = store_->Create(&p);
    EXPECT_TRUE(id.ok()) << id.status();
    return id.ok() ? *id : 0;
  }

  absl::StatusOr<ImportSummary> ImportPeople(const std::string& csv,
                                             ImportOptions o = {}) {
    const std::string path = tmp_.Sub("people.csv");
    WriteFile(path, csv);
    o.kind = v1::KIND_PERSON;
    return Import(*store_, path, o);
  }

  std::unique_ptr<v1::Person> Person(uint64_t id) {
    auto m = store_->Get(v1::KIND_PERSON, id);
    if (!m.ok()) return nullptr;
    return std::unique_ptr<v1::Person>(static_cast<v1::Person*>(m->release()));
  }

  TempDir tmp_;
  std::unique_ptr<Store> store_;
};

TEST_F(ImportDuplicatesTest, WarnsAboutStoredRecordsAndEarlierRowsOfTheFile) {
  const uint64_t chen = StoreChenWeiming();
  auto s = ImportPeople(
      "姓名,出生日期,电话\n"
      "陳偉明,1980-01-02,\n"  // Traditional spelling of a stored one.
      "李小红,1975-05-05,13800138000\n"
      "李晓红,,138 0013 8000\n"  // Same phone as the row above.
      "王芳,1970-07-07,\n");
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->created, 4u) << "warn creates every row";
  EXPECT_EQ(s->merged, 0u);
  EXPECT_EQ(Accounted(*s), s->rows);
  EXPECT_EQ(*store_->Count(v1::KIND_PERSON), 5u);
  ASSERT_EQ(s->likely_duplicates, 2u) << s->ToString();
  ASSERT_EQ(s->duplicate_rows.size(), 2u);

  const ImportDuplicate& stored = s->duplicate_rows[0];
  EXPECT_EQ(stored.line, 2u);
  EXPECT_EQ(stored.id, chen);
  EXPECT_GE(stored.score, 90);
  EXPECT_THAT(stored.reasons, Contains(HasSubstr("birth")));
  EXPECT_FALSE(stored.merged);

  const ImportDuplicate& batch = s->duplicate_rows[1];
  EXPECT_EQ(batch.line, 4u);
  EXPECT_EQ(batch.id, 0u) << "the earlier row is not written yet";
  EXPECT_EQ(batch.other_line, 3u);
  EXPECT_GE(batch.score, 60);
  EXPECT_THAT(s->ToString(), HasSubstr("line 2 looks like person"));
  EXPECT_THAT(s->ToJson(), HasSubstr("\"likely_duplicates\":2"));
}

TEST_F(ImportDuplicatesTest, RowsOfEarlierBatchesAreFoundInTheStore) {
  ImportOptions o;
  o.batch_rows = 1;  // Every row is its own batch.
  auto s = ImportPeople(
      "姓名,出生日期\n"
      "张三,1966-06-06\n"
      "張三,1966-06-06\n",
      o);
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_EQ(s->duplicate_rows.size(), 1u) << s->ToString();
  EXPECT_EQ(s->duplicate_rows[0].line, 3u);
  EXPECT_NE(s->duplicate_rows[0].id, 0u) << "row 2 was written by then";
}

// A USCC with its GB 32100 check character: 17 digits + check.
std::string Uscc(const std::string& body17) {
  static const char kAlphabet[] = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  static const int kWeights[] = {1,  3,  9,  27, 19, 26, 16, 17, 20,
                                 29, 25, 13, 8,  24, 10, 30, 28};
  int sum = 0;
  for (int k = 0; k < 17; ++k) {
    sum +=
        static_cast<int>(std::string(kAlphabet).find(body17[k])) * kWeights[k];
  }
  return body17 + kAlphabet[(31 - sum % 31) % 31];
}

// Enterprises of one name imported into a new store, each row its own batch
// (so earlier rows are found in the store): a name match counts where one
// side has no USCC (85), not between two different USCCs (45) unless the
// threshold is that low.
TEST_F(ImportDuplicatesTest, SameNamedEnterprisesScoreByTheirCodes) {
  const std::string csv =
      "企业名称,统一社会信用代码\n"
      "晨风贸易有限公司," +
      Uscc("91310000123456781") +
      "\n"
      "晨风贸易有限公司," +
      Uscc("91310000123456782") +
      "\n"
      "晨风贸易有限公司,\n"
      "晨风贸易有限公司," +
      Uscc("91310000123456783") + "\n";
  const std::string path = tmp_.Sub("registry.csv");
  WriteFile(path, csv);
  ImportOptions o;
  o.batch_rows = 1;
  auto s = Import(*store_, path, o);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->created, 4u);
  ASSERT_EQ(s->likely_duplicates, 2u) << s->ToString();
  // Line 3 (another USCC) is not one; line 4 (no USCC) is; line 5 looks
  // like line 4, which has no USCC.
  EXPECT_EQ(s->duplicate_rows[0].line, 4u);
  EXPECT_EQ(s->duplicate_rows[1].line, 5u);
  EXPECT_EQ(s->duplicate_rows[1].score, 85);

  // With the threshold at 40, two different USCCs of one name count (45).
  auto other = Store::Open(tmp_.Sub("store2"));
  ASSERT_TRUE(other.ok());
  WriteFile(path,
            "企业名称,统一社会信用代码\n"
            "晨风贸易有限公司," +
                Uscc("91310000123456781") +
                "\n"
                "晨风贸易有限公司," +
                Uscc("91310000123456782") + "\n");
  o.duplicate_min_score = 40;
  s = Import(**other, path, o);
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_EQ(s->likely_duplicates, 1u) << s->ToString();
  EXPECT_EQ(s->duplicate_rows[0].score, 45);
}

TEST_F(ImportDuplicatesTest, OffLooksForNothing) {
  StoreChenWeiming();
  ImportOptions o;
  o.duplicates = ImportDuplicates::kOff;
  auto s = ImportPeople("姓名,出生日期\n陳偉明,1980-01-02\n", o);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->created, 1u);
  EXPECT_EQ(s->likely_duplicates, 0u);
  EXPECT_TRUE(s->duplicate_rows.empty());
}

TEST_F(ImportDuplicatesTest, MergeFillsTheStoredRecordInsteadOfCreating) {
  const uint64_t chen = StoreChenWeiming();
  ImportOptions o;
  o.duplicates = ImportDuplicates::kMerge;
  const std::string csv =
      "姓名,出生日期,电话\n"
      "陳偉明,1980-01-02,13900001111\n"
      "王芳,1970-07-07,\n";
  auto s = ImportPeople(csv, o);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->merged, 1u) << s->ToString();
  EXPECT_EQ(s->created, 1u);
  EXPECT_EQ(Accounted(*s), s->rows);
  ASSERT_EQ(s->duplicate_rows.size(), 1u);
  EXPECT_TRUE(s->duplicate_rows[0].merged);
  EXPECT_EQ(s->duplicate_rows[0].id, chen);
  EXPECT_EQ(*store_->Count(v1::KIND_PERSON), 2u);
  auto p = Person(chen);
  ASSERT_NE(p, nullptr);
  EXPECT_EQ(p->name(), "陈伟明") << "the stored record keeps its values";
  ASSERT_EQ(p->contacts_size(), 1) << "and takes the row's where it had none";
  EXPECT_THAT(p->contacts(0).value(), HasSubstr("13900001111"));
  EXPECT_EQ(p->meta().revision(), 2u);

  // Idempotent: the same file again writes nothing.
  auto again = ImportPeople(csv, o);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->created, 0u);
  EXPECT_EQ(*store_->Count(v1::KIND_PERSON), 2u);
  EXPECT_EQ(Person(chen)->meta().revision(), 2u);
}

TEST_F(ImportDuplicatesTest, MergeWithinOneBatchAndADifferentNameIsKept) {
  ImportOptions o;
  o.duplicates = ImportDuplicates::kMerge;
  o.duplicate_min_score = 60;
  auto s = ImportPeople(
      "姓名,出生日期,电话\n"
      "李小红,1975-05-05,13800138000\n"
      "李晓红,1975-05-05,13800138000\n",  // Same phone and birth date.
      o);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->created, 1u) << s->ToString();
  EXPECT_EQ(s->merged, 1u);
  auto page = store_->Query("person where name = \"李小红\"");
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->records.size(), 1u);
  const auto& p = static_cast<const v1::Person&>(*page->records[0]);
  EXPECT_THAT(p.former_names(), Contains("李晓红"))
      << "the merged row's name is not lost";
}

TEST_F(ImportDuplicatesTest, DryRunMergeWritesNothing) {
  const uint64_t chen = StoreChenWeiming();
  ImportOptions o;
  o.duplicates = ImportDuplicates::kMerge;
  o.dry_run = true;
  auto s =
      ImportPeople("姓名,出生日期,电话\n陳偉明,1980-01-02,13900001111\n", o);
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->merged, 1u);
  EXPECT_EQ(Person(chen)->contacts_size(), 0);
  EXPECT_EQ(Person(chen)->meta().revision(), 1u);
}

TEST_F(ImportDuplicatesTest,
       EnterprisesWithTheSameNameAreFlaggedUnlessCodesDiffer) {
  v1::Enterprise e;
  e.set_name("常州晨风制造有限公司");
  e.set_uscc("91310000757904992P");
  auto id = store_->Create(&e);
  ASSERT_TRUE(id.ok()) << id.status();
  const std::string path = tmp_.Sub("e.csv");
  // Another valid code: two companies that share a name, not flagged.
  WriteFile(path,
            "企业名称,统一社会信用代码\n"
            "常州晨风制造有限公司,91310115757910460R\n");
  auto other = Import(*store_, path, {});
  ASSERT_TRUE(other.ok()) << other.status();
  EXPECT_EQ(other->created, 1u);
  EXPECT_EQ(other->likely_duplicates, 0u) << other->ToString();

  // No code: the same name (traditional here) decides.
  const std::string nocode = tmp_.Sub("nocode.csv");
  WriteFile(nocode,
            "企业名称,统一社会信用代码\n"
            "常州晨風製造有限公司,\n");
  auto s = Import(*store_, nocode, {});
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(s->created, 1u);
  ASSERT_EQ(s->duplicate_rows.size(), 1u) << s->ToString();
  EXPECT_EQ(s->duplicate_rows[0].line, 2u);
  EXPECT_THAT(s->duplicate_rows[0].reasons, Contains(HasSubstr("same name")));
  EXPECT_GE(s->duplicate_rows[0].score, 85);
  EXPECT_TRUE(s->duplicate_rows[0].id == *id ||
              s->duplicate_rows[0].id == *id + 1)
      << "either enterprise of that name";
}

TEST(ImportDuplicatesParseTest, NamesAreCheckedClearly) {
  EXPECT_EQ(*ParseImportDuplicates("warn"), ImportDuplicates::kWarn);
  EXPECT_EQ(*ParseImportDuplicates("MERGE"), ImportDuplicates::kMerge);
  EXPECT_EQ(*ParseImportDuplicates("off"), ImportDuplicates::kOff);
  auto bad = ParseImportDuplicates("maybe");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), HasSubstr("off, warn or merge"));
}

}  // namespace
}  // namespace qiaolian
