#include "src/storage/db.h"

#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "leveldb/filter_policy.h"
#include "leveldb/write_batch.h"
#include "qiaolian/v1/storage.pb.h"
#include "src/storage/key_codec.h"
#include "tests/testing/temp_dir.h"

namespace qiaolian {
namespace storage {
namespace {

using ::testing::HasSubstr;
using testing::TempDir;

TEST(DbTest, FreshStoreRecordsCurrentVersion) {
  TempDir tmp;
  auto db = Db::Open(tmp.Sub("s"), DbOptions());
  ASSERT_TRUE(db.ok()) << db.status();
  EXPECT_EQ((*db)->schema_version(), kSchemaVersion);
  auto info = (*db)->Get(MetaKey("store_info"));
  ASSERT_TRUE(info.ok());
  ASSERT_TRUE(info->has_value());
  v1::StoreInfo parsed;
  ASSERT_TRUE(parsed.ParseFromString(**info));
  EXPECT_EQ(parsed.schema_version(), kSchemaVersion);
  EXPECT_FALSE(parsed.created_by_library().empty());
}

// The migration machinery, exercised with test steps: an older store is
// brought forward one step at a time, each step with its version bump in one
// batch; a missing step or a failing step leaves the store at its version.
TEST(DbTest, OlderStoreIsMigratedStepByStep) {
  TempDir tmp;
  const std::string dir = tmp.Sub("s");
  { ASSERT_TRUE(Db::Open(dir, DbOptions()).ok()); }

  std::vector<std::string> applied;
  std::vector<Migration> steps = {
      {kSchemaVersion + 1, "second step",
       [&](leveldb::DB*, leveldb::WriteBatch* b) {
         applied.push_back("second");
         b->Put(MetaKey("migrated/2"), "yes");
         return absl::OkStatus();
       }},
      {kSchemaVersion, "first step",
       [&](leveldb::DB*, leveldb::WriteBatch* b) {
         applied.push_back("first");
         b->Put(MetaKey("migrated/1"), "yes");
         return absl::OkStatus();
       }},
  };
  DbOptions o;
  o.target_version = kSchemaVersion + 2;
  o.migrations = &steps;
  auto db = Db::Open(dir, o);
  ASSERT_TRUE(db.ok()) << db.status();
  EXPECT_EQ((*db)->schema_version(), kSchemaVersion + 2);
  EXPECT_EQ(applied, (std::vector<std::string>{"first", "second"}));
  EXPECT_TRUE((*(*db)->Get(MetaKey("migrated/1"))).has_value());
  EXPECT_TRUE((*(*db)->Get(MetaKey("migrated/2"))).has_value());
  db->reset();

  // Reopened at the same target: nothing more to do.
  applied.clear();
  db = Db::Open(dir, o);
  ASSERT_TRUE(db.ok());
  EXPECT_TRUE(applied.empty());
}

TEST(DbTest, FailingOrMissingMigrationLeavesVersionUnchanged) {
  TempDir tmp;
  const std::string dir = tmp.Sub("s");
  { ASSERT_TRUE(Db::Open(dir, DbOptions()).ok()); }
  std::vector<Migration> failing = {{kSchemaVersion, "rewrite rows",
                                     [](leveldb::DB*, leveldb::WriteBatch* b) {
                                       b->Put(MetaKey("half-done"), "x");
                                       return absl::DataLossError(
                                           "row 7 unreadable");
                                     }}};
  DbOptions o;
  o.target_version = kSchemaVersion + 1;
  o.migrations = &failing;
  auto db = Db::Open(dir, o);
  EXPECT_EQ(db.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(db.status().message(), HasSubstr("rewrite rows"));

  std::vector<Migration> none;
  o.migrations = &none;
  db = Db::Open(dir, o);
  EXPECT_EQ(db.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(db.status().message(), HasSubstr("no migration"));

  db = Db::Open(dir, DbOptions());
  ASSERT_TRUE(db.ok());
  EXPECT_EQ((*db)->schema_version(), kSchemaVersion);
  EXPECT_FALSE((*(*db)->Get(MetaKey("half-done"))).has_value());
}

TEST(DbTest, LevelDbStatusMapping) {
  EXPECT_TRUE(FromLevelDb(leveldb::Status::OK(), "x").ok());
  EXPECT_EQ(FromLevelDb(leveldb::Status::NotFound("k"), "x").code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(FromLevelDb(leveldb::Status::Corruption("bad block"), "x").code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(FromLevelDb(leveldb::Status::IOError("disk"), "x").code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(FromLevelDb(leveldb::Status::InvalidArgument("a"), "x").code(),
            absl::StatusCode::kInvalidArgument);
  absl::Status st = FromLevelDb(leveldb::Status::IOError("disk full"), "/s");
  EXPECT_THAT(st.message(), HasSubstr("/s"));
  EXPECT_THAT(st.message(), HasSubstr("disk full"));
}

// Index entries are only sought and scanned, so the tables' Bloom filters
// cover the other keys only: a filter over index entries alone is a few
// bytes, a key left out always "may match" (a point read of it is still
// answered), and the filtered keys are filtered as well as before.
// (LevelDB asks the policy about an empty filter too: the store's tables
// answer point reads of index entries, TablesOfEitherFilterPolicyReadBack.)
TEST(DbTest, TableFiltersCoverPointReadKeysOnly) {
  const leveldb::FilterPolicy* policy = TableFilterPolicy();
  std::vector<std::string> rows, entries;
  for (uint64_t id = 1; id <= 2000; ++id) {
    rows.push_back(RowKey(1, id));
    std::string e = IndexPrefix(140);
    PutString(&e, "chen");
    PutUint64(&e, id);
    entries.push_back(e);
  }
  auto filter_of = [&](const std::vector<std::string>& keys) {
    std::vector<leveldb::Slice> slices(keys.begin(), keys.end());
    std::string f;
    policy->CreateFilter(slices.data(), static_cast<int>(slices.size()), &f);
    return f;
  };
  const std::string only_entries = filter_of(entries);
  EXPECT_TRUE(only_entries.empty());
  for (const std::string& e : entries) {
    EXPECT_TRUE(policy->KeyMayMatch(e, only_entries));
  }
  // No row key is in a filter of index entries only.
  for (const std::string& r : rows) {
    EXPECT_FALSE(policy->KeyMayMatch(r, only_entries));
  }

  std::vector<std::string> both = rows;
  both.insert(both.end(), entries.begin(), entries.end());
  const std::string mixed = filter_of(both);
  // About 10 bits a row key, nothing for the entries.
  EXPECT_LE(mixed.size(), 2000u * 10 / 8 + 16);
  for (const std::string& r : rows) EXPECT_TRUE(policy->KeyMayMatch(r, mixed));
  int false_positives = 0;
  for (uint64_t id = 100001; id <= 102000; ++id) {
    false_positives += policy->KeyMayMatch(RowKey(1, id), mixed);
  }
  EXPECT_LT(false_positives, 100);  // ~1 % expected at 10 bits a key.
}

// Tables written by earlier versions (LevelDB's plain Bloom filter over
// every key) are read without their filters, and tables written now are
// read by a LevelDB that only knows the plain filter: every key is found
// both ways, whatever the filters say.
TEST(DbTest, TablesOfEitherFilterPolicyReadBack) {
  TempDir tmp;
  const std::string dir = tmp.Sub("s");
  std::vector<std::string> keys;
  for (uint64_t id = 1; id <= 3000; ++id) {
    keys.push_back(RowKey(2, id));
    std::string e = IndexPrefix(7);
    PutUint64(&e, id);
    keys.push_back(e);
  }
  std::unique_ptr<const leveldb::FilterPolicy> plain(
      leveldb::NewBloomFilterPolicy(10));
  auto open_plain = [&]() {
    leveldb::Options lo;
    lo.filter_policy = plain.get();
    leveldb::DB* raw = nullptr;
    EXPECT_TRUE(leveldb::DB::Open(lo, dir, &raw).ok());
    return std::unique_ptr<leveldb::DB>(raw);
  };
  { ASSERT_TRUE(Db::Open(dir, DbOptions()).ok()); }
  {
    // An earlier version's tables.
    std::unique_ptr<leveldb::DB> old = open_plain();
    ASSERT_NE(old, nullptr);
    leveldb::WriteBatch batch;
    for (size_t i = 0; i < keys.size() / 2; ++i) batch.Put(keys[i], "v");
    ASSERT_TRUE(old->Write(leveldb::WriteOptions(), &batch).ok());
    old->CompactRange(nullptr, nullptr);
  }
  {
    auto db = Db::Open(dir, DbOptions());
    ASSERT_TRUE(db.ok()) << db.status();
    leveldb::WriteBatch batch;
    for (size_t i = keys.size() / 2; i < keys.size(); ++i) {
      batch.Put(keys[i], "v");
    }
    ASSERT_TRUE((*db)->Write(&batch, false).ok());
    (*db)->raw()->CompactRange(nullptr, nullptr);
    for (const std::string& k : keys) {
      auto v = (*db)->Get(k);
      ASSERT_TRUE(v.ok()) << v.status();
      EXPECT_TRUE(v->has_value()) << DescribeKey(k);
    }
    auto missing = (*db)->Get(RowKey(2, 99999));
    ASSERT_TRUE(missing.ok());
    EXPECT_FALSE(missing->has_value());
  }
  std::unique_ptr<leveldb::DB> later = open_plain();
  ASSERT_NE(later, nullptr);
  for (const std::string& k : keys) {
    std::string v;
    EXPECT_TRUE(later->Get(leveldb::ReadOptions(), k, &v).ok())
        << DescribeKey(k);
  }
}

}  // namespace
}  // namespace storage
}  // namespace qiaolian
