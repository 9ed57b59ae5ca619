// Packed posting lists (src/storage/postings.h): the block codec, the
// packer, and the cursor that merges blocks with single entries.
#include "src/storage/postings.h"

#include <algorithm>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "leveldb/db.h"
#include "leveldb/write_batch.h"
#include "src/storage/key_codec.h"
#include "tests/testing/temp_dir.h"

namespace qiaolian {
namespace storage {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::TempDir;

std::string Head(const std::string& gram) {
  std::string h = IndexPrefix(141);
  PutString(&h, gram);
  return h;
}

class PostingsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    leveldb::Options o;
    o.create_if_missing = true;
    leveldb::DB* db = nullptr;
    ASSERT_TRUE(leveldb::DB::Open(o, dir_.path(), &db).ok());
    db_.reset(db);
  }

  // Writes `postings` of `head`: those whose id is in `in_blocks` go into
  // their range's block, the others become entries of their own.
  void Write(const std::string& head, const std::vector<Posting>& postings,
             const std::set<uint64_t>& in_blocks) {
    std::map<uint64_t, std::vector<Posting>> blocks;
    leveldb::WriteBatch b;
    for (const Posting& p : postings) {
      if (in_blocks.count(p.id) != 0) {
        blocks[PostingRangeStart(p.id)].push_back(p);
      } else {
        b.Put(PostingKey(head, p), "");
      }
    }
    for (auto& [start, ps] : blocks) {
      std::sort(ps.begin(), ps.end());
      b.Put(PostingBlockKey(head, start), EncodePostings(ps));
    }
    ASSERT_TRUE(db_->Write(leveldb::WriteOptions(), &b).ok());
  }

  std::unique_ptr<PostingCursor> Cursor(const std::string& head) {
    return std::make_unique<PostingCursor>(
        std::unique_ptr<leveldb::Iterator>(
            db_->NewIterator(leveldb::ReadOptions())),
        head);
  }

  std::vector<Posting> All(const std::string& head) {
    std::unique_ptr<PostingCursor> c = Cursor(head);
    std::vector<Posting> out;
    for (c->Seek(0); c->Valid(); c->Next()) out.push_back(c->posting());
    EXPECT_TRUE(c->status().ok()) << c->status();
    return out;
  }

  TempDir dir_;
  std::unique_ptr<leveldb::DB> db_;
};

// Ids below are written relative to the range size R.
constexpr uint64_t R = kPostingRange;

TEST(PostingCodecTest, KeysParseBackAndBlocksSortBeforeTheirFirstEntry) {
  const std::string head = Head("陈伟");
  absl::string_view h;
  Posting p;
  bool block = true;
  const std::string key = PostingKey(head, {R + 44, 7});
  ASSERT_TRUE(ParsePostingKey(key, &h, &p, &block));
  EXPECT_EQ(h, head);
  EXPECT_EQ(p, (Posting{R + 44, 7}));
  EXPECT_FALSE(block);
  const std::string block_key = PostingBlockKey(head, R + 44);
  ASSERT_TRUE(ParsePostingKey(block_key, &h, &p, &block));
  EXPECT_TRUE(block);
  EXPECT_EQ(p.id, R);  // The range's start.
  EXPECT_LT(PostingBlockKey(head, R + 44), PostingKey(head, {R, 0}));
  EXPECT_LT(PostingKey(head, {R - 1, 1 << 30}), PostingBlockKey(head, R + 44));
  EXPECT_FALSE(ParsePostingKey("short", &h, &p, &block));
  // The trailing id must repeat the posting's.
  std::string bad = PostingKey(head, {R + 44, 7});
  bad.back() ^= 1;
  EXPECT_FALSE(ParsePostingKey(bad, &h, &p, &block));
}

TEST(PostingCodecTest, BlocksRoundTripAndRejectWhatIsNotAPostingList) {
  const std::vector<Posting> ps = {
      {2 * R, 0}, {2 * R, 5}, {2 * R + 88, 1 << 28}, {3 * R - 1, 3}};
  const std::string v = EncodePostings(ps);
  EXPECT_LT(v.size(), ps.size() * 7);  // Varints, not fixed-width keys.
  std::vector<Posting> got;
  ASSERT_TRUE(DecodePostings("k", 2 * R, v, &got).ok());
  EXPECT_EQ(got, ps);
  // Truncated, or an id beyond the range: DATA_LOSS naming the key.
  got.clear();
  absl::Status st = DecodePostings(PostingBlockKey(Head("x"), 2 * R), 2 * R,
                                   v.substr(0, v.size() - 1), &got);
  EXPECT_EQ(st.code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(st.message(), HasSubstr("malformed posting block"));
  EXPECT_FALSE(
      DecodePostings("k", 0, EncodePostings({{R - 1, 0}, {R, 0}}), &got).ok());
}

TEST(PostingCodecTest, VarintsOfEveryWidthAndOverlongOnesRejected) {
  // Codes of one to ten varint bytes (negative ones take ten).
  const std::vector<Posting> ps = {{R, 0},
                                   {R, 127},
                                   {R, 128},
                                   {R + 1, int64_t{1} << 35},
                                   {R + 1, INT64_MAX},
                                   {R + 2, -1},
                                   {2 * R - 1, kBlockCode + 1}};
  std::vector<Posting> got;
  ASSERT_TRUE(DecodePostings("k", R, EncodePostings(ps), &got).ok());
  EXPECT_EQ(got, ps);
  // An eleven-byte varint, a delta of a whole range, the block code.
  for (const std::string& bad :
       {std::string("\x00") + std::string(10, '\x80') + '\x01',
        std::string("\x80\x08\x00", 3), EncodePostings({{0, kBlockCode}})}) {
    got.clear();
    EXPECT_EQ(DecodePostings("k", 0, bad, &got).code(),
              absl::StatusCode::kDataLoss)
        << absl::CHexEscape(bad);
  }
}

TEST(PostingPackerTest, OneBlockPerHeadAndRangeMergedWithWhatIsThere) {
  std::map<std::string, std::string> written;
  const std::string a = Head("a"), b = Head("b");
  PostingPacker packer(
      [&](const std::string& k, const std::string& v) {
        EXPECT_TRUE(written.emplace(k, v).second) << "block written twice";
        return absl::OkStatus();
      },
      [&](const std::string& k) -> absl::StatusOr<std::vector<Posting>> {
        if (k == PostingBlockKey(b, R)) {
          return std::vector<Posting>{{R + 1, 9}};
        }
        return std::vector<Posting>();
      });
  for (uint64_t id : {uint64_t{1}, uint64_t{2}, R - 1, R, 2 * R + 5}) {
    ASSERT_TRUE(packer.Add(a, {id, 0}).ok());
  }
  for (uint64_t id : {R + 44, R + 45}) {
    ASSERT_TRUE(packer.Add(b, {id, 1}).ok());
  }
  ASSERT_TRUE(packer.Flush().ok());
  ASSERT_EQ(written.size(), 4u);
  std::vector<Posting> got;
  ASSERT_TRUE(
      DecodePostings("k", 0, written.at(PostingBlockKey(a, 0)), &got).ok());
  EXPECT_THAT(got,
              ElementsAre(Posting{1, 0}, Posting{2, 0}, Posting{R - 1, 0}));
  got.clear();
  ASSERT_TRUE(
      DecodePostings("k", R, written.at(PostingBlockKey(b, R)), &got).ok());
  EXPECT_THAT(got, ElementsAre(Posting{R + 1, 9}, Posting{R + 44, 1},
                               Posting{R + 45, 1}));
}

TEST_F(PostingsTest, CursorMergesBlocksAndSingleEntriesInOrder) {
  const std::string head = Head("公司");
  // Range 0 packed with a late single entry inside it (an update of a packed
  // record), range R not packed, range 2R packed, range 4R mixed.
  Write(head,
        {{1, 0},
         {3, 2},
         {3, 4},
         {10, 1},
         {R + 44, 0},
         {R + 45, 0},
         {2 * R + 8, 5},
         {4 * R + 6, 0},
         {4 * R + 7, 0}},
        {1, 3, 2 * R + 8, 4 * R + 7});
  Write(head, {{2, 7}}, {});
  Write(Head("公"), {{5, 0}}, {5});  // Another head sharing bytes.
  EXPECT_THAT(All(head),
              ElementsAre(Posting{1, 0}, Posting{2, 7}, Posting{3, 2},
                          Posting{3, 4}, Posting{10, 1}, Posting{R + 44, 0},
                          Posting{R + 45, 0}, Posting{2 * R + 8, 5},
                          Posting{4 * R + 6, 0}, Posting{4 * R + 7, 0}));
  EXPECT_THAT(All(Head("没有")), ElementsAre());
}

TEST_F(PostingsTest, SeekFindsTheFirstPostingAtOrAfterAnIdWhateverTheMix) {
  std::mt19937 rng(11);
  const std::string head = Head("贸易");
  std::vector<Posting> all;
  std::set<uint64_t> packed;
  for (uint64_t id = 1; id < 20 * R; ++id) {
    if (rng() % 3 != 0) continue;
    const int n = 1 + static_cast<int>(rng() % 2);
    for (int k = 0; k < n; ++k) all.push_back({id, static_cast<int64_t>(k)});
    // Whole ranges packed or not, and some single entries in packed ranges.
    if ((id / kPostingRange) % 3 != 2 && rng() % 10 != 0) packed.insert(id);
  }
  Write(head, all, packed);
  ASSERT_EQ(All(head), all);
  // Random seeks, forward from a valid position and from a fresh cursor.
  std::unique_ptr<PostingCursor> c = Cursor(head);
  c->Seek(0);
  uint64_t target = 0;
  for (int i = 0; i < 400 && c->Valid(); ++i) {
    target += rng() % 40;
    c->Seek(target);
    auto want =
        std::lower_bound(all.begin(), all.end(), Posting{target, kBlockCode});
    if (want == all.end()) {
      EXPECT_FALSE(c->Valid());
      break;
    }
    ASSERT_TRUE(c->Valid()) << target;
    EXPECT_EQ(c->posting(), *want) << "seek to " << target;
    std::unique_ptr<PostingCursor> fresh = Cursor(head);
    fresh->Seek(target);
    ASSERT_TRUE(fresh->Valid());
    EXPECT_EQ(fresh->posting(), *want) << "fresh seek to " << target;
  }
  EXPECT_TRUE(c->status().ok());
}

TEST_F(PostingsTest, CursorsTakeTurnsOnOneBorrowedIterator) {
  // Two lists, each mixing blocks and single entries, read one after the
  // other through one iterator that a third reader moved in between: each
  // cursor starts from its own seek, whatever the iterator's position.
  const std::string a = Head("陈伟"), b = Head("伟明");
  const std::vector<Posting> pa = {{3, 1}, {5, 0}, {R + 1, 2}, {2 * R, 0}};
  const std::vector<Posting> pb = {{4, 0}, {R + 1, 1}, {3 * R + 9, 4}};
  Write(a, pa, {3, R + 1});
  Write(b, pb, {3 * R + 9});
  std::unique_ptr<leveldb::Iterator> it(
      db_->NewIterator(leveldb::ReadOptions()));
  for (int round = 0; round < 2; ++round) {
    for (const auto& [head, want] : {std::pair{a, pa}, std::pair{b, pb}}) {
      it->SeekToLast();  // Someone else's position.
      PostingCursor c(it.get(), head);
      std::vector<Posting> got;
      for (c.Seek(0); c.Valid(); c.Next()) got.push_back(c.posting());
      EXPECT_TRUE(c.status().ok()) << c.status();
      EXPECT_EQ(got, want);
    }
  }
  // The cursors left the iterator to its owner.
  ASSERT_NE(it, nullptr);
  it->SeekToFirst();
  EXPECT_TRUE(it->Valid());
}

TEST_F(PostingsTest, MalformedBlockStopsTheCursorWithDataLoss) {
  const std::string head = Head("坏");
  leveldb::WriteBatch b;
  b.Put(PostingKey(head, {1, 0}), "");
  b.Put(PostingBlockKey(head, R), "\xff");  // A truncated varint.
  ASSERT_TRUE(db_->Write(leveldb::WriteOptions(), &b).ok());
  std::unique_ptr<PostingCursor> c = Cursor(head);
  c->Seek(0);
  ASSERT_TRUE(c->Valid());
  EXPECT_EQ(c->posting(), (Posting{1, 0}));
  c->Next();
  EXPECT_FALSE(c->Valid());
  EXPECT_EQ(c->status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(c->status().message(), HasSubstr("malformed posting block"));
}

TEST_F(PostingsTest, BlockIsDecodedAsTheCursorMovesAndAMalformedTailStopsIt) {
  const std::string head = Head("残");
  // Range 0: three good postings, then a truncated varint; a single entry
  // of the range merges between them.
  std::string value = EncodePostings({{1, 0}, {5, 300}, {9, 1}});
  value += '\x85';
  leveldb::WriteBatch b;
  b.Put(PostingBlockKey(head, 0), value);
  b.Put(PostingKey(head, {7, 2}), "");
  b.Put(PostingKey(head, {R + 1, 0}), "");
  ASSERT_TRUE(db_->Write(leveldb::WriteOptions(), &b).ok());

  // The postings before the malformed rest come out in order, then the
  // cursor stops with DATA_LOSS naming the block.
  std::unique_ptr<PostingCursor> c = Cursor(head);
  std::vector<Posting> got;
  for (c->Seek(0); c->Valid(); c->Next()) got.push_back(c->posting());
  EXPECT_THAT(got, ElementsAre(Posting{1, 0}, Posting{5, 300}, Posting{7, 2},
                               Posting{9, 1}));
  EXPECT_EQ(c->status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(c->status().message(), HasSubstr("malformed posting block"));
  EXPECT_THAT(c->status().message(),
              HasSubstr(DescribeKey(PostingBlockKey(head, 0))));

  // A seek within the good part finds its posting; one past the block runs
  // into the malformed rest and reports it rather than skipping it.
  c = Cursor(head);
  c->Seek(5);
  ASSERT_TRUE(c->Valid());
  EXPECT_EQ(c->posting(), (Posting{5, 300}));
  c->Seek(8);
  ASSERT_TRUE(c->Valid());
  EXPECT_EQ(c->posting(), (Posting{9, 1}));
  c->Seek(R);
  EXPECT_FALSE(c->Valid());
  EXPECT_EQ(c->status().code(), absl::StatusCode::kDataLoss);
  c = Cursor(head);
  c->Seek(0);
  c->Seek(10);
  EXPECT_FALSE(c->Valid());
  EXPECT_EQ(c->status().code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace storage
}  // namespace qiaolian
