#include "src/storage/sorter.h"

#include <algorithm>
#include <filesystem>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/testing/temp_dir.h"

namespace qiaolian {
namespace storage {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using testing::TempDir;

std::vector<std::string> Drain(ExternalSorter* s) {
  std::vector<std::string> out;
  absl::Status st = s->Finish([&](absl::string_view k) {
    out.emplace_back(k);
    return absl::OkStatus();
  });
  EXPECT_TRUE(st.ok()) << st;
  return out;
}

TEST(ExternalSorterTest, NothingAddedEmitsNothing) {
  TempDir tmp;
  ExternalSorter s(tmp.path(), 1 << 20);
  EXPECT_THAT(Drain(&s), IsEmpty());
}

TEST(ExternalSorterTest, InMemorySortIsByteOrderWithoutRepeats) {
  TempDir tmp;
  ExternalSorter s(tmp.path(), 1 << 20);
  // Byte order, not signed-char order: \xff sorts after 'z'; a prefix sorts
  // before its extensions; the empty key first; NUL bytes are kept.
  for (std::string k : {std::string("b"), std::string("\xff"),
                        std::string("a\0b", 3), std::string("a"),
                        std::string(""), std::string("z"), std::string("b")}) {
    ASSERT_TRUE(s.Add(k).ok());
  }
  EXPECT_EQ(s.runs(), 0u);
  EXPECT_THAT(Drain(&s),
              ElementsAre("", "a", std::string("a\0b", 3), "b", "z", "\xff"));
}

// Keys that share their first 16 bytes (the part compared inline) or are
// shorter, with NUL bytes that look like the padding: one buffer, no runs.
TEST(ExternalSorterTest, KeysSharingTheirInlinePrefixSortInByteOrder) {
  TempDir tmp;
  ExternalSorter s(tmp.path(), 16 << 20);
  std::mt19937 rng(11);
  std::set<std::string> want;
  for (int i = 0; i < 20000; ++i) {
    std::string k(rng() % 34, '\0');
    for (size_t j = 0; j < k.size(); ++j) {
      // The first 14 bytes mostly equal, then 0 or 1.
      k[j] = static_cast<char>(j < 14 && rng() % 8 != 0 ? 'x' : rng() % 2);
    }
    want.insert(k);
    ASSERT_TRUE(s.Add(k).ok());
  }
  EXPECT_EQ(s.runs(), 0u);
  std::vector<std::string> got = Drain(&s);
  EXPECT_EQ(got, std::vector<std::string>(want.begin(), want.end()));
}

TEST(ExternalSorterTest, ManyRunsMergeToTheSortedSetOfKeys) {
  TempDir tmp;
  // A 4 KiB budget: hundreds of runs on disk.
  ExternalSorter s(tmp.path(), 4096);
  std::mt19937 rng(7);
  std::set<std::string> want;
  for (int i = 0; i < 20000; ++i) {
    std::string k(1 + rng() % 40, '\0');
    for (char& c : k) c = static_cast<char>(rng() % 4);  // Many repeats.
    want.insert(k);
    ASSERT_TRUE(s.Add(k).ok());
  }
  EXPECT_EQ(s.keys_added(), 20000u);
  EXPECT_GT(s.runs(), 100u);
  std::vector<std::string> got = Drain(&s);
  EXPECT_EQ(got, std::vector<std::string>(want.begin(), want.end()));
  // The run files were unlinked when opened: the directory is empty.
  EXPECT_TRUE(std::filesystem::is_empty(tmp.path()));
}

TEST(ExternalSorterTest, EmitErrorStopsTheMerge) {
  TempDir tmp;
  ExternalSorter s(tmp.path(), 256);
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(s.Add(std::to_string(i)).ok());
  int calls = 0;
  absl::Status st = s.Finish([&](absl::string_view) {
    return ++calls == 3 ? absl::UnavailableError("disk full")
                        : absl::OkStatus();
  });
  EXPECT_EQ(st.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(calls, 3);
}

TEST(ExternalSorterTest, UnwritableDirectoryIsAnErrorNamingIt) {
  ExternalSorter s("/nonexistent/qiaolian-dir", 64);
  absl::Status st;
  for (int i = 0; i < 100 && st.ok(); ++i) {
    st = s.Add("key number " + std::to_string(i));
  }
  // The first spill fails on its thread; a later Add or Finish reports it.
  if (st.ok()) {
    st = s.Finish([](absl::string_view) { return absl::OkStatus(); });
  }
  EXPECT_EQ(st.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(st.message(), HasSubstr("/nonexistent/qiaolian-dir"));
  // Sticky: nothing is lost silently afterwards.
  EXPECT_FALSE(s.Add("more").ok());
}

}  // namespace
}  // namespace storage
}  // namespace qiaolian
