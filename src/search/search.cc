// Search (include/qiaolian/search.h) over the derived indexes of
// src/search/terms.h, tier by tier: exact and prefix (terms index), substring
// (trigram or bigram intersection, positions from the postings), pinyin
// (pinyin index), fuzzy (gram overlap). A tier runs only while fewer than
// `limit` hits are known, and each tier looks at a bounded number of entries
// (kTierCap), so latency does not grow with the store.
#include "qiaolian/search.h"

#include <algorithm>
#include <array>
#include <cstddef>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <memory_resource>
#include <numeric>
#include <optional>
#include <string>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/types/span.h"
#include "leveldb/db.h"
#include "qiaolian/query.h"
#include "src/api/store_access.h"
#include "src/model/checks.h"
#include "src/model/phone.h"
#include "src/search/terms.h"
#include "src/storage/db.h"
#include "src/storage/key_codec.h"
#include "src/storage/postings.h"
#include "src/storage/pread_env.h"
#include "src/storage/row_codec.h"
#include "src/text/normalize.h"
#include "src/text/pinyin.h"
#include "src/util/status_macros.h"

namespace qiaolian {
namespace {

using search::CodePoints;
using search::Field;
using search::FieldBonus;
using search::PinyinForm;

enum class Tier { kExact, kPrefix, kSubstring, kPinyin, kFuzzy };

const char* TierName(Tier t) {
  switch (t) {
    case Tier::kExact:
      return "exact";
    case Tier::kPrefix:
      return "prefix";
    case Tier::kSubstring:
      return "substring";
    case Tier::kPinyin:
      return "pinyin";
    case Tier::kFuzzy:
      return "fuzzy";
  }
  return "";
}

// The best score of all: an exact match of the name.
constexpr int kTopScore = 100;
// The best scores of the pinyin and fuzzy tiers (the table in search.h).
constexpr int kMaxPinyinScore = 59;
constexpr int kMaxFuzzyScore = 39;

struct Candidate {
  uint64_t id = 0;
  int score = 0;
  Tier tier = Tier::kExact;
  Field field = Field::kName;
  // Extra words for the reason of a pinyin hit (a dialect surname), whose
  // other words come from `pinyin_form` and `pinyin_prefix` (put together
  // in Finish, for the hits returned only).
  std::string detail;
  // A fuzzy hit: it shares `shared` of the query's `grams` n-grams.
  uint16_t shared = 0, grams = 0;
  PinyinForm pinyin_form = PinyinForm::kFull;
  bool pinyin_prefix = false;  // The query is the start of the pinyin.
  // Index in SearchableTexts() of the text that matched, when known.
  int slot = -1;
  // The text that matched, as stored, when the index entry holds it (no
  // row read for the hit).
  std::optional<std::string> text;
};

// Entries of one group of a terms or pinyin scan (same text, same field or
// pinyin code) have the same score and come in order of stored text, then
// id: after `limit` of them the rest of the group cannot be returned (among
// equal scores the first by stored text and id are), and the scan seeks
// past it.
class GroupCap {
 public:
  explicit GroupCap(size_t limit) : limit_(limit) {}

  // Counts an entry of `group` (the key up to its stored text); true when
  // the group already gave `limit` entries (this one is not used).
  bool Full(absl::string_view group) {
    if (n_ == 0 || group != group_) {
      group_.assign(group.data(), group.size());
      n_ = 0;
    }
    return ++n_ > limit_;
  }

  // Whether the entry just counted is the first of its group.
  bool First() const { return n_ == 1; }

  // A key after every entry of the current group (the next component
  // starts with a type tag below 0xFF).
  std::string Next() const { return group_ + '\xff'; }

 private:
  size_t limit_;
  std::string group_;
  size_t n_ = 0;
};

// An entry of the terms or pinyin index: string text, int64 field (or
// pinyin code), string stored text, then the id.
struct ScanEntry {
  std::string value;
  int64_t code = 0;
  std::string stored;
  uint64_t id = 0;
  absl::string_view group;  // The key up to the stored text (GroupCap).
};

// DATA_LOSS for a search index entry that does not parse.
absl::Status MalformedEntry(absl::string_view key) {
  return absl::DataLossError(
      absl::StrCat("malformed search entry ", storage::DescribeKey(key)));
}

// Parses `key` into `*e` (whose strings keep their capacity from one entry
// of a scan to the next).
absl::Status ParseScanEntry(absl::string_view key, size_t base_size,
                            ScanEntry* e) {
  absl::string_view rest = key.substr(base_size);
  storage::Direction dir;
  bool ok = storage::GetString(&rest, &e->value, &dir) &&
            storage::GetInt64(&rest, &e->code, &dir);
  e->group = key.substr(0, key.size() - rest.size());
  ok = ok && storage::GetString(&rest, &e->stored, &dir) &&
       storage::GetU64(&rest, &e->id);
  return ok ? absl::OkStatus() : MalformedEntry(key);
}

// A set of up to 128 grams of a query (one bit each). Counted with a
// branch-free bit count inline: std::bitset::count calls libgcc's
// __popcountdi2 per word where the target lacks a popcount instruction, and
// the fuzzy tier counts once per record and text.
class GramBits {
 public:
  void set(size_t i) { w_[i / 64] |= uint64_t{1} << (i % 64); }
  GramBits& operator|=(const GramBits& o) {
    w_[0] |= o.w_[0];
    w_[1] |= o.w_[1];
    return *this;
  }
  size_t count() const {
    return Count(w_[0]) + (w_[1] == 0 ? 0 : Count(w_[1]));
  }

 private:
  static size_t Count(uint64_t x) {
    x -= (x >> 1) & 0x5555555555555555u;
    x = (x & 0x3333333333333333u) + ((x >> 2) & 0x3333333333333333u);
    x = (x + (x >> 4)) & 0x0F0F0F0F0F0F0F0Fu;
    return static_cast<size_t>((x * 0x0101010101010101u) >> 56);
  }
  uint64_t w_[2] = {0, 0};
};

class Searcher {
 public:
  // Reads at `at` when given, else at a snapshot of its own.
  Searcher(const Store& store, Kind kind, const SearchOptions& options,
           const leveldb::Snapshot* at = nullptr)
      : db_(internal::StoreAccess::Db(store)),
        snap_(db_.raw()),
        at_(at != nullptr ? at : snap_.get()),
        kind_(kind),
        options_(options),
        cap_(std::max<size_t>(options.limit * 4, 64)) {
    ro_.snapshot = at_;
    // Cold reads (cold_): a search reads most of its blocks once.
    ro_.fill_cache = false;
    it_.reset(db_.raw()->NewIterator(ro_));
    const bool person = kind == v1::KIND_PERSON;
    terms_ = person ? search::kPersonTerms : search::kEnterpriseTerms;
    grams_ = person ? search::kPersonGrams : search::kEnterpriseGrams;
    pinyin_ = person ? search::kPersonPinyin : search::kEnterprisePinyin;
    texts_ = person ? search::kPersonTexts : search::kEnterpriseTexts;
    trigrams_ = person ? search::kPersonTrigrams : search::kEnterpriseTrigrams;
    short_prefixes_ = person ? search::kPersonShortPrefixes
                             : search::kEnterpriseShortPrefixes;
  }

  absl::StatusOr<std::vector<SearchHit>> Run(absl::string_view query) {
    normalized_ = text::Normalize(query);
    compact_ = text::Compact(normalized_);
    if (compact_.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("search text \"", query,
                       "\" has no letters, digits or Chinese characters"));
    }
    QL_RETURN_IF_ERROR(Terms());
    if (Enough()) return Finish();
    if (search::IsPinyinLike(compact_)) {
      // Latin letters: most likely pinyin, so that tier is looked at before
      // substrings of Latin names; n-gram fuzziness is for Chinese text.
      if (Reachable(kMaxPinyinScore)) QL_RETURN_IF_ERROR(PinyinTier());
      if (!best_.empty()) return Finish();
      QL_RETURN_IF_ERROR(Substrings());
      return Finish();
    }
    QL_RETURN_IF_ERROR(Substrings());
    if (Enough() || !Reachable(kMaxPinyinScore)) return Finish();
    QL_RETURN_IF_ERROR(PinyinTier());
    if (Enough() || !Reachable(kMaxFuzzyScore)) return Finish();
    QL_RETURN_IF_ERROR(Fuzzy());
    return Finish();
  }

 private:
  bool Enough() const { return best_.size() >= options_.limit; }
  // Whether a tier whose best score is `max` can return anything.
  bool Reachable(int max) const { return max >= options_.min_score; }

  void Offer(Candidate c) {
    if (c.score <= 0 || c.score < options_.min_score) return;
    // Moved, never copied: a candidate carries strings (text, detail).
    auto it = best_.lower_bound(c.id);
    if (it == best_.end() || it->first != c.id) {
      best_.emplace_hint(it, c.id, std::move(c));
    } else if (it->second.score < c.score) {
      it->second = std::move(c);
    }
  }

  bool Has(uint64_t id) const { return best_.count(id) != 0; }

  // Whether `limit` candidates already score above `score`: a hit scoring
  // `score` cannot be returned (hits rank by score, then id), now or later
  // (a candidate's score only rises).
  bool Beaten(int score) const {
    size_t above = 0;
    for (const auto& [id, c] : best_) {
      if (c.score > score && ++above >= options_.limit) return true;
    }
    return false;
  }

  absl::Status IterStatus(const char* what) {
    return storage::FromLevelDb(it_->status(), what);
  }

  // Exact and prefix matches in the terms index: keys
  // prefix(terms) string(value) int64(field) string(stored) id. A query of
  // at most kMaxShortPrefixChars characters takes only its exact matches
  // from there, and its prefix matches from the short-prefixes index.
  absl::Status Terms() {
    const std::string base = storage::IndexPrefix(terms_);
    const size_t query_chars = CodePoints(compact_);
    const bool short_query = query_chars <= search::kMaxShortPrefixChars;
    std::string start = base;
    storage::PutString(&start, compact_);
    if (!short_query) start.resize(start.size() - 2);  // No terminator.
    size_t seen = 0, top_exact = 0;
    PrefixMatches prefix(options_.limit);
    GroupCap group(options_.limit);
    ScanEntry e;
    for (it_->Seek(start);
         it_->Valid() && it_->key().starts_with(start) && seen < cap_ * 4;
         ++seen) {
      QL_RETURN_IF_ERROR(ParseScanEntry(
          absl::string_view(it_->key().data(), it_->key().size()), base.size(),
          &e));
      if (group.Full(e.group)) {
        it_->Seek(group.Next());
        continue;
      }
      it_->Next();
      const std::string& v = e.value;
      Candidate c;
      c.id = e.id;
      c.field = static_cast<Field>(e.code);
      if (v.size() == compact_.size()) {
        c.tier = Tier::kExact;
        c.score = 90 + FieldBonus(c.field);
      } else {
        c.tier = Tier::kPrefix;
        c.score = search::PrefixScore(c.field, query_chars, CodePoints(v));
        if (!prefix.Wants(c.score, c.id)) continue;
      }
      // Empty: the stored text is the compact one.
      c.text = e.stored.empty() ? v : std::move(e.stored);
      if (c.tier == Tier::kExact) {
        top_exact += c.score == kTopScore;
        Offer(std::move(c));
        // Exact matches in the name field come first, in id order, with
        // the highest score: once `limit` of them are known, nothing later
        // in the scan (or in another tier) can rank above them.
        if (top_exact >= options_.limit) break;
      } else {
        prefix.Add(std::move(c));
      }
    }
    QL_RETURN_IF_ERROR(IterStatus("searching terms"));
    if (short_query && top_exact < options_.limit) {
      QL_RETURN_IF_ERROR(ShortPrefixes(&prefix));
    }
    prefix.OfferTo(this);
    return absl::OkStatus();
  }

  // The prefix matches of a terms scan that can still be returned: the
  // best `limit` by score, then id, one per record. A match outside them
  // cannot be (`limit` records rank above it, and their scores only rise),
  // so a short query whose prefix matches are thousands (zh: every Latin
  // name starting with zh) keeps tens of them, not the scan's hundreds.
  // Above kMaxKept, every match is kept (the search's candidates by id
  // sort them out, as they do the other tiers').
  class PrefixMatches {
   public:
    explicit PrefixMatches(size_t limit) : limit_(limit) {}

    // Whether a match of `score` for record `id` would be kept (Add).
    bool Wants(int score, uint64_t id) const {
      if (limit_ > kMaxKept) return true;
      for (const Candidate& k : kept_) {
        if (k.id == id) return score > k.score;
      }
      return kept_.size() < limit_ || Before(score, id, kept_[worst_]);
    }

    // Adds `c`, which Wants.
    void Add(Candidate c) {
      if (limit_ > kMaxKept) {
        kept_.push_back(std::move(c));
        return;
      }
      auto same =
          std::find_if(kept_.begin(), kept_.end(),
                       [&c](const Candidate& k) { return k.id == c.id; });
      if (same != kept_.end()) {
        *same = std::move(c);
      } else if (kept_.size() < limit_) {
        kept_.push_back(std::move(c));
      } else {
        kept_[worst_] = std::move(c);
      }
      worst_ = 0;
      for (size_t i = 1; i < kept_.size(); ++i) {
        const Candidate& a = kept_[i];
        if (!Before(a.score, a.id, kept_[worst_])) worst_ = i;
      }
    }

    void OfferTo(Searcher* s) {
      for (Candidate& c : kept_) s->Offer(std::move(c));
    }

   private:
    static constexpr size_t kMaxKept = 64;

    // Whether (score, id) ranks before `c`: higher score, then lower id.
    static bool Before(int score, uint64_t id, const Candidate& c) {
      return score != c.score ? score > c.score : id < c.id;
    }

    size_t limit_;
    std::vector<Candidate> kept_;
    size_t worst_ = 0;
  };

  // Prefix matches of a short query: keys prefix(short_prefixes)
  // string(query) int64(rank) uint64(id) int64(field) int64(slot)
  // string(shown) id, in order of score (best first), then id. Once `limit`
  // records are known, every later entry ranks after them, or is a lesser
  // match of one of them.
  absl::Status ShortPrefixes(PrefixMatches* prefix) {
    std::string start = storage::IndexPrefix(short_prefixes_);
    storage::PutString(&start, compact_);
    std::vector<uint64_t> records;  // Sorted.
    size_t seen = 0;
    int64_t rank = 0, field = 0, slot = 0;
    uint64_t id = 0;
    std::string shown;
    for (it_->Seek(start); it_->Valid() && it_->key().starts_with(start) &&
                           records.size() < options_.limit && seen < cap_ * 4;
         it_->Next(), ++seen) {
      absl::string_view rest(it_->key().data() + start.size(),
                             it_->key().size() - start.size());
      storage::Direction dir;
      if (!storage::GetInt64(&rest, &rank, &dir) ||
          !storage::GetUint64(&rest, &id, &dir) ||
          !storage::GetInt64(&rest, &field, &dir) ||
          !storage::GetInt64(&rest, &slot, &dir) ||
          !storage::GetString(&rest, &shown, &dir) || rank < 0 ||
          rank > search::kMaxPrefixScore || slot < 0) {
        return MalformedEntry(
            absl::string_view(it_->key().data(), it_->key().size()));
      }
      auto at = std::lower_bound(records.begin(), records.end(), id);
      if (at == records.end() || *at != id) records.insert(at, id);
      const int score = search::kMaxPrefixScore - static_cast<int>(rank);
      if (score < options_.min_score) break;  // So is every later entry.
      if (!prefix->Wants(score, id)) continue;
      Candidate c;
      c.id = id;
      c.tier = Tier::kPrefix;
      c.field = static_cast<Field>(field);
      c.score = score;
      if (slot <= static_cast<int64_t>(search::kMaxGramSlot)) {
        c.slot = static_cast<int>(slot);  // A slot of the texts index.
      }
      // Empty: an address, shown from the texts index (Finish).
      if (!shown.empty()) c.text = std::move(shown);
      prefix->Add(std::move(c));
    }
    return IterStatus("searching short prefixes");
  }

  // The row of `id`, read once per search.
  absl::StatusOr<const google::protobuf::Message*> Row(uint64_t id) {
    auto cached = rows_.find(id);
    if (cached != rows_.end()) return cached->second.get();
    QL_ASSIGN_OR_RETURN(std::unique_ptr<google::protobuf::Message> m,
                        ReadRow(id));
    const google::protobuf::Message* p = m.get();
    rows_.emplace(id, std::move(m));
    return p;
  }

  absl::StatusOr<std::unique_ptr<google::protobuf::Message>> ReadRow(
      uint64_t id) {
    std::unique_ptr<google::protobuf::Message> m = NewRecord(kind_);
    QL_ASSIGN_OR_RETURN(std::optional<std::string> row,
                        db_.Get(storage::RowKey(kind_, id), at_));
    if (!row.has_value()) {
      return absl::DataLossError(absl::StrCat("search entry for missing ",
                                              KindName(kind_), " ", id,
                                              "; run verify"));
    }
    QL_RETURN_IF_ERROR(storage::DecodeRow(db_, kind_, id, *row, m.get()));
    return m;
  }

  // Posting list of one gram: postings in ascending id order (several for
  // one id: one per occurrence), from blocks and single entries alike.
  struct Postings {
    std::unique_ptr<storage::PostingCursor> cursor;
    bool Valid() const { return cursor->Valid(); }
    uint64_t Id() const { return cursor->posting().id; }
    search::GramCode Code() const {
      return search::GramCode::Decode(cursor->posting().code);
    }
    void Next() { cursor->Next(); }
    // Moves to the first posting with an id >= `id`.
    void SeekTo(uint64_t id) { cursor->Seek(id); }
    absl::Status status() const { return cursor->status(); }
  };

  // A list read through `it_` (borrowed: no other reader may move `it_`
  // while it is in use) or, when it must be read alongside others, through
  // an iterator of its own.
  Postings Open(uint16_t index, const std::string& gram, bool shared) {
    std::string head = storage::IndexPrefix(index);
    storage::PutString(&head, gram);
    Postings p;
    if (shared) {
      p.cursor =
          std::make_unique<storage::PostingCursor>(it_.get(), std::move(head));
    } else {
      p.cursor = std::make_unique<storage::PostingCursor>(
          std::unique_ptr<leveldb::Iterator>(db_.raw()->NewIterator(ro_)),
          std::move(head));
    }
    p.cursor->Seek(0);
    return p;
  }

  // Records whose texts contain the query: ids having every gram of the
  // query (leapfrog intersection), then the grams' positions must line up
  // in one text; no row is read. Three or more Han characters are looked
  // up by trigrams (short lists), other queries by bigrams.
  absl::Status Substrings() {
    // The distinct grams of the query and where each occurs in it.
    std::vector<std::string> grams;
    std::vector<std::vector<size_t>> offsets;
    auto add = [&](std::string gram, size_t pos) {
      auto at = std::find(grams.begin(), grams.end(), gram);
      if (at == grams.end()) {
        grams.push_back(std::move(gram));
        offsets.push_back({pos});
      } else {
        offsets[at - grams.begin()].push_back(pos);
      }
    };
    const std::u32string cps = text::ToU32(compact_);
    const size_t n = cps.size();
    uint16_t index = grams_;
    if (n >= 3 && n <= search::kMaxGramChars &&
        std::all_of(cps.begin(), cps.end(), text::IsHan)) {
      // Trigrams that cover every character (at 0, 3, 6, ... and the
      // last three): where they all line up, the text holds the query.
      index = trigrams_;
      for (size_t pos = 0;; pos = std::min(pos + 3, n - 3)) {
        std::string g;
        for (size_t k = 0; k < 3; ++k) text::AppendUtf8(cps[pos + k], &g);
        add(std::move(g), pos);
        if (pos == n - 3) break;
      }
    } else if (n == 1) {
      if (!text::IsHan(cps[0])) return absl::OkStatus();
      add(compact_, 0);
    } else {
      for (search::PositionedGram& g : search::PositionedGrams(compact_)) {
        if (CodePoints(g.gram) == 2) add(std::move(g.gram), g.pos);
      }
    }
    if (grams.empty()) return absl::OkStatus();
    std::vector<Postings> lists;
    for (const std::string& g : grams) {
      // The first list shares `it_`; the others are read alongside it.
      lists.push_back(Open(index, g, /*shared=*/lists.empty()));
    }
    // As many hits as the result still lacks, plus a few to rank among (ids
    // come in id order, not by closeness).
    const size_t want = options_.limit - best_.size() + 4;
    size_t found = 0, checked = 0;
    const size_t max_checked = want * 16;
    std::vector<std::vector<search::GramCode>> codes(lists.size());
    while (found < want && checked < max_checked) {
      // Leapfrog: move every list to the largest current id until all agree.
      uint64_t target = 0;
      bool done = false;
      for (;;) {
        bool agree = true;
        for (Postings& p : lists) {
          if (!p.Valid()) {
            done = true;
            break;
          }
          if (p.Id() < target) p.SeekTo(target);
          if (!p.Valid()) {
            done = true;
            break;
          }
          if (p.Id() > target) {
            if (target != 0) agree = false;
            target = p.Id();
          }
        }
        if (done || agree) break;
      }
      if (done) break;
      // All lists are at `target`: read where each gram occurs.
      ++checked;
      for (size_t i = 0; i < lists.size(); ++i) {
        codes[i].clear();
        for (; lists[i].Valid() && lists[i].Id() == target; lists[i].Next()) {
          codes[i].push_back(lists[i].Code());
        }
      }
      if (Has(target)) continue;
      if (std::optional<search::GramCode> m = Adjacent(codes, offsets)) {
        Candidate c;
        c.id = target;
        c.tier = Tier::kSubstring;
        c.field = m->field;
        c.slot = static_cast<int>(m->slot);
        const double cover =
            static_cast<double>(n) /
            static_cast<double>(std::max<size_t>(m->length, n));
        c.score = 60 + FieldBonus(c.field) / 2 + static_cast<int>(cover * 9);
        Offer(std::move(c));
        ++found;
      }
    }
    for (Postings& p : lists) QL_RETURN_IF_ERROR(p.status());
    return absl::OkStatus();
  }

  // The best text (field, then share of the text covered) in which every
  // gram i occurs at start + offsets[i][k], from the occurrences `codes` of
  // one record; nullopt when the grams never line up.
  static std::optional<search::GramCode> Adjacent(
      const std::vector<std::vector<search::GramCode>>& codes,
      const std::vector<std::vector<size_t>>& offsets) {
    std::optional<search::GramCode> best;
    auto rank = [](const search::GramCode& g) {
      return FieldBonus(g.field) * 1000 - static_cast<int>(g.length);
    };
    for (const search::GramCode& first : codes[0]) {
      if (first.pos < offsets[0][0]) continue;
      const size_t start = first.pos - offsets[0][0];
      bool all = true;
      for (size_t i = 0; i < codes.size() && all; ++i) {
        for (size_t off : offsets[i]) {
          const bool at = std::any_of(
              codes[i].begin(), codes[i].end(), [&](const search::GramCode& c) {
                return c.slot == first.slot && c.pos == start + off;
              });
          if (!at) {
            all = false;
            break;
          }
        }
      }
      if (all && (!best.has_value() || rank(first) > rank(*best))) {
        best = first;
      }
    }
    return best;
  }

  // One scan of the pinyin index for `value` (whole component when
  // `exact`, else as a prefix); `score(form, field, cover)` gives the score
  // (0: no match), which for an exact scan must not rise from one group of
  // the pinyin to the next (in the order of PinyinCode: ExactPinyinScore,
  // best first).
  absl::Status ScanPinyin(
      const std::string& value, bool exact,
      const std::function<int(PinyinForm, Field, double)>& score,
      const std::string& detail_prefix) {
    const std::string base = storage::IndexPrefix(pinyin_);
    std::string start = base;
    storage::PutString(&start, value);
    if (!exact) start.resize(start.size() - 2);
    size_t seen = 0;
    GroupCap group(options_.limit);
    ScanEntry e;
    for (it_->Seek(start);
         it_->Valid() && it_->key().starts_with(start) && seen < cap_ * 4;
         ++seen) {
      QL_RETURN_IF_ERROR(ParseScanEntry(
          absl::string_view(it_->key().data(), it_->key().size()), base.size(),
          &e));
      const PinyinForm form = search::PinyinCodeForm(e.code);
      const Field field = search::PinyinCodeField(e.code);
      const std::string& s = e.value;
      // One score for a whole group (same pinyin, field and form).
      const int entry_score =
          score(form, field,
                static_cast<double>(value.size()) /
                    static_cast<double>(std::max<size_t>(s.size(), 1)));
      // Past the group's first `limit` entries, or a group none of whose
      // entries can be returned: seek past it (the names of people who
      // share initials are thousands; only the best `limit` are read).
      if (group.Full(e.group)) {
        it_->Seek(group.Next());
        continue;
      }
      if (group.First() && (entry_score <= 0 || Beaten(entry_score))) {
        // An exact scan reads one pinyin, whose groups come best first
        // (PinyinCode): none after this one can rank either.
        if (exact) break;
        it_->Seek(group.Next());
        continue;
      }
      it_->Next();
      Candidate c;
      c.id = e.id;
      c.tier = Tier::kPinyin;
      c.field = field;
      c.text = std::move(e.stored);
      const bool is_exact = s.size() == value.size();
      c.score = entry_score;
      c.pinyin_form = form;
      c.pinyin_prefix = !is_exact;
      c.detail = detail_prefix;
      Offer(std::move(c));
    }
    return IterStatus("searching pinyin");
  }

  absl::Status PinyinTier() {
    if (search::IsPinyinLike(compact_)) {
      QL_RETURN_IF_ERROR(ScanPinyin(
          compact_, /*exact=*/true,
          [](PinyinForm f, Field field, double) {
            return search::ExactPinyinScore(f, field);
          },
          ""));
      if (Enough()) return absl::OkStatus();
      // A dialect or Wade-Giles surname: "tan wei ming" is also chen wei
      // ming (陈伟明), "lim" lin (林).
      for (const std::string& v : text::DialectSurnameVariants(normalized_)) {
        // As a prefix, so that the surname alone ("lim") finds 林伟.
        QL_RETURN_IF_ERROR(ScanPinyin(
            v, /*exact=*/false,
            [](PinyinForm f, Field field, double cover) {
              return f == PinyinForm::kFull ? 45 + FieldBonus(field) / 2 +
                                                  static_cast<int>(cover * 6)
                                            : 0;
            },
            absl::StrCat("dialect surname (", v, "), ")));
        if (Enough()) return absl::OkStatus();
      }
      if (compact_.size() >= 2) {
        QL_RETURN_IF_ERROR(ScanPinyin(
            compact_, /*exact=*/false,
            [](PinyinForm f, Field field, double cover) {
              const int bonus = FieldBonus(field) / 4;
              return (f == PinyinForm::kInitials ? 38 : 40) + bonus +
                     static_cast<int>(cover * 6);
            },
            ""));
      }
      return absl::OkStatus();
    }
    // A Chinese query: records whose name sounds the same.
    text::Pinyin p = text::ToPinyin(normalized_, kind_ == v1::KIND_PERSON);
    if (!p.has_han) return absl::OkStatus();
    const std::string full = p.Full();
    return ScanPinyin(
        full, /*exact=*/true,
        [](PinyinForm f, Field field, double) {
          return f == PinyinForm::kFull ? 50 + FieldBonus(field) / 2 : 0;
        },
        "same sound, ");
  }

  // A record that shares `n` of the query's n-grams, in the text of `slot`
  // (whose text the index entry gave, when it did).
  struct FuzzyMatch {
    size_t n = 0;
    uint64_t id = 0;
    size_t slot = 0;
    Field field = Field::kName;
    std::optional<std::string> text;
  };

  // How many of `grams` n-grams a fuzzy match shares at least: 60 %.
  static size_t FuzzyNeed(size_t grams) {
    return std::max<size_t>(2, (grams * 6 + 9) / 10);
  }

  // Offers the first `room` of `matches` (most n-grams shared, then lowest
  // id) as fuzzy hits of a query of `grams` n-grams.
  void OfferFuzzy(std::vector<FuzzyMatch> matches, size_t grams, size_t room) {
    // Ranked by index: a match carries a string, costly to swap.
    std::vector<uint32_t> order(matches.size());
    std::iota(order.begin(), order.end(), 0u);
    auto before = [&matches](uint32_t x, uint32_t y) {
      const FuzzyMatch& a = matches[x];
      const FuzzyMatch& b = matches[y];
      return a.n != b.n ? a.n > b.n : a.id < b.id;
    };
    const size_t n = std::min(room, order.size());
    std::partial_sort(order.begin(), order.begin() + n, order.end(), before);
    order.resize(n);
    for (uint32_t i : order) {
      FuzzyMatch& m = matches[i];
      Candidate c;
      c.id = m.id;
      c.tier = Tier::kFuzzy;
      c.field = m.field;
      c.slot = static_cast<int>(m.slot);
      c.text = std::move(m.text);
      c.score = 5 + static_cast<int>(34.0 * static_cast<double>(m.n) /
                                     static_cast<double>(grams));
      c.shared = static_cast<uint16_t>(m.n);
      c.grams = static_cast<uint16_t>(grams);
      Offer(std::move(c));
    }
  }

  absl::Status Fuzzy() {
    std::vector<std::string> grams = search::Grams(compact_);
    if (grams.size() < 2) return absl::OkStatus();
    if (kind_ == v1::KIND_PERSON) {
      const std::u32string cps = text::ToU32(compact_);
      if (cps.size() >= 3 && cps.size() <= search::kMaxGramChars &&
          std::all_of(cps.begin(), cps.end(), text::IsHan)) {
        return FuzzyNames(grams);
      }
    }
    // Ids read from the start of each bigram's list, and of each single
    // character's: those lists are long (every 陈 of the store's names; an
    // address's single characters are not indexed) and only serve records
    // that share scattered characters, as 陈大伟 does 陈伟. Among records
    // sharing as many grams, the lowest ids come first: the first `room`
    // ids of every bigram list that are not hits of earlier tiers hold
    // those of one bigram, and only those are read. (Twice as many, at
    // least 16, read 10 % more instructions for the same answers to the
    // benchmark's 1,000 names; four times, at least 64, twice the blocks:
    // bench/RESULTS.md.)
    const size_t room = options_.limit - best_.size();
    constexpr size_t kCharListCap = 32;
    // Grams() takes at most kMaxGramChars characters: at most 2 * 64 - 1
    // distinct grams, one bit each.
    static_assert(2 * search::kMaxGramChars <= 128);
    using GramSet = GramBits;
    // The grams a posting of each list shows: its own and, for a bigram XY,
    // the query characters X and Y (a text with XY has them too).
    // Each list's first `cap` ids (all their postings) are read one list
    // after another through the shared iterator, then merged in memory:
    // the same postings a merge of open cursors would take, without an
    // iterator per list.
    struct List {
      std::vector<storage::Posting> postings;
      size_t pos = 0;
      GramSet shows;
      bool Live() const { return pos < postings.size(); }
      uint64_t Id() const { return postings[pos].id; }
    };
    std::vector<List> lists(grams.size());
    for (size_t gi = 0; gi < grams.size(); ++gi) {
      List& l = lists[gi];
      l.shows.set(gi);
      const std::u32string cps = text::ToU32(grams[gi]);
      const bool bigram = cps.size() == 2;
      if (bigram) {
        for (char32_t c : cps) {
          std::string one;
          text::AppendUtf8(c, &one);
          auto at = std::find(grams.begin(), grams.end(), one);
          if (at != grams.end()) l.shows.set(at - grams.begin());
        }
      }
      Postings p = Open(grams_, grams[gi], /*shared=*/true);
      // Most ids have one or two postings.
      l.postings.reserve(2 * (bigram ? room : kCharListCap) + 2);
      // A bigram list: `room` ids that are not hits yet (at most `limit`
      // in all, as fewer than `limit` hits are known); a character's list:
      // its first kCharListCap ids.
      for (size_t ids = 0; p.Valid(); p.Next()) {
        const storage::Posting& posting = p.cursor->posting();
        if (l.postings.empty() || l.postings.back().id != posting.id) {
          if (ids == (bigram ? room : kCharListCap)) break;
          ids += !bigram || !Has(posting.id);
        }
        l.postings.push_back(posting);
      }
      QL_RETURN_IF_ERROR(p.status());
    }
    const size_t need = FuzzyNeed(grams.size());
    // Per record: how many of the query's grams it has, and the text that
    // shares the most of them. The lists are in id order: one merge, record
    // by record, with no sort.
    struct Text {
      size_t slot;
      Field field;
      GramSet has;
    };
    std::vector<FuzzyMatch> ranked;
    std::vector<Text> texts;  // Of one record, by slot.
    for (;;) {
      uint64_t id = std::numeric_limits<uint64_t>::max();
      for (const List& l : lists) {
        if (l.Live()) id = std::min(id, l.Id());
      }
      if (id == std::numeric_limits<uint64_t>::max()) break;
      texts.clear();
      GramSet all;
      for (List& l : lists) {
        if (!l.Live() || l.Id() != id) continue;
        for (; l.Live() && l.Id() == id; ++l.pos) {
          const search::GramCode c =
              search::GramCode::Decode(l.postings[l.pos].code);
          auto t = std::find_if(texts.begin(), texts.end(), [&](const Text& x) {
            return x.slot >= c.slot;
          });
          if (t == texts.end() || t->slot != c.slot) {
            t = texts.insert(t, Text{c.slot, c.field, GramSet()});
          }
          t->has |= l.shows;
        }
        all |= l.shows;
      }
      const size_t n = all.count();
      if (n < need || Has(id)) continue;
      FuzzyMatch r{n, id, 0, Field::kName, std::nullopt};
      size_t most = 0;
      for (const Text& t : texts) {
        // A record's only text has all its grams.
        const size_t has = texts.size() == 1 ? n : t.has.count();
        if (has > most) {
          most = has;
          r.slot = t.slot;
          r.field = t.field;
        }
      }
      ranked.push_back(std::move(r));
    }
    OfferFuzzy(std::move(ranked), grams.size(), room);
    return absl::OkStatus();
  }

  // The fuzzy tier of a person query of three or more Han characters: the
  // names that share a bigram with it (name-bigrams index), each with its
  // text, so that no hit needs a read of its own. As in Fuzzy, each
  // bigram's first `room` ids that are not hits yet are read, and records
  // rank by how many of the query's `grams` (bigrams and characters) one of
  // their names has (at least 60 %), then by id.
  absl::Status FuzzyNames(const std::vector<std::string>& grams) {
    const size_t room = options_.limit - best_.size();
    const size_t need = FuzzyNeed(grams.size());
    // By id (a few tens): the name that shares the most n-grams.
    std::vector<FuzzyMatch> found;
    found.reserve(2 * room);
    const std::string base = storage::IndexPrefix(search::kPersonNameBigrams);
    std::string compact, stored;
    for (const std::string& gram : grams) {
      if (CodePoints(gram) != 2) continue;
      std::string head = base;
      storage::PutString(&head, gram);
      size_t ids = 0;
      uint64_t last = 0;
      for (it_->Seek(head); it_->Valid() && it_->key().starts_with(head);
           it_->Next()) {
        absl::string_view rest(it_->key().data(), it_->key().size());
        rest.remove_prefix(head.size());
        uint64_t id = 0;
        int64_t slot = 0, field = 0;
        storage::Direction dir;
        if (!storage::GetUint64(&rest, &id, &dir) ||
            !storage::GetInt64(&rest, &slot, &dir) ||
            !storage::GetInt64(&rest, &field, &dir) ||
            !storage::GetString(&rest, &compact, &dir) ||
            !storage::GetString(&rest, &stored, &dir)) {
          return MalformedEntry(
              absl::string_view(it_->key().data(), it_->key().size()));
        }
        const bool hit = Has(id);
        if (id != last) {
          if (ids == room) break;
          ids += !hit;
          last = id;
        }
        if (hit) continue;
        size_t n = 0;
        for (const std::string& g : grams) {
          n += compact.find(g) != std::string::npos;
        }
        auto at =
            std::find_if(found.begin(), found.end(),
                         [id](const FuzzyMatch& f) { return f.id == id; });
        if (at == found.end()) {
          at = found.emplace(found.end());
          at->id = id;
        }
        FuzzyMatch& f = *at;
        if (n > f.n) {
          f.n = n;
          f.slot = static_cast<size_t>(slot);
          f.field = static_cast<Field>(field);
          f.text = stored.empty() ? compact : stored;
        }
      }
      QL_RETURN_IF_ERROR(IterStatus("searching name bigrams"));
    }
    found.erase(
        std::remove_if(found.begin(), found.end(),
                       [need](const FuzzyMatch& f) { return f.n < need; }),
        found.end());
    OfferFuzzy(std::move(found), grams.size(), room);
    return absl::OkStatus();
  }

  // The text of a hit in the texts index (by record and slot), nullopt
  // when it has none there (a record of a bulk load still running).
  absl::StatusOr<std::optional<std::string>> StoredText(const Candidate& c) {
    if (c.slot < 0) return std::nullopt;
    std::string k = storage::IndexPrefix(texts_);
    k.reserve(k.size() + 18);  // Two integer components: one allocation.
    storage::PutUint64(&k, c.id);
    storage::PutInt64(&k, c.slot);
    it_->Seek(k);
    if (!it_->Valid() || !it_->key().starts_with(k)) {
      QL_RETURN_IF_ERROR(
          storage::FromLevelDb(it_->status(), "reading search texts"));
      return std::nullopt;
    }
    absl::string_view rest(it_->key().data(), it_->key().size());
    rest.remove_prefix(k.size());
    storage::Component field, text;
    storage::Direction dir;
    if (!storage::GetComponent(&rest, &field, &dir) ||
        !storage::GetComponent(&rest, &text, &dir) ||
        !std::holds_alternative<int64_t>(field) ||
        !std::holds_alternative<std::string>(text)) {
      return MalformedEntry(
          absl::string_view(it_->key().data(), it_->key().size()));
    }
    if (std::get<int64_t>(field) != static_cast<int64_t>(c.field)) {
      return std::nullopt;
    }
    return std::move(std::get<std::string>(text));
  }

  absl::StatusOr<std::vector<SearchHit>> Finish() {
    // Ranked through pointers: a candidate is large (strings), and only the
    // first `limit` are used.
    std::vector<Candidate*> all;
    all.reserve(best_.size());
    for (auto& [id, c] : best_) all.push_back(&c);
    auto before = [](const Candidate* a, const Candidate* b) {
      return a->score != b->score ? a->score > b->score : a->id < b->id;
    };
    const size_t n = std::min(options_.limit, all.size());
    std::partial_sort(all.begin(), all.begin() + n, all.end(), before);
    all.resize(n);
    std::vector<SearchHit> out;
    out.reserve(all.size());
    for (Candidate* hit : all) {
      Candidate& c = *hit;
      SearchHit h;
      h.id = c.id;
      h.score = std::min(c.score, 100);
      h.match = TierName(c.tier);
      h.field = search::FieldLabel(c.field);
      std::optional<std::string> stored;
      if (!c.text.has_value()) {
        QL_ASSIGN_OR_RETURN(stored, StoredText(c));
      }
      if (c.text.has_value()) {
        h.text = *std::move(c.text);
      } else if (stored.has_value()) {
        h.text = *std::move(stored);
      } else {
        QL_ASSIGN_OR_RETURN(const google::protobuf::Message* row, Row(c.id));
        const std::vector<search::FieldText> texts =
            search::SearchableTexts(*row);
        if (c.slot >= 0 && static_cast<size_t>(c.slot) < texts.size() &&
            texts[c.slot].field == c.field) {
          h.text = texts[c.slot].text;
        } else {
          // The first text of the field, or for an exact or prefix match the
          // one containing the query when the field has several (former
          // names): normalising is the costly part, done only then.
          const size_t n = std::count_if(
              texts.begin(), texts.end(),
              [&](const auto& ft) { return ft.field == c.field; });
          for (const search::FieldText& ft : texts) {
            if (ft.field != c.field) continue;
            if (h.text.empty()) h.text = ft.text;
            if (n == 1 || c.tier == Tier::kPinyin || c.tier == Tier::kFuzzy) {
              break;
            }
            if (absl::StrContains(text::Compact(ft.text), compact_)) {
              h.text = ft.text;
              break;
            }
          }
        }
      }
      switch (c.tier) {
        case Tier::kExact:
          h.reason = absl::StrCat("exact match of ", h.field);
          break;
        case Tier::kPrefix:
          h.reason = absl::StrCat(h.field, " starts with the query");
          break;
        case Tier::kSubstring:
          h.reason = absl::StrCat(h.field, " contains the query");
          break;
        case Tier::kPinyin: {
          const char* form = c.pinyin_form == PinyinForm::kInitials ? "initials"
                             : c.pinyin_form == PinyinForm::kGiven
                                 ? "given-name pinyin"
                                 : "full pinyin";
          h.reason = absl::StrCat(c.detail, c.pinyin_prefix ? "start of " : "",
                                  form, " of ", h.field);
          break;
        }
        case Tier::kFuzzy:
          h.reason =
              absl::StrCat(c.shared, " of ", c.grams, " n-grams in ", h.field);
          break;
      }
      out.push_back(std::move(h));
    }
    return out;
  }

  // Declared first, so that every read of the search is in its scope: the
  // blocks of a search's index ranges are read with pread rather than
  // faulted into the mapping one page at a time (src/storage/pread_env.h).
  storage::ColdReads cold_;
  const storage::Db& db_;
  storage::Snapshot snap_;
  const leveldb::Snapshot* at_;  // What the search reads: snap_ or given.
  leveldb::ReadOptions ro_;
  std::unique_ptr<leveldb::Iterator> it_;
  Kind kind_;
  SearchOptions options_;
  size_t cap_;
  uint16_t terms_ = 0, grams_ = 0, pinyin_ = 0, texts_ = 0, trigrams_ = 0,
           short_prefixes_ = 0;
  std::string normalized_, compact_;
  // The candidates by id. A search offers some tens of them: their map
  // nodes come from a buffer of the search's own, released at once, instead
  // of a malloc and a free each.
  std::array<std::byte, 8 * 1024> arena_buf_;
  std::pmr::monotonic_buffer_resource arena_{arena_buf_.data(),
                                             arena_buf_.size()};
  std::pmr::map<uint64_t, Candidate> best_{&arena_};
  std::map<uint64_t, std::unique_ptr<google::protobuf::Message>> rows_;
};

// The query as a code or a contact value, when it can be one: a USCC,
// registration or identity document number, phone or QQ number (letters,
// digits, + - ( ) and at least 5 digits; spaces dropped, half-width, upper
// case, as imports store codes), or an e-mail address (lower case).
std::optional<std::string> CodeQuery(absl::string_view text) {
  // Most queries are names: told apart without normalising them twice.
  size_t raw_digits = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const auto b = static_cast<unsigned char>(text[i]);
    if (absl::ascii_isdigit(b) || b == '@') {
      ++raw_digits;
    } else if (b == 0xEF && i + 2 < text.size() &&
               static_cast<unsigned char>(text[i + 1]) == 0xBC) {
      const auto c = static_cast<unsigned char>(text[i + 2]);
      if ((c >= 0x90 && c <= 0x99) || c == 0xA0) ++raw_digits;  // ０-９ ＠
    }
  }
  if (raw_digits == 0 ||
      (raw_digits < 5 && text.find('@') == absl::string_view::npos &&
       text.find("\xEF\xBC\xA0") == absl::string_view::npos)) {
    return std::nullopt;
  }
  const std::string n = text::Normalize(text);  // Half-width, lower case.
  std::string code;
  size_t digits = 0;
  const bool email = absl::StrContains(n, "@");
  for (char c : n) {
    if (c == ' ') continue;
    const auto u = static_cast<unsigned char>(c);
    if (absl::ascii_isdigit(u)) {
      ++digits;
    } else if (!absl::ascii_isalpha(u) && c != '+' && c != '-' && c != '(' &&
               c != ')' && !(email && (c == '@' || c == '.' || c == '_'))) {
      return std::nullopt;
    }
    code.push_back(email ? c : absl::ascii_toupper(u));
  }
  if (email ? code.find('@') == 0 || code.size() < 3 : digits < 5) {
    return std::nullopt;
  }
  return code;
}

// One lookup of a search by equality (a code, a contact, a legal
// representative's name): the field queried, and how a hit shows it.
struct Lookup {
  const char* path;
  const char* field;   // SearchHit::field.
  const char* reason;  // SearchHit::reason.
};

// Whether `hits` has record `id` already.
bool HasHit(const std::vector<SearchHit>& hits, uint64_t id) {
  return std::any_of(hits.begin(), hits.end(),
                     [id](const SearchHit& h) { return h.id == id; });
}

// Record `r` (id `id`) as an exact hit of lookup `l`, scoring `score`; its
// text is the record's name.
SearchHit ExactHit(const google::protobuf::Message& r, uint64_t id, int score,
                   const Lookup& l) {
  SearchHit h;
  h.id = id;
  h.score = score;
  h.match = "exact";
  h.field = l.field;
  const google::protobuf::FieldDescriptor* name =
      r.GetDescriptor()->FindFieldByName("name");
  if (name != nullptr) h.text = r.GetReflection()->GetString(r, name);
  h.reason = l.reason;
  return h;
}

// Adds to `hits` the records of `kind` whose `l.path` is one of `values`
// (one query), scoring `score` (match "exact", text the record's name), up
// to `limit` hits in all, none twice. A lookup that no index serves is
// skipped (a store with indexes of its own), as is a value the field
// cannot hold.
absl::Status LookUp(const Store& store, Kind kind, const Lookup& l,
                    absl::Span<const std::string> values, int score,
                    size_t limit, const StoreSnapshot& at,
                    std::vector<SearchHit>* hits) {
  QueryOptions o;
  o.snapshot = &at;
  const std::string quoted =
      absl::StrJoin(values, ", ", [](std::string* out, const std::string& v) {
        absl::StrAppend(out, "\"", v, "\"");
      });
  absl::StatusOr<QueryPage> page =
      store.Query(absl::StrCat(KindName(kind), " where ", l.path,
                               values.size() == 1 ? " = " : " in (", quoted,
                               values.size() == 1 ? "" : ")", " limit ", limit),
                  o);
  if (!page.ok()) {
    if (absl::IsInvalidArgument(page.status()) ||
        absl::IsFailedPrecondition(page.status())) {
      return absl::OkStatus();
    }
    return page.status();
  }
  for (const auto& r : page->records) {
    const uint64_t id = MetaOf(*r).id();
    if (hits->size() == limit || HasHit(*hits, id)) continue;
    hits->push_back(ExactHit(*r, id, score, l));
  }
  return absl::OkStatus();
}

// Calls `f` with each record of `kind` that an entry of derived index
// `index_id` files under one of the tuples the index derives from `probe`
// (a record holding the query; under the keyed hash of an encrypted store,
// as a write would derive it), at `at`, each once, while `f` returns true.
// No entry or no such index: no call.
absl::Status ForEachIndexed(
    const Store& store, Kind kind, uint16_t index_id,
    const google::protobuf::Message& probe, const StoreSnapshot& at,
    const std::function<
        absl::StatusOr<bool>(uint64_t, const google::protobuf::Message&)>& f) {
  const model::Index* index =
      internal::StoreAccess::Indexes(store).Find(index_id);
  if (index == nullptr) return absl::OkStatus();
  const std::vector<std::string> tuples = model::IndexTuples(*index, probe);
  if (tuples.empty()) return absl::OkStatus();
  QL_ASSIGN_OR_RETURN(const leveldb::Snapshot* snapshot,
                      internal::StoreAccess::RawSnapshot(store, at));
  const storage::Db& db = internal::StoreAccess::Db(store);
  leveldb::ReadOptions ro;
  ro.snapshot = snapshot;
  std::unique_ptr<leveldb::Iterator> it(db.raw()->NewIterator(ro));
  std::vector<uint64_t> seen;
  for (const std::string& tuple : tuples) {
    const std::string start = storage::IndexPrefix(index_id) + tuple;
    for (it->Seek(start); it->Valid() && it->key().starts_with(start);
         it->Next()) {
      // The entry: `start`, then the record id.
      absl::string_view tail;
      if (it->key().size() == start.size() + 8) {
        tail = absl::string_view(it->key().data() + start.size(), 8);
      }
      uint64_t id = 0;
      if (tail.empty() || !storage::GetU64(&tail, &id)) {
        return absl::DataLossError(
            absl::StrCat("malformed entry of index ", index->name,
                         " of length ", it->key().size(), "; run verify"));
      }
      if (std::find(seen.begin(), seen.end(), id) != seen.end()) continue;
      seen.push_back(id);
      QL_ASSIGN_OR_RETURN(std::optional<std::string> row,
                          db.Get(storage::RowKey(kind, id), snapshot));
      if (!row.has_value()) continue;  // An entry behind its row: verify's.
      std::unique_ptr<google::protobuf::Message> record = NewRecord(kind);
      QL_RETURN_IF_ERROR(storage::DecodeRow(db, kind, id, *row, record.get()));
      QL_ASSIGN_OR_RETURN(bool more, f(id, *record));
      if (!more) return absl::OkStatus();
    }
    QL_RETURN_IF_ERROR(storage::FromLevelDb(
        it->status(), absl::StrCat("searching ", index->name)));
  }
  return absl::OkStatus();
}

// Adds to `hits` the people or enterprises (`kind`) with a phone number
// that is `code` however either is written (+60 12-345 6789, +60123456789
// and 012-345 6789; 0086 139..., +86 139... and 139...; +86 519 8234 5678
// and 0519-82345678; +65 9123 4567 and 9123 4567: model::SamePhoneNumber),
// up to `limit` hits in all, none twice: an index holds each number by its
// national number (search::ContactKey; duplicate detection's contacts
// index for people). A query that gives a country code finds a number
// written without one (scoring 95, as it may be another country's), not
// one that gives another.
absl::Status PhoneHits(const Store& store, Kind kind, const std::string& code,
                       size_t limit, const StoreSnapshot& at,
                       std::vector<SearchHit>* hits) {
  const std::optional<model::PhoneNumber> query = model::ParsePhoneNumber(code);
  if (!query.has_value() || hits->size() >= limit) return absl::OkStatus();
  std::unique_ptr<google::protobuf::Message> probe = NewRecord(kind);
  const google::protobuf::FieldDescriptor* contacts =
      probe->GetDescriptor()->FindFieldByName("contacts");
  if (contacts == nullptr) return absl::OkStatus();
  static_cast<v1::Contact*>(
      probe->GetReflection()->AddMessage(probe.get(), contacts))
      ->set_value(code);
  const uint16_t index_id = kind == v1::KIND_PERSON ? search::kPersonContact
                                                    : search::kEnterprisePhones;
  return ForEachIndexed(
      store, kind, index_id, *probe, at,
      [&](uint64_t id,
          const google::protobuf::Message& record) -> absl::StatusOr<bool> {
        if (HasHit(*hits, id)) return true;
        // The record's numbers that are the query's (an entry is shared by
        // numbers of other countries with the same national number). One
        // that leaves out the country code the query gives may be another
        // country's.
        bool found = false, same = false;
        const google::protobuf::Reflection& r = *record.GetReflection();
        for (int i = 0; i < r.FieldSize(record, contacts); ++i) {
          const auto& c = static_cast<const v1::Contact&>(
              r.GetRepeatedMessage(record, contacts, i));
          const std::optional<model::PhoneNumber> p =
              model::ParsePhoneNumber(c.value());
          if (!p.has_value() || !model::SamePhoneNumber(*p, *query)) continue;
          found = true;
          same = same || query->country_code == 0 ||
                 p->country_code == query->country_code;
        }
        if (!found) return true;
        static constexpr Lookup kPhone = {
            "contacts.value", "contact",
            "phone number is the query, by its digits"};
        static constexpr Lookup kPhoneElsewhere = {
            "contacts.value", "contact",
            "phone number is the query's, written without its country code"};
        hits->push_back(ExactHit(record, id, same ? 100 : 95,
                                 same ? kPhone : kPhoneElsewhere));
        return hits->size() < limit;
      });
}

// The records whose USCC or registration number (enterprises), identity
// document number (people) or contact is `code`: exact hits, score 100.
absl::Status CodeHits(const Store& store, Kind kind, const std::string& code,
                      size_t limit, const StoreSnapshot& at,
                      std::vector<SearchHit>* hits) {
  static constexpr Lookup kEnterprise[] = {
      {"uscc", "uscc", "USCC is the query"},
      {"unverified_uscc", "uscc", "USCC (failing its check) is the query"},
      {"registration_number", "registration number",
       "registration number is the query"},
      {"contacts.value", "contact", "contact (phone, e-mail) is the query"},
  };
  static constexpr Lookup kPerson[] = {
      {"identity_documents.number", "identity document",
       "identity document number is the query"},
      {"contacts.value", "contact",
       "contact (phone, e-mail, WeChat, QQ) is the query"},
  };
  const bool person = kind == v1::KIND_PERSON;
  for (const Lookup& l : person ? absl::MakeConstSpan(kPerson)
                                : absl::MakeConstSpan(kEnterprise)) {
    QL_RETURN_IF_ERROR(LookUp(store, kind, l, {code}, 100, limit, at, hits));
  }
  QL_RETURN_IF_ERROR(PhoneHits(store, kind, code, limit, at, hits));
  // A first-generation resident number, as imports store it: in its
  // 18-character form.
  if (const std::string converted = model::ResidentIdOfFirstGeneration(code);
      person && !converted.empty()) {
    QL_RETURN_IF_ERROR(
        LookUp(store, kind, kPerson[0], {converted}, 100, limit, at, hits));
  }
  return absl::OkStatus();
}

// The score of an enterprise whose legal representative's name is the
// query: below the enterprise's own names (a name that starts or contains
// the query ranks first), above sounds and fuzzy matches.
constexpr int kLegalRepresentativeScore = 60;

// The query as a person's name, for an enterprise search to look up the
// legal representatives by (search::kEnterpriseRepresentatives, which
// folds case, spaces and script): two to four Han characters, or two to
// four Latin words (Tan Wei Ming, Nguyen Van An); nullopt for other
// queries.
std::optional<std::string> RepresentativeQuery(absl::string_view text) {
  const std::string typed =
      absl::StrJoin(absl::StrSplit(text, ' ', absl::SkipWhitespace()), " ");
  if (typed.size() > 64) return std::nullopt;
  // Told apart cheaply first: a Han character takes 3 or 4 bytes.
  const bool wide = std::any_of(typed.begin(), typed.end(), [](char c) {
    return static_cast<unsigned char>(c) >= 0xE0;
  });
  if (wide) {
    if (typed.size() < 6) return std::nullopt;
    const std::u32string cps = text::ToU32(text::Compact(typed));
    if (cps.size() < 2 || cps.size() > 4 ||
        !std::all_of(cps.begin(), cps.end(), text::IsHan)) {
      return std::nullopt;
    }
    return typed;
  }
  const std::vector<absl::string_view> words = absl::StrSplit(typed, ' ');
  if (words.size() < 2 || words.size() > 4) return std::nullopt;
  for (absl::string_view w : words) {
    if (std::none_of(w.begin(), w.end(), absl::ascii_isalpha) ||
        !std::all_of(w.begin(), w.end(), [](char c) {
          return absl::ascii_isalpha(c) || c == '-' || c == '\'' || c == '.';
        })) {
      return std::nullopt;
    }
  }
  return typed;
}

}  // namespace

absl::StatusOr<std::vector<SearchHit>> Search(const Store& store, Kind kind,
                                              absl::string_view text,
                                              const SearchOptions& options) {
  if (kind != v1::KIND_PERSON && kind != v1::KIND_ENTERPRISE) {
    return absl::InvalidArgumentError(absl::StrCat(
        "search covers person and enterprise, not ", KindName(kind)));
  }
  if (options.limit < 1 || options.limit > 1000) {
    return absl::InvalidArgumentError(
        absl::StrCat("search limit ", options.limit, " is not in 1..1000"));
  }
  if (options.min_score < 1 || options.min_score > 100) {
    return absl::InvalidArgumentError(absl::StrCat(
        "search min_score ", options.min_score, " is not in 1..100"));
  }
  std::optional<std::string> code = CodeQuery(text);
  std::optional<std::string> representative;
  if (kind == v1::KIND_ENTERPRISE &&
      options.min_score <= kLegalRepresentativeScore) {
    representative = RepresentativeQuery(text);
  }
  if (!code.has_value() && !representative.has_value()) {
    Searcher s(store, kind, options);
    return s.Run(text);
  }
  // Codes and names are looked up with queries (which know the indexes, and
  // the keyed hashes of an encrypted store), at the snapshot the text
  // search reads too.
  const std::unique_ptr<StoreSnapshot> snapshot = store.NewSnapshot();
  QL_ASSIGN_OR_RETURN(const leveldb::Snapshot* at,
                      internal::StoreAccess::RawSnapshot(store, *snapshot));
  std::vector<SearchHit> hits;
  if (code.has_value()) {
    QL_RETURN_IF_ERROR(
        CodeHits(store, kind, *code, options.limit, *snapshot, &hits));
  }
  Searcher s(store, kind, options, at);
  QL_ASSIGN_OR_RETURN(std::vector<SearchHit> by_text, s.Run(text));
  for (SearchHit& h : by_text) {
    if (std::none_of(hits.begin(), hits.end(),
                     [&h](const SearchHit& c) { return c.id == h.id; })) {
      hits.push_back(std::move(h));
    }
  }
  // Enterprises whose legal representative the query names, when they can
  // rank: fewer hits than the limit, or some scoring lower.
  if (representative.has_value() &&
      (hits.size() < options.limit ||
       hits.back().score < kLegalRepresentativeScore)) {
    static constexpr Lookup kRepresentative = {
        "legal_representative.name", "legal representative",
        "legal representative's name is the query"};
    // By the name's compact form and, for a Latin name, its other word
    // orders (search::kEnterpriseRepresentatives): 陳大文 in a registry
    // that keeps a Hong Kong representative's name as on his papers, TAN
    // WEIMING or Weiming Tan for Tan Wei Ming.
    v1::Enterprise probe;
    probe.mutable_legal_representative()->set_name(*representative);
    const size_t limit = hits.size() + options.limit;
    QL_RETURN_IF_ERROR(ForEachIndexed(
        store, kind, search::kEnterpriseRepresentatives, probe, *snapshot,
        [&](uint64_t id,
            const google::protobuf::Message& record) -> absl::StatusOr<bool> {
          if (HasHit(hits, id)) return true;
          hits.push_back(
              ExactHit(record, id, kLegalRepresentativeScore, kRepresentative));
          return hits.size() < limit;
        }));
  }
  std::stable_sort(
      hits.begin(), hits.end(), [](const SearchHit& a, const SearchHit& b) {
        return a.score != b.score ? a.score > b.score : a.id < b.id;
      });
  if (hits.size() > options.limit) hits.resize(options.limit);
  return hits;
}

}  // namespace qiaolian
