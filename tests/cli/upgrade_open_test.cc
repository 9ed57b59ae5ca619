// A store written by an earlier version lacks the indexes a later one adds.
// The library's read-only open refuses it, naming the index; the command
// line's read-only commands (search, list, report ...) build the index with
// one writable open and then answer.
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "leveldb/db.h"
#include "qiaolian/store.h"
#include "qiaolian/v1/person.pb.h"
#include "src/search/terms.h"
#include "src/storage/key_codec.h"
#include "tests/testing/temp_dir.h"

namespace qiaolian {
namespace {

using ::testing::HasSubstr;

// The `qiaolian` binary, next to the tests' directory in the build tree.
std::string CliPath() {
  std::array<char, 4096> buf{};
  const ssize_t n = readlink("/proc/self/exe", buf.data(), buf.size() - 1);
  if (n <= 0) return "";
  return (std::filesystem::path(std::string(buf.data(), n)).parent_path() /
          ".." / "qiaolian")
      .lexically_normal()
      .string();
}

// Runs `cmd`; its standard output, and its exit status in `*status`.
std::string RunCommand(const std::string& cmd, int* status) {
  std::string out;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) {
    *status = -1;
    return out;
  }
  std::array<char, 4096> buf;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), p)) > 0)
    out.append(buf.data(), n);
  *status = pclose(p);
  return out;
}

TEST(UpgradeOpenTest, ReadOnlyCommandsBuildAnIndexTheStoreLacks) {
  const std::string cli = CliPath();
  if (!std::filesystem::exists(cli)) GTEST_SKIP() << "no CLI at " << cli;
  testing::TempDir dir;
  {
    absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(dir.path());
    ASSERT_TRUE(store.ok()) << store.status();
    for (const char* name : {"陈伟明", "陈伟强"}) {
      v1::Person p;
      p.set_name(name);
      ASSERT_TRUE((*store)->Create(&p).ok());
    }
  }
  // As an earlier version left it: no name-bigrams entries, and the index
  // not marked built.
  {
    leveldb::DB* raw = nullptr;
    ASSERT_TRUE(leveldb::DB::Open(leveldb::Options(), dir.path(), &raw).ok());
    std::unique_ptr<leveldb::DB> db(raw);
    const std::string prefix = storage::IndexPrefix(search::kPersonNameBigrams);
    std::unique_ptr<leveldb::Iterator> it(
        db->NewIterator(leveldb::ReadOptions()));
    size_t removed = 0;
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix);
         it->Next()) {
      ASSERT_TRUE(db->Delete(leveldb::WriteOptions(), it->key()).ok());
      ++removed;
    }
    EXPECT_GT(removed, 0u);
    ASSERT_TRUE(db->Delete(leveldb::WriteOptions(),
                           storage::MetaKey(absl::StrCat(
                               "index/", search::kPersonNameBigrams)))
                    .ok());
  }
  StoreOptions ro;
  ro.read_only = true;
  absl::StatusOr<std::unique_ptr<Store>> refused = Store::Open(dir.path(), ro);
  ASSERT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(refused.status().message(), HasSubstr("search.name_bigrams"));

  int status = 0;
  const std::string out = RunCommand(
      absl::StrCat(cli, " --store ", dir.path(), " search person 陈伟东 2>&1"),
      &status);
  EXPECT_EQ(status, 0) << out;
  EXPECT_THAT(out, HasSubstr("building the indexes this version adds"));
  // Both names are near matches of 陈伟东 (陈伟, 陈 and 伟 of its five
  // n-grams): found through the index just built.
  EXPECT_THAT(out, HasSubstr("陈伟明"));
  EXPECT_THAT(out, HasSubstr("陈伟强"));
  EXPECT_THAT(out, HasSubstr("fuzzy"));
  absl::StatusOr<std::unique_ptr<Store>> now = Store::Open(dir.path(), ro);
  EXPECT_TRUE(now.ok()) << now.status();
}

}  // namespace
}  // namespace qiaolian
