#include "src/storage/pread_env.h"

#include <atomic>
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

// A file of `size` bytes that differ from one offset to the next, opened
// through a mapped Env.
struct TestFile {
  TestFile(leveldb::Env* env, const std::string& path, size_t size)
      : contents(size, '\0') {
    for (size_t i = 0; i < size; ++i) {
      contents[i] = static_cast<char>((i * 131 + i / 256) & 0xFF);
    }
    std::ofstream(path, std::ios::binary) << contents;
    leveldb::RandomAccessFile* f = nullptr;
    EXPECT_TRUE(env->NewRandomAccessFile(path, &f).ok());
    file.reset(f);
    // The mapping's address: a read outside a cold scope is in place.
    leveldb::Slice first;
    char scratch[1];
    EXPECT_TRUE(file->Read(0, 1, &first, scratch).ok());
    base = first.data();
  }

  enum From { kMapping, kScratch, kElsewhere };

  // Where the bytes of a read came from (and their address in `data`).
  From Read(uint64_t offset, size_t n, const char** data = nullptr) const {
    std::string scratch(n, '\0');
    leveldb::Slice got;
    EXPECT_TRUE(file->Read(offset, n, &got, scratch.data()).ok());
    EXPECT_EQ(got.ToString(), contents.substr(offset, n)) << offset;
    if (data != nullptr) *data = got.data();
    if (got.data() == scratch.data()) return kScratch;
    return got.data() == base + offset ? kMapping : kElsewhere;
  }

  std::string contents;
  std::unique_ptr<leveldb::RandomAccessFile> file;
  const char* base = nullptr;
};

// With memory for them (search_cache_bytes), the blocks of cold reads are
// read once with pread into that memory and served from there on: the same
// bytes, at the same address, with no system call. Reads outside a cold
// scope are in place, as before.
TEST(MappedEnvArenaTest, ColdReadsAreKeptAndServedFromMemory) {
  TempDir tmp;
  std::unique_ptr<leveldb::Env> env =
      NewMappedEnv(leveldb::Env::Default(), 4 << 20);
  TestFile file(env.get(), tmp.Sub("000009.ldb"), 64 << 10);
  EXPECT_EQ(file.Read(8192, 4096), TestFile::kMapping);
  ColdReads cold;
  const char* first = nullptr;
  EXPECT_EQ(file.Read(8192, 4096, &first), TestFile::kElsewhere);
  for (int i = 0; i < 10; ++i) {
    const char* again = nullptr;
    EXPECT_EQ(file.Read(8192, 4096, &again), TestFile::kElsewhere);
    EXPECT_EQ(again, first) << i;
  }
  // A shorter read of a kept block is served from it; other blocks are
  // kept on their own.
  const char* shorter = nullptr;
  EXPECT_EQ(file.Read(8192, 100, &shorter), TestFile::kElsewhere);
  EXPECT_EQ(shorter, first);
  const char* other = nullptr;
  EXPECT_EQ(file.Read(4096, 4096, &other), TestFile::kElsewhere);
  EXPECT_NE(other, first);
  // Index and filter blocks (larger than kColdReadMaxBytes): in place.
  EXPECT_EQ(file.Read(0, kColdReadMaxBytes + 1), TestFile::kMapping);
}

// The memory is bounded: once it is spent, cold reads are made as without
// it (copied the first five times, then in place), and blocks kept earlier
// stay. A file's room is given back when the file closes (LevelDB closes a
// table when compaction retires it, or the table cache lets it go), and the
// next file's blocks are kept in it.
TEST(MappedEnvArenaTest, MemoryIsBoundedAndComesBackWhenAFileCloses) {
  TempDir tmp;
  // One 2 MiB chunk: about 500 blocks of 4 KiB.
  std::unique_ptr<leveldb::Env> env =
      NewMappedEnv(leveldb::Env::Default(), 2 << 20);
  auto a =
      std::make_unique<TestFile>(env.get(), tmp.Sub("000010.ldb"), 3 << 20);
  ColdReads cold;
  const char* kept = nullptr;
  ASSERT_EQ(a->Read(0, 4096, &kept), TestFile::kElsewhere);
  size_t offset = 4096, kept_blocks = 1;
  while (offset + 4096 <= a->contents.size() &&
         a->Read(offset, 4096) == TestFile::kElsewhere) {
    ++kept_blocks;
    offset += 4096;
  }
  EXPECT_GE(kept_blocks, 490u);
  EXPECT_LE(kept_blocks, 512u);
  ASSERT_LT(offset + 4096, a->contents.size());
  // Past the budget: five copies (the loop's last read was the first), then
  // in place.
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(a->Read(offset, 4096), TestFile::kScratch) << i;
  }
  EXPECT_EQ(a->Read(offset, 4096), TestFile::kMapping);
  const char* still = nullptr;
  EXPECT_EQ(a->Read(0, 4096, &still), TestFile::kElsewhere);
  EXPECT_EQ(still, kept);

  TestFile b(env.get(), tmp.Sub("000011.ldb"), 64 << 10);
  EXPECT_EQ(b.Read(0, 4096), TestFile::kScratch);
  a.reset();
  EXPECT_EQ(b.Read(4096, 4096), TestFile::kElsewhere);
  const char* b_kept = nullptr;
  EXPECT_EQ(b.Read(8192, 4096, &b_kept), TestFile::kElsewhere);
  EXPECT_EQ(b.Read(8192, 4096, &still), TestFile::kElsewhere);
  EXPECT_EQ(still, b_kept);
}

// The memory can be taken ahead of the searches (ReserveSearchCache, from
// the store's warm-up thread): as much as the given bytes need, never more
// than the budget, each chunk once; blocks are then kept in it as before,
// no more of them than the budget holds; a stop asked for before it starts
// takes nothing.
TEST(MappedEnvArenaTest, MemoryTakenAheadIsUsedForKeptBlocks) {
  TempDir tmp;
  const std::atomic<bool> go{false}, stop{true};
  std::unique_ptr<leveldb::Env> stopped =
      NewMappedEnv(leveldb::Env::Default(), 4 << 20);
  EXPECT_EQ(ReserveSearchCache(stopped.get(), 4 << 20, stop), 0u);
  std::unique_ptr<leveldb::Env> none = NewMappedEnv(leveldb::Env::Default(), 0);
  EXPECT_EQ(ReserveSearchCache(none.get(), 4 << 20, go), 0u);

  // Two 2 MiB chunks: about 1,000 blocks of 4 KiB.
  std::unique_ptr<leveldb::Env> env =
      NewMappedEnv(leveldb::Env::Default(), 4 << 20);
  EXPECT_EQ(ReserveSearchCache(env.get(), 0, go), 0u);  // No tables.
  EXPECT_EQ(ReserveSearchCache(env.get(), 100, go), 1u);
  EXPECT_EQ(ReserveSearchCache(env.get(), 2 << 20, go), 0u);  // Held.
  EXPECT_EQ(ReserveSearchCache(env.get(), uint64_t{1} << 40, go), 1u);
  EXPECT_EQ(ReserveSearchCache(env.get(), uint64_t{1} << 40, go), 0u);
  TestFile file(env.get(), tmp.Sub("000013.ldb"), 5 << 20);
  ColdReads cold;
  const char* first = nullptr;
  ASSERT_EQ(file.Read(0, 4096, &first), TestFile::kElsewhere);
  size_t offset = 4096, kept_blocks = 1;
  while (offset + 4096 <= file.contents.size() &&
         file.Read(offset, 4096) == TestFile::kElsewhere) {
    ++kept_blocks;
    offset += 4096;
  }
  EXPECT_GE(kept_blocks, 980u);
  EXPECT_LE(kept_blocks, 1024u);
  const char* again = nullptr;
  EXPECT_EQ(file.Read(0, 4096, &again), TestFile::kElsewhere);
  EXPECT_EQ(again, first);
}

// Threads reading the same blocks at once each get the file's bytes, and a
// block is kept once (the ThreadSanitizer build runs this too).
TEST(MappedEnvArenaTest, ConcurrentColdReadsOfTheSameBlocks) {
  TempDir tmp;
  std::unique_ptr<leveldb::Env> env =
      NewMappedEnv(leveldb::Env::Default(), 4 << 20);
  TestFile file(env.get(), tmp.Sub("000012.ldb"), 256 << 10);
  const std::string& contents = file.contents;
  std::vector<std::thread> threads;
  std::vector<int> wrong(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      ColdReads cold;
      std::string scratch(4096, '\0');
      for (int round = 0; round < 3; ++round) {
        for (size_t off = 0; off + 4096 <= contents.size(); off += 4096) {
          leveldb::Slice got;
          if (!file.file->Read(off, 4096, &got, scratch.data()).ok() ||
              got.ToString() != contents.substr(off, 4096)) {
            ++wrong[t];
          }
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(wrong, std::vector<int>(4, 0));
  ColdReads cold;
  const char* a = nullptr;
  const char* b = nullptr;
  EXPECT_EQ(file.Read(4096, 4096, &a), TestFile::kElsewhere);
  EXPECT_EQ(file.Read(4096, 4096, &b), TestFile::kElsewhere);
  EXPECT_EQ(a, b);
}

// A read past the end is an error naming the file, in or out of a cold
// scope (LevelDB reports it as corruption of the table).
// A table file mapped into memory (MapTableIntoMemory, by its number) is
// read in place from then on, cold reads included: from one image of the
// whole file (where the kernel offers transparent huge pages, a copy on
// 2 MiB pages, so starting on a 2 MiB boundary; else the file's map), with
// nothing kept in the search blocks' memory; other tables still make cold
// reads. Nothing is mapped for a number no open table has (never opened,
// closed, or a file that is not a table), nor once stopped.
TEST(MappedEnvMapIntoMemoryTest, MappedTableIsReadInPlace) {
  TempDir tmp;
  std::unique_ptr<leveldb::Env> env =
      NewMappedEnv(leveldb::Env::Default(), 4 << 20);
  // Larger than a huge page, and not a whole number of pages.
  constexpr size_t kSize = (3 << 20) + 5000;
  TestFile table(env.get(), tmp.Sub("000042.ldb"), kSize);
  TestFile small(env.get(), tmp.Sub("000045.ldb"), 64 << 10);
  TestFile other(env.get(), tmp.Sub("000043.ldb"), 64 << 10);
  TestFile log(env.get(), tmp.Sub("000044.log"), 64 << 10);
  std::atomic<bool> stop{false};
  EXPECT_EQ(MapTableIntoMemory(env.get(), 41, stop), 0u);  // Not open.
  EXPECT_EQ(MapTableIntoMemory(env.get(), 44, stop), 0u);  // Not a table.
  {
    std::atomic<bool> stopped{true};
    EXPECT_EQ(MapTableIntoMemory(env.get(), 43, stopped), 0u);
  }
  EXPECT_EQ(MapTableIntoMemory(env.get(), 42, stop), kSize);
  // Mapped again: nothing more to do, and the same image.
  EXPECT_EQ(MapTableIntoMemory(env.get(), 42, stop), kSize);
  const char* image = nullptr;
  ASSERT_NE(table.Read(0, 4096, &image), TestFile::kScratch);
  if (TransparentHugePagesOffered()) {
    EXPECT_EQ(reinterpret_cast<uintptr_t>(image) % (2 << 20), 0u);
  } else {
    EXPECT_EQ(image, table.base);
  }
  // A file of less than a huge page is mapped, not copied.
  EXPECT_EQ(MapTableIntoMemory(env.get(), 45, stop), uint64_t{64} << 10);
  ColdReads cold;
  for (int i = 0; i < 3; ++i) {
    for (uint64_t offset :
         {uint64_t{8192}, uint64_t{40000}, uint64_t{kSize - 4096}}) {
      const char* at = nullptr;
      EXPECT_NE(table.Read(offset, 4096, &at), TestFile::kScratch) << i;
      EXPECT_EQ(at, image + offset) << i;
    }
    EXPECT_EQ(small.Read(8192, 4096), TestFile::kMapping) << i;
  }
  EXPECT_NE(other.Read(8192, 4096), TestFile::kMapping);  // Cold read.
  other.file.reset();  // Closed: nothing to map.
  EXPECT_EQ(MapTableIntoMemory(env.get(), 43, stop), 0u);
}

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
