#include "src/ingest/hash_sets.h"

#include <filesystem>
#include <random>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace qiaolian {
namespace ingest {
namespace {

using ::testing::HasSubstr;
using testing::TempDir;

std::vector<uint64_t> RandomHashes(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<uint64_t> out(n);
  for (uint64_t& h : out) h = rng();
  return out;
}

TEST(HashFilterTest, NeverForgetsAKeyAndRarelyClaimsOne) {
  HashFilter f(8 << 20);
  const std::vector<uint64_t> in = RandomHashes(500000, 1);
  for (uint64_t h : in) f.Add(h);
  for (uint64_t h : in) ASSERT_TRUE(f.MayContain(h)) << h;
  size_t wrong = 0;
  for (uint64_t h : RandomHashes(200000, 2)) wrong += f.MayContain(h);
  // Layers of 32 bits a key: well under 0.05 % of unseen keys answer
  // "maybe" (a false "maybe" costs the importer a look in the store).
  EXPECT_LT(wrong, 100u);
  EXPECT_LE(f.bytes(), size_t{8} << 20);
}

TEST(HashFilterTest, StaysWithinItsBudgetWhenOverfilled) {
  HashFilter f(256 << 10);
  const std::vector<uint64_t> in = RandomHashes(1000000, 3);
  for (uint64_t h : in) f.Add(h);
  EXPECT_LE(f.bytes(), size_t{256} << 10);
  // Past the budget "maybe" is more frequent, but a key added is still
  // always found.
  for (uint64_t h : in) ASSERT_TRUE(f.MayContain(h)) << h;
}

TEST(HashFilterTest, EmptyFilterHasNothing) {
  HashFilter f(1 << 20);
  EXPECT_FALSE(f.MayContain(0));
  EXPECT_FALSE(f.MayContain(42));
  EXPECT_EQ(f.bytes(), 0u);
}

TEST(HashFilterTest, ClearForgetsEveryKeyAndFreesItsLayers) {
  HashFilter f(4 << 20);
  const std::vector<uint64_t> in = RandomHashes(200000, 7);
  for (uint64_t h : in) f.Add(h);
  ASSERT_GT(f.bytes(), 0u);
  f.Clear();
  EXPECT_EQ(f.bytes(), 0u);
  for (uint64_t h : in) ASSERT_FALSE(f.MayContain(h)) << h;
  // Usable again.
  f.Add(in[0]);
  EXPECT_TRUE(f.MayContain(in[0]));
}

size_t OpenDescriptors() {
  return static_cast<size_t>(
      std::distance(std::filesystem::directory_iterator("/proc/self/fd"),
                    std::filesystem::directory_iterator()));
}

TEST(HashSetTest, ClearForgetsEveryHashAndClosesItsRuns) {
  TempDir tmp;
  const size_t before = OpenDescriptors();
  HashSet s(tmp.path(), /*memory_entries=*/1000);
  const std::vector<uint64_t> in = RandomHashes(5000, 8);
  for (uint64_t h : in) ASSERT_TRUE(s.Insert(h).value()) << h;
  ASSERT_GE(s.runs(), 4u);
  EXPECT_GE(OpenDescriptors(), before + 4);
  s.Clear();
  EXPECT_EQ(s.size(), 0u);
  EXPECT_EQ(s.runs(), 0u);
  EXPECT_EQ(OpenDescriptors(), before);
  for (uint64_t h : in) ASSERT_TRUE(s.Insert(h).value()) << h;
}

TEST(HashSetTest, InMemoryAnswersExactly) {
  TempDir tmp;
  HashSet s(tmp.path());
  ASSERT_EQ(s.Insert(7).value(), true);
  ASSERT_EQ(s.Insert(7).value(), false);
  // 0 and 1 share a slot (0 marks an empty one): a documented collision of
  // the same order as any other 64-bit one.
  ASSERT_EQ(s.Insert(0).value(), true);
  EXPECT_EQ(s.size(), 2u);
  EXPECT_EQ(s.runs(), 0u);
}

TEST(HashSetTest, RepeatsAreFoundAfterTheTableSpillsToRuns) {
  TempDir tmp;
  HashSet s(tmp.path(), /*memory_entries=*/1000);
  const std::vector<uint64_t> in = RandomHashes(50000, 4);
  for (uint64_t h : in) ASSERT_TRUE(s.Insert(h).value()) << h;
  EXPECT_GE(s.runs(), 49u);
  EXPECT_EQ(s.size(), in.size());
  // Every hash again, in another order: each found, in a run or the table.
  std::vector<uint64_t> again = in;
  std::shuffle(again.begin(), again.end(), std::mt19937_64(5));
  for (uint64_t h : again) ASSERT_FALSE(s.Insert(h).value()) << h;
  EXPECT_EQ(s.size(), in.size());
  // New hashes are still new.
  for (uint64_t h : RandomHashes(1000, 6)) EXPECT_TRUE(s.Insert(h).value());
  // The run files are unlinked: nothing is left in the directory.
  EXPECT_TRUE(std::filesystem::is_empty(tmp.path()));
}

TEST(HashSetTest, UnwritableDirectoryIsUnavailableNamingIt) {
  TempDir tmp;
  const std::string missing = tmp.path() + "/not-there";
  HashSet s(missing, /*memory_entries=*/16);
  absl::Status st;
  for (uint64_t h = 1; h < 100 && st.ok(); ++h) st = s.Insert(h).status();
  EXPECT_EQ(st.code(), absl::StatusCode::kUnavailable) << st;
  EXPECT_THAT(st.message(), HasSubstr(missing));
  EXPECT_THAT(st.message(), HasSubstr("row-hash run"));
}

}  // namespace
}  // namespace ingest
}  // namespace qiaolian
