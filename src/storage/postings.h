// Packed posting lists: the layout of an index whose entries are postings
// (model::IndexSpec::packed, the search n-grams of src/search/terms.h).
//
// A posting is (record id, code) under a head (the index prefix and the
// leading components, e.g. the n-gram). Each entry of such an index ends in
// the components uint64 id, int64 code, then the id as every index entry
// does (key_codec.h):
//
//   entry  := head 0x22 id:u64 0x21 code:flipped id:u64      -> empty
//   block  := head 0x22 start:u64 0x21 0:u64 start:u64       -> postings
//
// A posting is stored either as an entry of its own (written with its row,
// like any index entry) or inside the block of its id range: the postings
// of one head whose ids lie in [start, start + kPostingRange), start a
// multiple of kPostingRange, in one value. Blocks are written where entries
// arrive sorted (a bulk load, an index build); the code INT64_MIN marks the
// block key, which sorts before the entries of its first id. Deleting a
// posting rewrites its block. A reader merges blocks and single entries into
// one list in (id, code) order (PostingCursor), so a store may hold any mix.
//
//   postings := (varint id - previous id, varint code as uint64)*
//               the first "previous id" is the block's start; ids ascend,
//               codes ascend within an id.
//
// One key per head and range instead of one per posting: far fewer LevelDB
// keys for common n-grams, and a list read is a block decode instead of a
// merging-iterator step per posting.
#ifndef QIAOLIAN_SRC_STORAGE_POSTINGS_H_
#define QIAOLIAN_SRC_STORAGE_POSTINGS_H_

#include <compare>
#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "leveldb/iterator.h"

namespace qiaolian {
namespace storage {

inline constexpr uint64_t kPostingRange = 1024;
// The code of a block key (no posting has it).
inline constexpr int64_t kBlockCode = std::numeric_limits<int64_t>::min();
// Bytes after the head: 0x22 u64, 0x21 u64, u64.
inline constexpr size_t kPostingTail = 26;

struct Posting {
  uint64_t id = 0;
  int64_t code = 0;
  auto operator<=>(const Posting&) const = default;
};

inline uint64_t PostingRangeStart(uint64_t id) {
  return id - id % kPostingRange;
}

// Splits a key of a packed index into its head and posting; `*block`: it
// is a block key (`p->id` is then the range start). False when the key is
// too short or its last components are not uint64, int64.
bool ParsePostingKey(absl::string_view key, absl::string_view* head, Posting* p,
                     bool* block);

// The entry key of one posting, and the block key of the range of `id`.
std::string PostingKey(absl::string_view head, Posting p);
std::string PostingBlockKey(absl::string_view head, uint64_t id);

// A block's value from postings (sorted, all in one range, whose start is
// that of the first posting's id).
std::string EncodePostings(absl::Span<const Posting> postings);
// Appends a block's postings to `out`. DATA_LOSS naming `key` when the
// value is malformed or holds an id outside the range.
absl::Status DecodePostings(absl::string_view key, uint64_t start,
                            absl::string_view value, std::vector<Posting>* out);
// Appends the postings that a key and value of a packed index hold: an
// entry's own, or a block's. DATA_LOSS naming `key` when it is malformed.
absl::Status PostingsAt(absl::string_view key, absl::string_view value,
                        std::vector<Posting>* out);

// Writes postings that arrive in key order (head, then id, then code) as
// blocks: `put(key, value)` for each finished block. A posting whose range
// already has a block in the store must be merged by the caller (`existing`
// returns the postings already there, or an empty vector).
class PostingPacker {
 public:
  using PutFn = std::function<absl::Status(const std::string& key,
                                           const std::string& value)>;
  using ExistingFn = std::function<absl::StatusOr<std::vector<Posting>>(
      const std::string& block_key)>;
  PostingPacker(PutFn put, ExistingFn existing = nullptr)
      : put_(std::move(put)), existing_(std::move(existing)) {}

  // Postings must come in key order (as the sorted entry keys do).
  absl::Status Add(absl::string_view head, Posting p);
  absl::Status Flush();

 private:
  PutFn put_;
  ExistingFn existing_;
  std::string head_;
  uint64_t start_ = 0;
  std::vector<Posting> postings_;
};

// The postings of one head in (id, code) order, from blocks and single
// entries alike. Reads through an iterator (which should read a snapshot)
// that it owns, or borrows: a borrowed iterator must outlive the cursor and
// must not be moved by anyone else while the cursor is in use (each
// iterator costs LevelDB a merging iterator over every level, so a reader
// that reads one list after another shares one).
class PostingCursor {
 public:
  PostingCursor(std::unique_ptr<leveldb::Iterator> it, std::string head);
  PostingCursor(leveldb::Iterator* borrowed, std::string head);

  // Moves to the first posting with an id >= `id`. From a valid position,
  // never moves back.
  void Seek(uint64_t id);
  bool Valid() const { return valid_; }
  const Posting& posting() const { return cur_; }
  void Next();
  // The iterator's error, or DATA_LOSS for a malformed key or block (a
  // block is decoded as the cursor moves through it: a malformed rest is
  // reported when the cursor reaches it, after the postings before it).
  absl::Status status() const;

 private:
  void Fill();
  // Decodes the block's next posting into buf_ (have_buf_ false at its
  // end); false, with status_ set, when the block is malformed there.
  bool NextInBuf();
  // Moves the block's position to its first posting >= `target`.
  void SkipBufBelow(const Posting& target);
  void DropBuf();
  // Parses the iterator's position once (into it_have_, it_block_,
  // it_posting_); false, with status_ set, for a malformed key of the head.
  bool ParseIt();
  // Move the iterator (and forget its parsed position).
  void NextIt();
  void SeekIt(const std::string& key);

  // Keys stepped over before a seek is used instead.
  static constexpr int kSeekSteps = 8;

  std::unique_ptr<leveldb::Iterator> owned_;
  leveldb::Iterator* it_;
  bool positioned_ = false;  // The iterator was seeked once.
  std::string head_;
  // The current block: its value, the part not yet decoded [block_at_,
  // block_end_), and its next posting (buf_, while have_buf_).
  std::string block_;
  const char* block_at_ = nullptr;
  const char* block_end_ = nullptr;
  uint64_t block_start_ = 0;
  Posting buf_;
  bool have_buf_ = false;
  Posting cur_;
  bool valid_ = false;
  bool from_buf_ = false;
  absl::Status status_;
  // The iterator's position, parsed (valid while it_known_; ParseIt).
  bool it_known_ = false;
  bool it_have_ = false;  // On a key of this head.
  bool it_block_ = false;
  Posting it_posting_;
};

}  // namespace storage
}  // namespace qiaolian

#endif  // QIAOLIAN_SRC_STORAGE_POSTINGS_H_
