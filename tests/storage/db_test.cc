#include "src/storage/db.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
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

}  // namespace
}  // namespace storage
}  // namespace qiaolian
