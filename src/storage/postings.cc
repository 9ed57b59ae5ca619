#include "src/storage/postings.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "src/storage/key_codec.h"

namespace qiaolian {
namespace storage {
namespace {

constexpr uint64_t kSign = uint64_t{1} << 63;

void PutVarint(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

// Decodes the posting after `*id` (the previous id, or the range start) from
// the front of a block's bytes [*p, end); false when it is malformed or its
// id is outside [start, start + kPostingRange). The two varints (at most
// ten bytes each) are read through a pointer, a one-byte one (most deltas)
// without entering the loop: this runs once per posting a search reads.
inline bool NextInBlock(const char** p, const char* end, uint64_t start,
                        uint64_t* id, int64_t* code) {
  uint64_t v[2];
  for (uint64_t& r : v) {
    if (*p == end) return false;
    uint8_t b = static_cast<uint8_t>(*(*p)++);
    r = b & 0x7F;
    for (int shift = 7; b >= 0x80; shift += 7) {
      if (shift > 63 || *p == end) return false;
      b = static_cast<uint8_t>(*(*p)++);
      r |= static_cast<uint64_t>(b & 0x7F) << shift;
    }
  }
  if (v[0] >= kPostingRange || *id + v[0] >= start + kPostingRange ||
      static_cast<int64_t>(v[1]) == kBlockCode) {
    return false;
  }
  *id += v[0];
  *code = static_cast<int64_t>(v[1]);
  return true;
}

absl::Status MalformedBlock(absl::string_view key) {
  return absl::DataLossError(
      absl::StrCat("malformed posting block ", DescribeKey(key)));
}

}  // namespace

bool ParsePostingKey(absl::string_view key, absl::string_view* head, Posting* p,
                     bool* block) {
  if (key.size() < kPostingTail) return false;
  absl::string_view tail = key.substr(key.size() - kPostingTail);
  if (static_cast<uint8_t>(tail[0]) != kTagUint64 ||
      static_cast<uint8_t>(tail[9]) != kTagInt64) {
    return false;
  }
  p->id = LoadU64(tail.data() + 1);
  p->code = static_cast<int64_t>(LoadU64(tail.data() + 10) ^ kSign);
  if (LoadU64(tail.data() + 18) != p->id) return false;
  *head = key.substr(0, key.size() - kPostingTail);
  *block = p->code == kBlockCode;
  return true;
}

std::string PostingKey(absl::string_view head, Posting p) {
  std::string k;
  k.reserve(head.size() + kPostingTail);
  k.append(head.data(), head.size());
  PutUint64(&k, p.id);
  PutInt64(&k, p.code);
  PutU64(&k, p.id);
  return k;
}

std::string PostingBlockKey(absl::string_view head, uint64_t id) {
  return PostingKey(head, {PostingRangeStart(id), kBlockCode});
}

std::string EncodePostings(absl::Span<const Posting> postings) {
  std::string out;
  if (postings.empty()) return out;
  out.reserve(postings.size() * 5);
  uint64_t prev = PostingRangeStart(postings.front().id);
  for (const Posting& p : postings) {
    PutVarint(&out, p.id - prev);
    PutVarint(&out, static_cast<uint64_t>(p.code));
    prev = p.id;
  }
  return out;
}

absl::Status DecodePostings(absl::string_view key, uint64_t start,
                            absl::string_view value,
                            std::vector<Posting>* out) {
  Posting p{start, 0};
  const char* at = value.data();
  const char* const end = at + value.size();
  while (at != end) {
    if (!NextInBlock(&at, end, start, &p.id, &p.code)) {
      return MalformedBlock(key);
    }
    out->push_back(p);
  }
  return absl::OkStatus();
}

absl::Status PostingsAt(absl::string_view key, absl::string_view value,
                        std::vector<Posting>* out) {
  absl::string_view head;
  Posting p;
  bool block = false;
  if (!ParsePostingKey(key, &head, &p, &block)) {
    return absl::DataLossError(
        absl::StrCat("malformed posting entry ", DescribeKey(key)));
  }
  if (!block) {
    out->push_back(p);
    return absl::OkStatus();
  }
  return DecodePostings(key, p.id, value, out);
}

absl::Status PostingPacker::Add(absl::string_view head, Posting p) {
  if (!postings_.empty() &&
      (head != head_ || PostingRangeStart(p.id) != start_)) {
    absl::Status st = Flush();
    if (!st.ok()) return st;
  }
  if (postings_.empty()) {
    head_.assign(head.data(), head.size());
    start_ = PostingRangeStart(p.id);
  }
  postings_.push_back(p);
  return absl::OkStatus();
}

absl::Status PostingPacker::Flush() {
  if (postings_.empty()) return absl::OkStatus();
  const std::string key = PostingBlockKey(head_, start_);
  if (existing_ != nullptr) {
    absl::StatusOr<std::vector<Posting>> there = existing_(key);
    if (!there.ok()) return there.status();
    if (!there->empty()) {
      there->insert(there->end(), postings_.begin(), postings_.end());
      std::sort(there->begin(), there->end());
      there->erase(std::unique(there->begin(), there->end()), there->end());
      postings_ = *std::move(there);
    }
  }
  absl::Status st = put_(key, EncodePostings(postings_));
  postings_.clear();
  return st;
}

PostingCursor::PostingCursor(std::unique_ptr<leveldb::Iterator> it,
                             std::string head)
    : owned_(std::move(it)), it_(owned_.get()), head_(std::move(head)) {}

PostingCursor::PostingCursor(leveldb::Iterator* borrowed, std::string head)
    : it_(borrowed), head_(std::move(head)) {}

absl::Status PostingCursor::status() const {
  if (!status_.ok()) return status_;
  leveldb::Status s = it_->status();
  if (s.ok()) return absl::OkStatus();
  return absl::DataLossError(absl::StrCat("reading postings: ", s.ToString()));
}

bool PostingCursor::ParseIt() {
  if (it_known_) return status_.ok();
  it_known_ = true;
  it_have_ = status_.ok() && it_->Valid() &&
             it_->key().starts_with(leveldb::Slice(head_));
  it_block_ = false;
  if (!it_have_) return status_.ok();
  absl::string_view key(it_->key().data(), it_->key().size());
  absl::string_view head;
  if (!ParsePostingKey(key, &head, &it_posting_, &it_block_) || head != head_) {
    // A longer head sharing this one's bytes cannot occur (components are
    // terminated), so this is a malformed key.
    status_ = absl::DataLossError(
        absl::StrCat("malformed posting entry ", DescribeKey(key)));
    it_have_ = false;
    return false;
  }
  return true;
}

void PostingCursor::NextIt() {
  it_->Next();
  it_known_ = false;
}

void PostingCursor::SeekIt(const std::string& key) {
  it_->Seek(key);
  it_known_ = false;
}

bool PostingCursor::NextInBuf() {
  if (block_at_ == block_end_) {
    have_buf_ = false;
    return true;
  }
  if (!NextInBlock(&block_at_, block_end_, block_start_, &buf_.id,
                   &buf_.code)) {
    // The block key is the one the cursor read it from (ParsePostingKey
    // checked that it is exactly this).
    status_ = MalformedBlock(PostingBlockKey(head_, block_start_));
    DropBuf();
    return false;
  }
  have_buf_ = true;
  return true;
}

void PostingCursor::SkipBufBelow(const Posting& target) {
  while (have_buf_ && buf_ < target && NextInBuf()) {
  }
}

void PostingCursor::DropBuf() {
  have_buf_ = false;
  block_at_ = block_end_ = nullptr;
}

void PostingCursor::Fill() {
  for (;;) {
    const bool have_buf = have_buf_;
    if (!ParseIt()) {
      valid_ = false;
      return;
    }
    const bool have_it = it_have_;
    const Posting& p = it_posting_;
    const bool block = it_block_;
    // A block's postings all come before the next block's key and after its
    // own key, so the buffer is always emptied before the next block.
    if (have_it && block && !have_buf) {
      // Decoded one posting at a time as the cursor moves: a reader that
      // stops early (the fuzzy tier reads a list's first ids) does not pay
      // for a whole range. The value is copied, as the iterator moves on to
      // the entries that merge with it.
      block_.assign(it_->value().data(), it_->value().size());
      block_at_ = block_.data();
      block_end_ = block_at_ + block_.size();
      block_start_ = p.id;
      buf_ = {p.id, 0};
      NextIt();
      if (!NextInBuf()) {
        valid_ = false;
        return;
      }
      continue;
    }
    if (have_buf && (!have_it || block || buf_ < p)) {
      cur_ = buf_;
      from_buf_ = true;
      valid_ = true;
      return;
    }
    valid_ = have_it;
    from_buf_ = false;
    if (have_it) cur_ = p;
    return;
  }
}

void PostingCursor::Next() {
  if (!valid_) return;
  if (from_buf_) {
    NextInBuf();  // Fill reports a malformed rest of the block.
  } else {
    NextIt();
  }
  Fill();
}

void PostingCursor::Seek(uint64_t id) {
  if (valid_ && cur_.id >= id) return;
  if (!status_.ok()) return;
  const Posting target{id, kBlockCode};
  bool reseek = !positioned_;
  if (!reseek) {
    // Drop the buffered postings below the target, then step over the keys
    // that hold only postings below it without decoding them: where the
    // list is dense the next keys are in the same table block, and a step
    // costs far less than a seek.
    SkipBufBelow(target);
    int steps = 0;
    for (; steps < kSeekSteps; ++steps) {
      if (!ParseIt() || !it_have_) break;  // Fill reports a malformed key.
      if (it_block_ ? it_posting_.id + kPostingRange > id
                    : it_posting_.id >= id) {
        break;
      }
      NextIt();
    }
    reseek = steps == kSeekSteps;
  }
  if (reseek) {
    positioned_ = true;
    DropBuf();
    SeekIt(PostingBlockKey(head_, id));
    if (ParseIt() && it_have_ && !it_block_ && it_posting_.id < id) {
      // No block for the range: go straight to the id.
      SeekIt(PostingKey(head_, target));
    }
  }
  Fill();
  if (valid_ && from_buf_ && cur_.id < id) {
    // A block just reached holds the target's range.
    SkipBufBelow(target);
    Fill();
  }
  while (valid_ && cur_.id < id) Next();
}

}  // namespace storage
}  // namespace qiaolian
