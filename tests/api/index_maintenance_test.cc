// Index maintenance: backfill of indexes added to a store's registry
// (StoreOptions::indexes), rebuild when a definition changes, removal of
// indexes no longer declared, and Verify / Reindex against deliberately
// corrupted entries.
#include <algorithm>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "leveldb/db.h"
#include "leveldb/write_batch.h"
#include "qiaolian/store.h"
#include "src/model/indexes.h"
#include "src/storage/key_codec.h"
#include "tests/testing/store_levels.h"
#include "tests/testing/temp_dir.h"

namespace qiaolian {
namespace {

using model::IndexRegistry;
using model::IndexSpec;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using testing::TempDir;

constexpr uint16_t kNotesIndex = 900;
constexpr uint16_t kCompositeIndex = 901;
constexpr uint16_t kNameIndex = 203;  // Built-in enterprise.name.

// The built-in specs, without `drop`, plus `extra`.
IndexRegistry Registry(std::vector<IndexSpec> extra,
                       std::set<uint16_t> drop = {}) {
  std::vector<IndexSpec> specs;
  for (const model::Index& idx : IndexRegistry::Builtin().all()) {
    if (drop.count(idx.spec.id) == 0) specs.push_back(idx.spec);
  }
  for (IndexSpec& s : extra) specs.push_back(std::move(s));
  absl::StatusOr<IndexRegistry> r = IndexRegistry::Create(std::move(specs));
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *std::move(r) : IndexRegistry();
}

std::unique_ptr<Store> Open(const std::string& dir, const IndexRegistry* reg,
                            bool read_only = false) {
  StoreOptions o;
  o.indexes = reg;
  o.read_only = read_only;
  absl::StatusOr<std::unique_ptr<Store>> s = Store::Open(dir, o);
  EXPECT_TRUE(s.ok()) << s.status();
  return s.ok() ? std::move(*s) : nullptr;
}

const std::vector<std::string> kNames = {"三久制造", "一号农场", "鑫品茶业",
                                         "东非商会", "金坛中医院"};
const std::vector<std::string> kNotes = {"", "待回访", "江苏卫视报道", "备注"};
const std::vector<std::string> kCountries = {"KE", "US", "DE", "JP"};

// Enterprise i (1-based) as created by Fill.
v1::Enterprise Nth(int i) {
  v1::Enterprise e;
  e.set_name(kNames[i % kNames.size()]);
  e.set_notes(kNotes[i % kNotes.size()]);
  e.set_foreign_name(i % 3 == 0 ? "" : absl::StrCat("Company ", i % 7));
  e.set_status(static_cast<v1::Enterprise::Status>(i % 4));
  for (int c = 0; c < i % 3; ++c) {
    e.add_investor_countries(kCountries[(i + c) % kCountries.size()]);
  }
  return e;
}

constexpr int kRows = 120;

void Fill(Store* store) {
  std::vector<v1::Enterprise> es;
  for (int i = 1; i <= kRows; ++i) es.push_back(Nth(i));
  std::vector<google::protobuf::Message*> ptrs;
  for (auto& e : es) ptrs.push_back(&e);
  ASSERT_TRUE(store->CreateAll(ptrs).ok());
}

std::vector<uint64_t> QueryIds(const Store& store, const std::string& text) {
  absl::StatusOr<QueryPage> p = store.Query(text, {});
  EXPECT_TRUE(p.ok()) << text << ": " << p.status();
  std::vector<uint64_t> ids;
  if (p.ok()) {
    for (const auto& r : p->records) ids.push_back(MetaOf(*r).id());
  }
  return ids;
}

// Ids 1..kRows whose enterprise satisfies `pred`.
template <typename Pred>
std::vector<uint64_t> Expected(Pred pred) {
  std::vector<uint64_t> ids;
  for (int i = 1; i <= kRows; ++i) {
    if (pred(Nth(i))) ids.push_back(i);
  }
  return ids;
}

VerifyReport VerifyClean(const Store& store) {
  absl::StatusOr<VerifyReport> r = store.Verify();
  EXPECT_TRUE(r.ok()) << r.status();
  if (!r.ok()) return {};
  EXPECT_THAT(r->problems, IsEmpty()) << absl::StrJoin(r->problems, "\n");
  EXPECT_EQ(r->rows, static_cast<uint64_t>(kRows));
  return *r;
}

// Runs `fn` on the store's LevelDB directly (the store must be closed).
template <typename Fn>
void WithRawDb(const std::string& dir, Fn fn) {
  leveldb::DB* raw = nullptr;
  leveldb::Status st = leveldb::DB::Open(leveldb::Options(), dir, &raw);
  ASSERT_TRUE(st.ok()) << st.ToString();
  std::unique_ptr<leveldb::DB> db(raw);
  fn(db.get());
}

// Number of keys starting with `prefix`.
size_t CountKeys(leveldb::DB* db, const std::string& prefix) {
  std::unique_ptr<leveldb::Iterator> it(db->NewIterator({}));
  size_t n = 0;
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix);
       it->Next()) {
    ++n;
  }
  return n;
}

std::string EntryKey(uint16_t index, const std::string& name, uint64_t id) {
  std::string k = storage::IndexPrefix(index);
  storage::PutString(&k, name);
  storage::PutU64(&k, id);
  return k;
}

TEST(IndexMaintenanceTest, RegistryErrors) {
  absl::StatusOr<IndexRegistry> r =
      IndexRegistry::Create({{900, v1::KIND_ENTERPRISE, {"no_such_field"}}});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr("no_such_field"));
  r = IndexRegistry::Create({{900, v1::KIND_ENTERPRISE, {"name"}},
                             {900, v1::KIND_ENTERPRISE, {"notes"}}});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(r.status().message(), HasSubstr("900"));
  r = IndexRegistry::Create({{900, v1::KIND_ENTERPRISE, {"address"}}});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(IndexMaintenanceTest, AddedIndexesAreBackfilledChangedOnesRebuilt) {
  TempDir tmp;
  const std::string dir = tmp.Sub("s");
  const auto notes_eq = [](const std::string& n) {
    return [n](const v1::Enterprise& e) { return e.notes() == n; };
  };

  // 1. A registry lacking enterprise.name and with no notes index.
  const IndexRegistry without = Registry({}, {kNameIndex});
  uint64_t entries_without = 0;
  {
    std::unique_ptr<Store> store = Open(dir, &without);
    ASSERT_NE(store, nullptr);
    Fill(store.get());
    entries_without = VerifyClean(*store).index_entries;
    absl::Status st =
        store->Query("enterprise where name = \"东非商会\"", {}).status();
    EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_THAT(st.message(), HasSubstr("no index serves"));
  }

  // 2. Reopened with both: built from the rows at open.
  const IndexRegistry with =
      Registry({{kNotesIndex, v1::KIND_ENTERPRISE, {"notes"}, false, {"note"}},
                {kCompositeIndex,
                 v1::KIND_ENTERPRISE,
                 {"status", "investor_countries"}}});
  {
    std::unique_ptr<Store> store = Open(dir, &with);
    ASSERT_NE(store, nullptr);
    const VerifyReport r = VerifyClean(*store);
    // name and notes: one entry per row each; the composite one per
    // investor country.
    uint64_t countries = 0;
    for (int i = 1; i <= kRows; ++i) {
      countries += Nth(i).investor_countries_size();
    }
    EXPECT_EQ(r.index_entries, entries_without + 2 * kRows + countries);
    EXPECT_EQ(QueryIds(*store, "enterprise where notes = \"待回访\""),
              Expected(notes_eq("待回访")));
    EXPECT_EQ(QueryIds(*store, "enterprise where note not exists"),
              Expected(notes_eq("")));
    EXPECT_EQ(QueryIds(*store, "enterprise where name = \"东非商会\""),
              Expected([](const v1::Enterprise& e) {
                return e.name() == "东非商会";
              }));
    absl::StatusOr<std::string> ex =
        store->Explain("enterprise where notes prefix \"江苏\"", {});
    ASSERT_TRUE(ex.ok()) << ex.status();
    EXPECT_THAT(*ex, HasSubstr("index enterprise.notes"));
    EXPECT_THAT(*ex, Not(HasSubstr("FULL SCAN")));
    const std::string both =
        "enterprise where status = REVOKED and investor_countries = \"US\"";
    ex = store->Explain(both, {});
    ASSERT_TRUE(ex.ok()) << ex.status();
    EXPECT_THAT(*ex, HasSubstr("composite index "
                               "enterprise.status+investor_countries"));
    EXPECT_EQ(QueryIds(*store, both), Expected([](const v1::Enterprise& e) {
                return e.status() == v1::Enterprise::STATUS_REVOKED &&
                       std::count(e.investor_countries().begin(),
                                  e.investor_countries().end(), "US") > 0;
              }));

    // Later writes keep the new indexes up to date.
    v1::Enterprise e;
    ASSERT_TRUE(store->Get(v1::KIND_ENTERPRISE, 2, &e).ok());
    e.set_notes("新备注");
    ASSERT_TRUE(store->Update(&e).ok());
    EXPECT_EQ(QueryIds(*store, "enterprise where notes = \"新备注\""),
              std::vector<uint64_t>{2});
    e.set_notes(Nth(2).notes());
    ASSERT_TRUE(store->Update(&e).ok());
    VerifyClean(*store);
  }

  // 3. An interrupted build (state never recorded, entries partial and
  //    stray) is redone at the next open.
  WithRawDb(dir, [&](leveldb::DB* db) {
    leveldb::WriteBatch b;
    b.Delete(storage::MetaKey(absl::StrCat("index/", kNotesIndex)));
    std::unique_ptr<leveldb::Iterator> it(db->NewIterator({}));
    const std::string prefix = storage::IndexPrefix(kNotesIndex);
    int n = 0;
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix);
         it->Next()) {
      if (n++ % 2 == 0) b.Delete(it->key());
    }
    b.Put(EntryKey(kNotesIndex, "半截", 3), "");
    ASSERT_TRUE(db->Write({}, &b).ok());
  });
  {
    std::unique_ptr<Store> store = Open(dir, &with);
    ASSERT_NE(store, nullptr);
    VerifyClean(*store);
    EXPECT_THAT(QueryIds(*store, "enterprise where notes = \"半截\""),
                IsEmpty());
    EXPECT_EQ(QueryIds(*store, "enterprise where notes = \"备注\""),
              Expected(notes_eq("备注")));
  }

  // 4. The notes index now covers foreign_name instead: a new fingerprint,
  //    so it is dropped and rebuilt.
  const IndexRegistry changed =
      Registry({{kNotesIndex, v1::KIND_ENTERPRISE, {"foreign_name"}},
                {kCompositeIndex,
                 v1::KIND_ENTERPRISE,
                 {"status", "investor_countries"}}});
  {
    std::unique_ptr<Store> store = Open(dir, &changed);
    ASSERT_NE(store, nullptr);
    VerifyClean(*store);
    EXPECT_EQ(QueryIds(*store, "enterprise where foreign_name = \"Company 3\""),
              Expected([](const v1::Enterprise& e) {
                return e.foreign_name() == "Company 3";
              }));
    absl::Status st =
        store->Query("enterprise where notes = \"待回访\"", {}).status();
    EXPECT_EQ(st.code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_THAT(st.message(), HasSubstr("foreign_name"));
  }
  WithRawDb(dir, [&](leveldb::DB* db) {
    // Only foreign_name values remain under the id: one per row.
    EXPECT_EQ(CountKeys(db, storage::IndexPrefix(kNotesIndex)),
              static_cast<size_t>(kRows));
    std::string state;
    ASSERT_TRUE(db->Get({},
                        storage::MetaKey(absl::StrCat("index/", kNotesIndex)),
                        &state)
                    .ok());
    EXPECT_THAT(state, HasSubstr("foreign_name"));
  });

  // 5. A read-only open cannot build: a registry that needs a build is
  //    refused, the current one is fine.
  {
    StoreOptions o;
    o.read_only = true;
    o.indexes = &with;  // notes differs from what was built.
    absl::StatusOr<std::unique_ptr<Store>> s = Store::Open(dir, o);
    EXPECT_EQ(s.status().code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_THAT(s.status().message(), HasSubstr("enterprise.notes"));
    EXPECT_THAT(s.status().message(), HasSubstr("read-only"));
  }
  {
    std::unique_ptr<Store> store = Open(dir, &changed, /*read_only=*/true);
    ASSERT_NE(store, nullptr);
    VerifyClean(*store);
    EXPECT_EQ(store->Reindex().code(), absl::StatusCode::kFailedPrecondition);
  }

  // 6. Reopened without the custom indexes (built-ins only): their entries
  //    and state are gone.
  {
    std::unique_ptr<Store> store = Open(dir, nullptr);
    ASSERT_NE(store, nullptr);
    absl::StatusOr<VerifyReport> r = store->Verify();
    ASSERT_TRUE(r.ok()) << r.status();
    EXPECT_THAT(r->problems, IsEmpty()) << absl::StrJoin(r->problems, "\n");
    for (const std::string& p : r->problems) {
      EXPECT_THAT(p, Not(HasSubstr("undeclared")));
    }
  }
  WithRawDb(dir, [&](leveldb::DB* db) {
    EXPECT_EQ(CountKeys(db, storage::IndexPrefix(kNotesIndex)), 0u);
    EXPECT_EQ(CountKeys(db, storage::IndexPrefix(kCompositeIndex)), 0u);
    EXPECT_EQ(CountKeys(db, storage::MetaKey("index/9")), 0u);
  });
}

TEST(IndexMaintenanceTest, VerifyFindsMissingAndStrayEntriesReindexFixes) {
  TempDir tmp;
  const std::string dir = tmp.Sub("s");
  {
    std::unique_ptr<Store> store = Open(dir, nullptr);
    ASSERT_NE(store, nullptr);
    Fill(store.get());
    VerifyClean(*store);
  }
  // In enterprise.name: drop record 5's entry and add a stray one for
  // record 7 (so the entry count still agrees).
  const std::string name5 = Nth(5).name();
  ASSERT_NE(Nth(7).name(), "Ghost Co");
  WithRawDb(dir, [&](leveldb::DB* db) {
    std::string v;
    ASSERT_TRUE(db->Get({}, EntryKey(kNameIndex, name5, 5), &v).ok());
    leveldb::WriteBatch b;
    b.Delete(EntryKey(kNameIndex, name5, 5));
    b.Put(EntryKey(kNameIndex, "Ghost Co", 7), "");
    ASSERT_TRUE(db->Write({}, &b).ok());
  });
  std::unique_ptr<Store> store = Open(dir, nullptr);
  ASSERT_NE(store, nullptr);
  absl::StatusOr<VerifyReport> r = store->Verify();
  ASSERT_TRUE(r.ok()) << r.status();
  const std::string all = absl::StrJoin(r->problems, "\n");
  EXPECT_EQ(r->problems.size(), 2u) << all;
  EXPECT_THAT(all, HasSubstr("missing"));
  EXPECT_THAT(all, HasSubstr("for enterprise 5"));
  EXPECT_THAT(all, HasSubstr("enterprise.name"));
  EXPECT_THAT(all, HasSubstr("stray"));
  EXPECT_THAT(all, HasSubstr("Ghost Co"));
  // The damage is visible to queries, which trust the index.
  EXPECT_THAT(
      QueryIds(*store, absl::StrCat("enterprise where name = \"", name5, "\"")),
      Not(Contains(5u)));

  ASSERT_TRUE(store->Reindex().ok());
  VerifyClean(*store);
  EXPECT_THAT(
      QueryIds(*store, absl::StrCat("enterprise where name = \"", name5, "\"")),
      Contains(5u));
  EXPECT_THAT(QueryIds(*store, "enterprise where name = \"Ghost Co\""),
              IsEmpty());
  store.reset();

  // Stray entries alone (a different count), one for a record that does
  // not exist; a missing and a wrongly held unique key.
  const std::string uscc_key_prefix = storage::UniquePrefix(201);
  WithRawDb(dir, [&](leveldb::DB* db) {
    leveldb::WriteBatch b;
    b.Put(EntryKey(kNameIndex, "Ghost Co", 9999), "");
    std::string status_entry = storage::IndexPrefix(205);
    storage::PutInt64(&status_entry, 4);
    storage::PutU64(&status_entry, 8);
    b.Put(status_entry, "");
    std::string uk = uscc_key_prefix;
    storage::PutString(&uk, "91320413723588143D");
    std::string holder;
    storage::PutU64(&holder, 3);
    b.Put(uk, holder);
    ASSERT_TRUE(db->Write({}, &b).ok());
  });
  store = Open(dir, nullptr);
  ASSERT_NE(store, nullptr);
  r = store->Verify();
  ASSERT_TRUE(r.ok()) << r.status();
  const std::string all2 = absl::StrJoin(r->problems, "\n");
  EXPECT_THAT(all2, HasSubstr("(no such row)"));
  EXPECT_THAT(all2, HasSubstr("enterprise.status: 121 entries but the rows "
                              "call for 120"));
  EXPECT_THAT(all2, HasSubstr("unique keys"));
  ASSERT_TRUE(store->Reindex().ok());
  VerifyClean(*store);
}

// Reindex writes every index entry again, and ends with the store in one
// level, as a bulk load does: a seek then reads one table, not one a level.
TEST(IndexMaintenanceTest, ReindexLeavesTheTablesInOneLevel) {
  TempDir tmp;
  StoreOptions o;
  o.create_if_missing = true;
  o.write_buffer_bytes = 64 << 10;  // Many flushes, several levels.
  absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(tmp.Sub("s"), o);
  ASSERT_TRUE(store.ok()) << store.status();
  std::vector<v1::Enterprise> es(3000);
  std::vector<google::protobuf::Message*> batch;
  for (size_t i = 0; i < es.size(); ++i) {
    es[i].set_name(absl::StrCat("金坛测试企业", i, "有限公司"));
    es[i].mutable_address()->set_text(absl::StrCat("金坛区华城路", i, "号"));
    batch.push_back(&es[i]);
  }
  ASSERT_TRUE((*store)->CreateAll(batch).ok());
  ASSERT_TRUE((*store)->Reindex().ok());
  int levels = 0;
  const std::string files = testing::FilesByLevel(**store, &levels);
  EXPECT_EQ(levels, 1) << "files by level: " << files;
  absl::StatusOr<VerifyReport> r = (*store)->Verify();
  ASSERT_TRUE(r.ok()) << r.status();
  EXPECT_EQ(r->rows, 3000u);
  EXPECT_TRUE(r->problems.empty()) << absl::StrJoin(r->problems, "\n");
  EXPECT_THAT(
      QueryIds(**store, "enterprise where name = \"金坛测试企业2999有限公司\""),
      Contains(3000u));
}

}  // namespace
}  // namespace qiaolian
