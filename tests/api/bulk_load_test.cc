// Bulk loads (StoreAccess::BeginBulkLoad / FinishBulkLoad, used by Import,
// ImportBulkLoad): index entries are sorted on the
// side and written at the end. What a user relies on: queries stay right
// during the load, the store verifies afterwards whatever happened during
// the load (updates, deletions, failed batches), and a process that stops
// before the end leaves a store whose indexes are rebuilt at open.
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "qiaolian/import.h"
#include "qiaolian/search.h"
#include "qiaolian/store.h"
#include "src/api/store_access.h"
#include "src/model/checks.h"
#include "src/search/terms.h"
#include "tests/testing/temp_dir.h"

namespace qiaolian {
namespace {

using internal::StoreAccess;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::TempDir;

constexpr uint16_t kIndustryIndex = 210;
// A budget this small makes the sorter spill hundreds of runs.
constexpr size_t kTinySortMemory = 2048;

std::unique_ptr<Store> OpenStore(const std::string& dir) {
  absl::StatusOr<std::unique_ptr<Store>> s = Store::Open(dir);
  EXPECT_TRUE(s.ok()) << s.status();
  return s.ok() ? std::move(*s) : nullptr;
}

v1::Enterprise Enterprise(int i) {
  v1::Enterprise e;
  e.set_name(absl::StrCat("晨风", i, "号贸易有限公司"));
  e.set_industry(i % 2 == 0 ? "制造业" : "批发和零售业");
  e.mutable_address()->set_text(absl::StrCat("常州市新北区太湖路", i, "号"));
  return e;
}

// Creates records first..first+n-1 in batches of `batch`.
void CreateMany(Store* store, int first, int n, int batch) {
  for (int i = first; i < first + n; i += batch) {
    std::vector<v1::Enterprise> es;
    for (int j = i; j < std::min(first + n, i + batch); ++j) {
      es.push_back(Enterprise(j));
    }
    std::vector<google::protobuf::Message*> ptrs;
    for (v1::Enterprise& e : es) ptrs.push_back(&e);
    ASSERT_TRUE(store->CreateAll(ptrs).ok());
  }
}

uint64_t CountWhere(const Store& store, const std::string& q) {
  QueryOptions o;
  o.allow_scan = true;
  absl::StatusOr<QueryPage> page = store.Query(q, o);
  EXPECT_TRUE(page.ok()) << page.status();
  return page.ok() ? page->records.size() : 0;
}

void ExpectVerifies(const Store& store) {
  absl::StatusOr<VerifyReport> r = store.Verify();
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_TRUE(r->problems.empty()) << r->problems[0];
}

// After a load stopped before its end and the store reopened: the store
// verifies, and the industry index is rebuilt and used, with `n` records
// of `industry`.
void ExpectRepaired(const Store& store, const std::string& industry,
                    uint64_t n) {
  ExpectVerifies(store);
  const std::string q =
      absl::StrCat("enterprise where industry = \"", industry, "\"");
  EXPECT_EQ(CountWhere(store, q), n);
  absl::StatusOr<std::string> plan = store.Explain(q);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_THAT(*plan, HasSubstr("index enterprise.industry"));
}

TEST(BulkLoadTest, EntriesAreWrittenAtTheEndAndQueriesStayRightMeanwhile) {
  TempDir tmp;
  auto store = OpenStore(tmp.Sub("s"));
  ASSERT_NE(store, nullptr);
  absl::StatusOr<bool> began = StoreAccess::BeginBulkLoad(
      *store, v1::KIND_ENTERPRISE, {}, kTinySortMemory);
  ASSERT_TRUE(began.ok()) << began.status();
  EXPECT_TRUE(*began);
  // A second load cannot start while one runs.
  EXPECT_FALSE(*StoreAccess::BeginBulkLoad(*store, v1::KIND_ENTERPRISE, {},
                                           kTinySortMemory));
  CreateMany(store.get(), 0, 600, 50);

  // The industry index is being built: the query scans, and is right.
  const std::string q = "enterprise where industry = \"制造业\"";
  QueryOptions scan;
  scan.allow_scan = true;
  absl::StatusOr<std::string> plan = store->Explain(q, scan);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_THAT(*plan, Not(HasSubstr("index enterprise.industry")));
  EXPECT_EQ(CountWhere(*store, q), 300u);
  ExpectVerifies(*store);
  // Reindexing now would race the load.
  EXPECT_EQ(store->Reindex().code(), absl::StatusCode::kFailedPrecondition);

  absl::StatusOr<uint64_t> written = StoreAccess::FinishBulkLoad(*store);
  ASSERT_TRUE(written.ok()) << written.status();
  // At least the industry, name and n-gram entries of 600 records.
  EXPECT_GT(*written, 600u * 10);
  EXPECT_EQ(CountWhere(*store, q), 300u);
  ExpectVerifies(*store);
  // Search finds the loaded records by a substring of the address (n-gram
  // entries, deferred) and by pinyin.
  absl::StatusOr<std::vector<SearchHit>> hits =
      Search(*store, v1::KIND_ENTERPRISE, "太湖路599号");
  ASSERT_TRUE(hits.ok()) << hits.status();
  ASSERT_FALSE(hits->empty());
  EXPECT_EQ(hits->front().text, "常州市新北区太湖路599号");
  hits = Search(*store, v1::KIND_ENTERPRISE, "chenfeng");
  ASSERT_TRUE(hits.ok());
  EXPECT_FALSE(hits->empty());
}

TEST(BulkLoadTest, UpdatesDeletionsAndFailedBatchesDuringTheLoadLeaveNoStrays) {
  TempDir tmp;
  auto store = OpenStore(tmp.Sub("s"));
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(*StoreAccess::BeginBulkLoad(*store, v1::KIND_ENTERPRISE, {},
                                          kTinySortMemory));
  CreateMany(store.get(), 0, 200, 20);
  // Change the industry of record 1 (was 批发和零售业), delete record 2.
  absl::StatusOr<std::unique_ptr<google::protobuf::Message>> one =
      store->Get(v1::KIND_ENTERPRISE, 1);
  ASSERT_TRUE(one.ok());
  static_cast<v1::Enterprise*>(one->get())->set_industry("建筑业");
  ASSERT_TRUE(store->Update(one->get()).ok());
  ASSERT_TRUE(store->Delete(v1::KIND_ENTERPRISE, 2).ok());
  // A batch that fails on its last record writes nothing, and none of its
  // entries reach the index.
  v1::Enterprise good = Enterprise(1000), bad = Enterprise(1001);
  bad.set_uscc("not a code");
  google::protobuf::Message* batch[] = {&good, &bad};
  EXPECT_FALSE(store->CreateAll(batch).ok());

  ASSERT_TRUE(StoreAccess::FinishBulkLoad(*store).ok());
  ExpectVerifies(*store);
  EXPECT_EQ(CountWhere(*store, "enterprise where industry = \"建筑业\""), 1u);
  EXPECT_EQ(CountWhere(*store, "enterprise where industry = \"制造业\""), 99u);
  EXPECT_EQ(*store->Count(v1::KIND_ENTERPRISE), 199u);
}

// The sorter cannot write its runs (here: a directory that does not exist;
// in life, a full disk): the load still ends with whole indexes, built from
// the rows instead.
TEST(BulkLoadTest, ASorterFailureFallsBackToBuildingFromTheRows) {
  TempDir tmp;
  auto store = OpenStore(tmp.Sub("s"));
  ASSERT_NE(store, nullptr);
  ASSERT_TRUE(*StoreAccess::BeginBulkLoad(*store, v1::KIND_ENTERPRISE, {},
                                          kTinySortMemory,
                                          tmp.Sub("no/such/dir")));
  CreateMany(store.get(), 0, 200, 20);
  absl::StatusOr<uint64_t> written = StoreAccess::FinishBulkLoad(*store);
  ASSERT_TRUE(written.ok()) << written.status();
  EXPECT_GT(*written, 200u * 10);
  ExpectVerifies(*store);
  EXPECT_EQ(CountWhere(*store, "enterprise where industry = \"制造业\""), 100u);
  absl::StatusOr<std::vector<SearchHit>> hits =
      Search(*store, v1::KIND_ENTERPRISE, "太湖路199号");
  ASSERT_TRUE(hits.ok());
  ASSERT_FALSE(hits->empty());
}

TEST(BulkLoadTest, AStopBeforeTheEndIsRepairedAtOpen) {
  TempDir tmp;
  {
    auto store = OpenStore(tmp.Sub("s"));
    ASSERT_NE(store, nullptr);
    ASSERT_TRUE(*StoreAccess::BeginBulkLoad(*store, v1::KIND_ENTERPRISE, {},
                                            kTinySortMemory));
    CreateMany(store.get(), 0, 300, 30);
    // Closed without FinishBulkLoad: like a process killed mid-import.
  }
  auto store = OpenStore(tmp.Sub("s"));
  ASSERT_NE(store, nullptr);
  ExpectRepaired(*store, "制造业", 150);
}

// A second large file into a store that already holds records of the kind:
// the indexes with entries are deferred too. The records from before the
// load keep their entries, kept up to date when they change meanwhile, and
// verify (which skips the indexes being built) stays clean throughout.
TEST(BulkLoadTest, IndexesWithEntriesAreDeferredAndOlderRecordsKeptUpToDate) {
  TempDir tmp;
  auto store = OpenStore(tmp.Sub("s"));
  ASSERT_NE(store, nullptr);
  CreateMany(store.get(), 0, 100, 25);  // ids 1..100, 50 in 制造业.
  ASSERT_TRUE(*StoreAccess::BeginBulkLoad(*store, v1::KIND_ENTERPRISE, {},
                                          kTinySortMemory));
  const std::string q = "enterprise where industry = \"制造业\"";
  QueryOptions scan;
  scan.allow_scan = true;
  absl::StatusOr<std::string> plan = store->Explain(q, scan);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_THAT(*plan, Not(HasSubstr("index enterprise.industry")));
  CreateMany(store.get(), 100, 200, 40);  // ids 101..300, 100 in 制造业.

  // An older record moves to another industry, another older one goes, and
  // a record of the load changes too.
  auto set_industry = [&](uint64_t id, const std::string& industry) {
    absl::StatusOr<std::unique_ptr<google::protobuf::Message>> m =
        store->Get(v1::KIND_ENTERPRISE, id);
    ASSERT_TRUE(m.ok()) << m.status();
    static_cast<v1::Enterprise*>(m->get())->set_industry(industry);
    ASSERT_TRUE(store->Update(m->get()).ok());
  };
  set_industry(1, "建筑业");    // Was 制造业 (Enterprise(0)).
  set_industry(150, "建筑业");  // Enterprise(149): was 批发和零售业.
  ASSERT_TRUE(store->Delete(v1::KIND_ENTERPRISE, 3).ok());  // 制造业.
  ExpectVerifies(*store);
  EXPECT_EQ(CountWhere(*store, q), 148u);
  // Search still finds the older records through their n-gram entries.
  absl::StatusOr<std::vector<SearchHit>> hits =
      Search(*store, v1::KIND_ENTERPRISE, "太湖路42号");
  ASSERT_TRUE(hits.ok()) << hits.status();
  ASSERT_FALSE(hits->empty());
  EXPECT_EQ(hits->front().text, "常州市新北区太湖路42号");

  absl::StatusOr<uint64_t> written = StoreAccess::FinishBulkLoad(*store);
  ASSERT_TRUE(written.ok()) << written.status();
  // The entries of the 200 new records only (the older ones had theirs):
  // as many as loading those records into an empty store writes.
  {
    auto alone = OpenStore(tmp.Sub("alone"));
    ASSERT_NE(alone, nullptr);
    ASSERT_TRUE(*StoreAccess::BeginBulkLoad(*alone, v1::KIND_ENTERPRISE, {},
                                            kTinySortMemory));
    CreateMany(alone.get(), 100, 200, 40);
    absl::StatusOr<uint64_t> own = StoreAccess::FinishBulkLoad(*alone);
    ASSERT_TRUE(own.ok()) << own.status();
    EXPECT_GT(*own, 200u * 10);
    EXPECT_EQ(*written, *own);
  }
  ExpectVerifies(*store);
  plan = store->Explain(q);
  ASSERT_TRUE(plan.ok()) << plan.status();
  EXPECT_THAT(*plan, HasSubstr("index enterprise.industry"));
  EXPECT_EQ(CountWhere(*store, q), 148u);
  EXPECT_EQ(CountWhere(*store, "enterprise where industry = \"建筑业\""), 2u);
  hits = Search(*store, v1::KIND_ENTERPRISE, "太湖路299号");
  ASSERT_TRUE(hits.ok());
  ASSERT_FALSE(hits->empty());
  EXPECT_EQ(hits->front().text, "常州市新北区太湖路299号");
}

TEST(BulkLoadTest, AStopBeforeTheEndOfALoadIntoAFullStoreIsRepairedAtOpen) {
  TempDir tmp;
  {
    auto store = OpenStore(tmp.Sub("s"));
    ASSERT_NE(store, nullptr);
    CreateMany(store.get(), 0, 100, 50);
    ASSERT_TRUE(*StoreAccess::BeginBulkLoad(*store, v1::KIND_ENTERPRISE, {},
                                            kTinySortMemory));
    CreateMany(store.get(), 100, 100, 20);
    ASSERT_TRUE(store->Delete(v1::KIND_ENTERPRISE, 2).ok());  // 批发和零售业.
    // Closed without FinishBulkLoad: like a process killed mid-import.
  }
  auto store = OpenStore(tmp.Sub("s"));
  ASSERT_NE(store, nullptr);
  ExpectRepaired(*store, "批发和零售业", 99);
}

// Indexes an import keeps (natural keys, duplicate probes) are written with
// each record, so duplicate checks and exact-name search see it at once.
TEST(BulkLoadTest, KeptIndexesAreWrittenWithEachRecord) {
  TempDir tmp;
  auto store = OpenStore(tmp.Sub("s"));
  ASSERT_NE(store, nullptr);
  const uint16_t keep[] = {search::kPersonTerms};
  ASSERT_TRUE(*StoreAccess::BeginBulkLoad(*store, v1::KIND_PERSON, keep,
                                          kTinySortMemory));
  v1::Person p;
  p.set_name("陈伟");
  ASSERT_TRUE(store->Create(&p).ok());
  absl::StatusOr<std::vector<SearchHit>> hits =
      Search(*store, v1::KIND_PERSON, "陈伟");
  ASSERT_TRUE(hits.ok());
  ASSERT_EQ(hits->size(), 1u);
  EXPECT_EQ(hits->front().match, "exact");
  ASSERT_TRUE(StoreAccess::FinishBulkLoad(*store).ok());
  ExpectVerifies(*store);
}

// Import uses a bulk load into a store without records of the kind, and
// says so; a second import of the same file is an ordinary one.
TEST(BulkLoadTest, ImportIntoANewStoreIsABulkLoad) {
  TempDir tmp;
  auto store = OpenStore(tmp.Sub("s"));
  ASSERT_NE(store, nullptr);
  const std::string csv = tmp.Sub("r.csv");
  {
    std::ofstream out(csv, std::ios::binary);
    out << "企业名称,住所,所属行业\n";
    for (int i = 0; i < 250; ++i) {
      out << "晨风" << i << "号贸易有限公司,常州市新北区太湖路" << i
          << "号,制造业\n";
    }
  }
  ImportOptions o;
  o.batch_rows = 40;
  absl::StatusOr<ImportSummary> first = Import(*store, csv, o);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->created, 250u);
  EXPECT_TRUE(first->bulk_load);
  EXPECT_GT(first->deferred_index_entries, 250u * 10);
  EXPECT_THAT(first->ToString(), HasSubstr("bulk load: "));
  EXPECT_THAT(first->ToJson(), HasSubstr("\"bulk_load\":true"));
  ExpectVerifies(*store);
  absl::StatusOr<std::vector<SearchHit>> hits =
      Search(*store, v1::KIND_ENTERPRISE, "太湖路249号");
  ASSERT_TRUE(hits.ok());
  ASSERT_FALSE(hits->empty());
  EXPECT_EQ(hits->front().text, "常州市新北区太湖路249号");

  absl::StatusOr<ImportSummary> again = Import(*store, csv, o);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_FALSE(again->bulk_load);
  EXPECT_EQ(again->unchanged, 250u);
  EXPECT_EQ(again->deferred_index_entries, 0u);
  ExpectVerifies(*store);

  // Asked for: a bulk load into a store that has records of the kind (the
  // default does that from 64 MiB up). Rows matching stored records by
  // their source line are still found (the natural-key indexes are kept).
  o.bulk_load = ImportBulkLoad::kOn;
  absl::StatusOr<ImportSummary> forced = Import(*store, csv, o);
  ASSERT_TRUE(forced.ok()) << forced.status();
  EXPECT_TRUE(forced->bulk_load);
  EXPECT_EQ(forced->unchanged, 250u);
  EXPECT_EQ(forced->created, 0u);
  ExpectVerifies(*store);
  // Off: never, even into a new store.
  auto other = OpenStore(tmp.Sub("t"));
  ASSERT_NE(other, nullptr);
  o.bulk_load = ImportBulkLoad::kOff;
  absl::StatusOr<ImportSummary> plain = Import(*other, csv, o);
  ASSERT_TRUE(plain.ok()) << plain.status();
  EXPECT_FALSE(plain->bulk_load);
  EXPECT_EQ(plain->created, 250u);
  ExpectVerifies(*other);
}

// A second file into a store that already has records of the kind, as a
// bulk load: the new rows are created, and both files' records found.
TEST(BulkLoadTest, ASecondFileCanBeBulkLoaded) {
  TempDir tmp;
  auto store = OpenStore(tmp.Sub("s"));
  ASSERT_NE(store, nullptr);
  auto write = [&](const std::string& path, int first, int n,
                   const char* odd_industry = "建筑业") {
    std::ofstream out(path, std::ios::binary);
    out << "统一社会信用代码,企业名称,住所,所属行业\n";
    for (int i = first; i < first + n; ++i) {
      const std::string body = absl::StrFormat("913204000%08d", i);
      out << body << model::UsccCheckCharacter(body) << ",晨风" << i
          << "号贸易有限公司,常州市新北区太湖路" << i << "号,"
          << (i % 2 == 0 ? "制造业" : odd_industry) << "\n";
    }
  };
  write(tmp.Sub("a.csv"), 0, 120);
  write(tmp.Sub("b.csv"), 120, 180);
  ImportOptions o;
  o.batch_rows = 50;
  ASSERT_TRUE(Import(*store, tmp.Sub("a.csv"), o).ok());
  o.bulk_load = ImportBulkLoad::kOn;
  absl::StatusOr<ImportSummary> second = Import(*store, tmp.Sub("b.csv"), o);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_TRUE(second->bulk_load);
  EXPECT_EQ(second->created, 180u);
  EXPECT_GT(second->deferred_index_entries, 180u * 10);
  ExpectVerifies(*store);
  EXPECT_EQ(CountWhere(*store, "enterprise where industry = \"制造业\""), 150u);
  for (const char* q : {"太湖路7号", "太湖路250号"}) {
    absl::StatusOr<std::vector<SearchHit>> hits =
        Search(*store, v1::KIND_ENTERPRISE, q);
    ASSERT_TRUE(hits.ok());
    ASSERT_FALSE(hits->empty()) << q;
    EXPECT_EQ(hits->front().text, absl::StrCat("常州市新北区", q));
  }

  // The first file again, changed, in update mode: its records were in the
  // store before this load, and their entries change as the rows do.
  write(tmp.Sub("a2.csv"), 0, 120, "农业");
  o.mode = ImportMode::kUpdate;
  absl::StatusOr<ImportSummary> update = Import(*store, tmp.Sub("a2.csv"), o);
  ASSERT_TRUE(update.ok()) << update.status();
  EXPECT_TRUE(update->bulk_load);
  EXPECT_EQ(update->updated, 60u);
  EXPECT_EQ(update->unchanged, 60u);
  ExpectVerifies(*store);
  EXPECT_EQ(CountWhere(*store, "enterprise where industry = \"农业\""), 60u);
  EXPECT_EQ(CountWhere(*store, "enterprise where industry = \"建筑业\""), 90u);
}

TEST(BulkLoadTest, SettingsAreNamed) {
  EXPECT_EQ(*ParseImportBulkLoad("auto"), ImportBulkLoad::kAuto);
  EXPECT_EQ(*ParseImportBulkLoad("ON"), ImportBulkLoad::kOn);
  EXPECT_EQ(*ParseImportBulkLoad("off"), ImportBulkLoad::kOff);
  absl::StatusOr<ImportBulkLoad> bad = ParseImportBulkLoad("yes");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), HasSubstr("expected auto, on or off"));
}

}  // namespace
}  // namespace qiaolian
