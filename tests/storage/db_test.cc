#include "src/storage/db.h"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "leveldb/filter_policy.h"
#include "leveldb/write_batch.h"
#include "qiaolian/v1/storage.pb.h"
#include "src/storage/key_codec.h"
#include "tests/testing/table_files.h"
#include "tests/testing/temp_dir.h"

namespace qiaolian {
namespace storage {
namespace {

using ::testing::HasSubstr;
using testing::MappedTables;
using testing::TableFiles;
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

// The text of LevelDB's "leveldb.sstables" property gives each table's size
// and smallest key, bytes outside ' '..'~' escaped: they come back as bytes,
// quotes and " @ " inside a key included, headers and other lines skipped.
TEST(DbTest, ListTablesFromTheSstablesProperty) {
  const std::string text =
      "--- level 0 ---\n"
      "--- level 1 ---\n"
      " 7:1234['a\\x00b' @ 5 : 1 .. 'zz' @ 6 : 1]\n"
      "--- level 2 ---\n"
      " 9:99['it's @ here' @ 1 : 1 .. 'q' @ 2 : 0]\n"
      " 10:8388608['\\xff\\xFE\\x' @ 12 : 1 .. '\\x7f' @ 2 : 1]\n"
      " 11:size['x' @ 1 : 1 .. 'y' @ 2 : 1]\n"
      "--- level 3 ---\n";
  std::vector<TableListing> tables = ListTables(text);
  ASSERT_EQ(tables.size(), 3u);
  EXPECT_EQ(tables[0].number, 7u);
  EXPECT_EQ(tables[0].first_key, std::string("a\0b", 3));
  EXPECT_EQ(tables[0].last_key, "zz");
  EXPECT_EQ(tables[0].bytes, 1234u);
  EXPECT_EQ(tables[1].number, 9u);
  EXPECT_EQ(tables[1].first_key, "it's @ here");
  EXPECT_EQ(tables[1].last_key, "q");
  EXPECT_EQ(tables[1].bytes, 99u);
  EXPECT_EQ(tables[2].number, 10u);
  EXPECT_EQ(tables[2].first_key, "\xff\xfe\\x");
  EXPECT_EQ(tables[2].last_key, "\x7f");
  EXPECT_EQ(tables[2].bytes, 8388608u);
  EXPECT_TRUE(ListTables("").empty());
  EXPECT_TRUE(ListTables("--- level 0 ---\n garbage\n").empty());
}

// A reopened store's tables are opened by WarmUpInBackground, each one
// once, without any read of the caller's: all of them mapped when it is
// done (and the search blocks' memory taken), every key read back as
// before. Tables read with pread are left to the reads (they would keep
// their index blocks on the heap), and closing the store while it runs
// stops it and unmaps everything.
TEST(DbTest, WarmUpOpensTablesInBackground) {
  TempDir tmp;
  const std::string dir = tmp.Sub("s");
  std::vector<std::string> keys;
  {
    DbOptions o;
    o.max_file_bytes = 1 << 20;      // LevelDB's smallest: several tables,
    o.write_buffer_bytes = 1 << 20;  // at more than one level.
    auto db = Db::Open(dir, o);
    ASSERT_TRUE(db.ok()) << db.status();
    for (uint64_t id = 1; id <= 6000; ++id) {
      keys.push_back(RowKey(2, id));
      std::string e = IndexPrefix(7);
      PutString(&e, absl::StrCat("n", id % 97));
      PutUint64(&e, id);
      keys.push_back(e);
    }
    for (size_t i = 0; i < keys.size(); i += 500) {
      leveldb::WriteBatch batch;
      for (size_t j = i; j < i + 500 && j < keys.size(); ++j) {
        batch.Put(keys[j], std::string(600, static_cast<char>('a' + j % 26)));
      }
      ASSERT_TRUE((*db)->Write(&batch, false).ok());
    }
    (*db)->raw()->CompactRange(nullptr, nullptr);
  }
  const int tables = TableFiles(dir);
  ASSERT_GE(tables, 2);
  {
    auto db = Db::Open(dir, DbOptions());
    ASSERT_TRUE(db.ok()) << db.status();
    EXPECT_LT(MappedTables(dir), tables);  // Open reads store_info only.
    (*db)->WarmUpInBackground();
    (*db)->WarmUpInBackground();  // Again: nothing more.
    EXPECT_EQ((*db)->WaitForTablesOpened(), static_cast<size_t>(tables));
    EXPECT_EQ(MappedTables(dir), tables);
    // And memory for kept search blocks, as much as the tables could fill
    // (2 MiB chunks; at most the 32 MiB budget).
    uint64_t table_bytes = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir)) {
      if (e.path().extension() == ".ldb") table_bytes += e.file_size();
    }
    EXPECT_EQ((*db)->search_cache_chunks_taken(),
              std::min<uint64_t>(16, (table_bytes + (2 << 20) - 1) >> 21));
    for (const std::string& k : keys) {
      auto v = (*db)->Get(k);
      ASSERT_TRUE(v.ok()) << v.status();
      EXPECT_TRUE(v->has_value()) << DescribeKey(k);
    }
  }
  EXPECT_EQ(MappedTables(dir), 0);
  {
    DbOptions o;
    o.map_tables = false;
    auto db = Db::Open(dir, o);
    ASSERT_TRUE(db.ok()) << db.status();
    (*db)->WarmUpInBackground();
    EXPECT_EQ((*db)->WaitForTablesOpened(), 0u);
    EXPECT_EQ((*db)->search_cache_chunks_taken(), 0u);
    EXPECT_EQ(MappedTables(dir), 0);
  }
  {
    auto db = Db::Open(dir, DbOptions());
    ASSERT_TRUE(db.ok()) << db.status();
    (*db)->WarmUpInBackground();
    db->reset();  // Closed at once: no wait for the rest.
  }
  EXPECT_EQ(MappedTables(dir), 0);
  EXPECT_EQ(TableFiles(dir), tables);
}

// After opening the tables, the warm-up maps into memory those that hold
// the given key ranges, range by range, whole tables only while they fit in
// the budget: exactly the tables that overlap the ranges when the budget
// holds them all, none when it holds none, none without ranges. Every key
// reads back the same.
TEST(DbTest, WarmUpMapsTheTablesOfTheGivenRangesIntoMemory) {
  TempDir tmp;
  const std::string dir = tmp.Sub("s");
  std::vector<std::string> keys;
  {
    DbOptions o;
    o.max_file_bytes = 1 << 20;  // Several tables in each range.
    o.write_buffer_bytes = 1 << 20;
    auto db = Db::Open(dir, o);
    ASSERT_TRUE(db.ok()) << db.status();
    leveldb::WriteBatch batch;
    for (uint64_t id = 1; id <= 4000; ++id) {
      for (uint16_t index : {7, 8}) {
        std::string e = IndexPrefix(index);
        PutUint64(&e, id);
        keys.push_back(e);
        batch.Put(e, std::string(700, static_cast<char>('a' + id % 26)));
      }
      keys.push_back(RowKey(2, id));
      batch.Put(keys.back(), std::string(700, 'r'));
      if (id % 200 == 0) {
        ASSERT_TRUE((*db)->Write(&batch, false).ok());
        batch.Clear();
      }
    }
    (*db)->raw()->CompactRange(nullptr, nullptr);
  }
  // The tables that overlap index 7's range, and their bytes.
  const KeyRanges index7 = {{IndexPrefix(7), PrefixSuccessor(IndexPrefix(7))}};
  uint64_t in_range = 0, smallest = UINT64_MAX;
  size_t overlapping = 0;
  {
    auto db = Db::Open(dir, DbOptions());
    ASSERT_TRUE(db.ok()) << db.status();
    std::string sstables;
    ASSERT_TRUE((*db)->raw()->GetProperty("leveldb.sstables", &sstables));
    for (const TableListing& t : ListTables(sstables)) {
      if (t.first_key < index7[0].second && t.last_key >= index7[0].first) {
        in_range += t.bytes;
        smallest = std::min(smallest, t.bytes);
        ++overlapping;
      }
    }
  }
  ASSERT_GE(overlapping, 2u);
  ASSERT_LT(overlapping, static_cast<size_t>(TableFiles(dir)));  // Not all.
  struct Case {
    const char* what;
    KeyRanges ranges;
    uint64_t budget;
    uint64_t mapped;
  };
  const Case cases[] = {
      {"budget for all of them", index7, uint64_t{1} << 30, in_range},
      {"budget for none", index7, smallest - 1, 0},
      {"no ranges", {}, uint64_t{1} << 30, 0},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.what);
    auto db = Db::Open(dir, DbOptions());
    ASSERT_TRUE(db.ok()) << db.status();
    (*db)->WarmUpInBackground(c.ranges, c.budget);
    EXPECT_EQ((*db)->WaitForTablesOpened(),
              static_cast<size_t>(TableFiles(dir)));
    EXPECT_EQ((*db)->bytes_mapped_into_memory(), c.mapped);
    for (const std::string& k : keys) {
      auto v = (*db)->Get(k);
      ASSERT_TRUE(v.ok()) << v.status();
      ASSERT_TRUE(v->has_value()) << DescribeKey(k);
    }
  }
  // A budget for some of them: whole tables, never more than the budget.
  auto db = Db::Open(dir, DbOptions());
  ASSERT_TRUE(db.ok()) << db.status();
  (*db)->WarmUpInBackground(index7, in_range / 2);
  (*db)->WaitForTablesOpened();
  EXPECT_GT((*db)->bytes_mapped_into_memory(), 0u);
  EXPECT_LE((*db)->bytes_mapped_into_memory(), in_range / 2);
}

}  // namespace
}  // namespace storage
}  // namespace qiaolian
