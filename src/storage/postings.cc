#include "src/storage/postings.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "src/storage/key_codec.h"

namespace qiaolian {
namespace storage {
namespace {

constexpr uint64_t kSign = uint64_t{1} << 63;

uint64_t ReadBigEndian(absl::string_view s) {
  uint64_t v = 0;
  for (size_t i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(s[i]);
  return v;
}

void PutVarint(std::string* out, uint64_t v) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7F) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

bool GetVarint(absl::string_view* in, uint64_t* v) {
  uint64_t r = 0;
  for (int shift = 0; shift <= 63 && !in->empty(); shift += 7) {
    const uint8_t b = static_cast<uint8_t>(in->front());
    in->remove_prefix(1);
    r |= static_cast<uint64_t>(b & 0x7F) << shift;
    if ((b & 0x80) == 0) {
      *v = r;
      return true;
    }
  }
  return false;
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
  p->id = ReadBigEndian(tail.substr(1));
  p->code = static_cast<int64_t>(ReadBigEndian(tail.substr(10)) ^ kSign);
  if (ReadBigEndian(tail.substr(18)) != p->id) return false;
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
  uint64_t id = start;
  while (!value.empty()) {
    uint64_t delta = 0, code = 0;
    if (!GetVarint(&value, &delta) || !GetVarint(&value, &code) ||
        delta >= kPostingRange || id + delta >= start + kPostingRange ||
        static_cast<int64_t>(code) == kBlockCode) {
      return absl::DataLossError(
          absl::StrCat("malformed posting block ", DescribeKey(key)));
    }
    id += delta;
    out->push_back({id, static_cast<int64_t>(code)});
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

void PostingCursor::Fill() {
  for (;;) {
    const bool have_buf = pos_ < buf_.size();
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
      buf_.clear();
      pos_ = 0;
      absl::string_view key(it_->key().data(), it_->key().size());
      status_ = DecodePostings(
          key, p.id,
          absl::string_view(it_->value().data(), it_->value().size()), &buf_);
      if (!status_.ok()) {
        valid_ = false;
        return;
      }
      NextIt();
      continue;
    }
    if (have_buf && (!have_it || block || buf_[pos_] < p)) {
      cur_ = buf_[pos_];
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
    ++pos_;
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
    pos_ = std::lower_bound(buf_.begin() + pos_, buf_.end(), target) -
           buf_.begin();
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
    buf_.clear();
    pos_ = 0;
    SeekIt(PostingBlockKey(head_, id));
    if (ParseIt() && it_have_ && !it_block_ && it_posting_.id < id) {
      // No block for the range: go straight to the id.
      SeekIt(PostingKey(head_, target));
    }
  }
  Fill();
  if (valid_ && from_buf_ && cur_.id < id) {
    // A block just decoded holds the target's range.
    pos_ = std::lower_bound(buf_.begin() + pos_, buf_.end(), target) -
           buf_.begin();
    Fill();
  }
  while (valid_ && cur_.id < id) Next();
}

}  // namespace storage
}  // namespace qiaolian
