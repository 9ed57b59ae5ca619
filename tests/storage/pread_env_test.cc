#include "src/storage/pread_env.h"

#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace qiaolian {
namespace storage {
namespace {

using ::testing::HasSubstr;
using testing::TempDir;

// 40 KiB of bytes that differ from one offset to the next.
std::string Contents() {
  std::string s(40 << 10, '\0');
  for (size_t i = 0; i < s.size(); ++i) {
    s[i] = static_cast<char>((i * 131 + i / 256) & 0xFF);
  }
  return s;
}

class MappedEnvTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = tmp_.Sub("000007.ldb");
    std::ofstream(path_, std::ios::binary) << contents_;
    env_ = NewMappedEnv(leveldb::Env::Default());
    leveldb::RandomAccessFile* f = nullptr;
    ASSERT_TRUE(env_->NewRandomAccessFile(path_, &f).ok());
    file_.reset(f);
  }

  // Reads n bytes at offset; true when they came in place (from the
  // mapping), false when they were copied into the scratch buffer.
  bool ReadInPlace(uint64_t offset, size_t n) {
    std::string scratch(n, '\0');
    leveldb::Slice got;
    EXPECT_TRUE(file_->Read(offset, n, &got, scratch.data()).ok());
    EXPECT_EQ(got.ToString(), contents_.substr(offset, n));
    return got.data() != scratch.data();
  }

  TempDir tmp_;
  const std::string contents_ = Contents();
  std::string path_;
  std::unique_ptr<leveldb::Env> env_;
  std::unique_ptr<leveldb::RandomAccessFile> file_;
};

// Reads are in place, as with LevelDB's own Env, except the first five cold
// reads of a block (at most kColdReadMaxBytes), which are copied: about what
// the two page faults of its first read in place cost. Read a sixth time, a
// block is read in place, its pages mapped from then on. The same bytes
// either way.
TEST_F(MappedEnvTest, FirstColdReadsOfABlockAreCopiedLaterOnesInPlace) {
  EXPECT_TRUE(ReadInPlace(100, 4096));
  {
    ColdReads cold;
    for (int i = 0; i < 5; ++i) EXPECT_FALSE(ReadInPlace(8192, 4096)) << i;
    EXPECT_TRUE(ReadInPlace(8192, 4096));  // A sixth time: in place.
    EXPECT_TRUE(ReadInPlace(8192, 100));
    EXPECT_FALSE(ReadInPlace(contents_.size() - 5, 5));  // The last bytes.
    // An index or filter block, read once when a table opens: in place.
    EXPECT_TRUE(ReadInPlace(0, kColdReadMaxBytes + 1));
    // A block one of whose pages was read less often is copied.
    EXPECT_FALSE(ReadInPlace(12000, 4096));
    {
      ColdReads nested;
      EXPECT_FALSE(ReadInPlace(20480, 4096));
    }
    EXPECT_FALSE(ReadInPlace(24576, 4096));  // The outer scope still holds.
    // Another thread's reads are its own.
    bool other_in_place = false;
    std::thread t([&] { other_in_place = ReadInPlace(28672, 4096); });
    t.join();
    EXPECT_TRUE(other_in_place);
  }
  EXPECT_TRUE(ReadInPlace(32768, 4096));
}

// A read past the end is an error naming the file, in or out of a cold
// scope (LevelDB reports it as corruption of the table).
TEST_F(MappedEnvTest, ReadPastTheEndIsAnError) {
  std::string scratch(8192, '\0');
  leveldb::Slice got;
  leveldb::Status s =
      file_->Read(contents_.size() - 10, 100, &got, scratch.data());
  EXPECT_FALSE(s.ok());
  EXPECT_THAT(s.ToString(), HasSubstr("000007.ldb"));
  ColdReads cold;
  EXPECT_FALSE(
      file_->Read(contents_.size() + 1, 10, &got, scratch.data()).ok());
}

// Past the limit of mapped files (1,000 in the process), a file is opened
// by the target Env (LevelDB's, which reads it with pread): every file still
// reads back, in and out of a cold scope.
TEST(MappedEnvLimitTest, FilesPastTheMappingLimitReadBack) {
  TempDir tmp;
  std::unique_ptr<leveldb::Env> env = NewMappedEnv(leveldb::Env::Default());
  std::vector<std::unique_ptr<leveldb::RandomAccessFile>> files;
  constexpr int kFiles = 1100;
  for (int i = 0; i < kFiles; ++i) {
    const std::string path = tmp.Sub(absl::StrCat(i, ".ldb"));
    std::ofstream(path, std::ios::binary) << std::string(6000, 'a' + i % 26);
    leveldb::RandomAccessFile* f = nullptr;
    ASSERT_TRUE(env->NewRandomAccessFile(path, &f).ok()) << i;
    files.emplace_back(f);
  }
  std::string scratch(4096, '\0');
  for (int i = 0; i < kFiles; ++i) {
    for (bool cold : {false, true}) {
      std::optional<ColdReads> scope;
      if (cold) scope.emplace();
      leveldb::Slice got;
      ASSERT_TRUE(files[i]->Read(1000, 4096, &got, scratch.data()).ok()) << i;
      EXPECT_EQ(got.ToString(), std::string(4096, 'a' + i % 26)) << i;
    }
  }
}

TEST_F(MappedEnvTest, MissingFileIsNotFound) {
  leveldb::RandomAccessFile* f = nullptr;
  leveldb::Status s = env_->NewRandomAccessFile(tmp_.Sub("none.ldb"), &f);
  EXPECT_TRUE(s.IsNotFound()) << s.ToString();
  EXPECT_EQ(f, nullptr);
}

}  // namespace
}  // namespace storage
}  // namespace qiaolian
