#include "src/text/normalize.h"

#include <opencc/opencc.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <exception>
#include <list>
#include <memory>
#include <mutex>
#include <opencc/Config.hpp>
#include <opencc/Conversion.hpp>
#include <opencc/ConversionChain.hpp>
#include <opencc/Converter.hpp>
#include <opencc/Dict.hpp>
#include <opencc/DictEntry.hpp>
#include <opencc/Lexicon.hpp>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"

namespace qiaolian {
namespace text {
namespace {

// The Han blocks that the one-character table covers: CJK Extension A
// (U+3400..U+4DBF) and Unified Ideographs (U+4E00..U+9FFF). Outside them
// (rare extension planes) strings go through OpenCC whole.
constexpr char32_t kTableFirst = 0x3400;
constexpr char32_t kTableLast = 0x9FFF;

// `s` converted by the open OpenCC converter `cc` (under `mu`: OpenCC's
// converter is not documented as thread-safe); `s` itself when OpenCC
// fails.
std::string ConvertWith(opencc_t cc, std::mutex* mu, absl::string_view s) {
  if (s.empty()) return std::string(s);
  std::lock_guard<std::mutex> lock(*mu);
  char* out = opencc_convert_utf8(cc, s.data(), s.size());
  if (out == nullptr) return std::string(s);
  std::string r(out);
  opencc_convert_utf8_free(out);
  return r;
}

// Set once the Simplifier is built (DataLoaded).
std::atomic<bool> data_loaded{false};

// Traditional -> simplified. OpenCC converts phrase by phrase, which matters
// for a few one-to-many characters; most text is already simplified, so a
// per-character table (built once with OpenCC) tells whether a string needs
// OpenCC at all. The table also holds each character's conversion, and the
// phrases of OpenCC's dictionary that convert otherwise than their
// characters do one by one are kept: a string in which none of them occurs
// is converted as OpenCC would convert it, character by character from the
// table, without OpenCC (0.08 instead of 0.8 us for a 3-character name,
// several times that with cold caches) and without its lock.
class Simplifier {
 public:
  static const Simplifier& Get() {
    static const Simplifier* s = [] {
      const Simplifier* built = new Simplifier();
      data_loaded.store(true, std::memory_order_release);
      return built;
    }();
    return *s;
  }

  const absl::Status& status() const { return status_; }

  // How `s` is simplified: unchanged when none of its characters changes
  // alone (OpenCC's phrases are left out there: they would turn the name
  // 沈默 into 沉默); else as OpenCC converts the whole string, which is
  // character by character from the table when no phrase of phrases_
  // occurs in it and each character's conversion is known.
  enum class Way { kUnchanged, kTable, kOpenCc };
  Way HowToConvert(const std::u32string& s) const {
    if (!status_.ok()) return Way::kUnchanged;
    bool changes = false;
    for (char32_t c : s) {
      if (c >= kTableFirst && c <= kTableLast) {
        changes |= changes_[c - kTableFirst];
      } else if ((c > kTableLast && IsHan(c)) ||
                 (!other_keys_.empty() && other_keys_.contains(c))) {
        return Way::kOpenCc;
      }
    }
    if (!changes) return Way::kUnchanged;
    for (size_t i = 0; i < s.size(); ++i) {
      const char32_t c = s[i];
      if (c >= kTableFirst && c <= kTableLast &&
          table_[c - kTableFirst] == kOpenCcOnly) {
        return Way::kOpenCc;
      }
      if (PhraseAt(s, i)) return Way::kOpenCc;
    }
    return Way::kTable;
  }

  // `s` simplified (not kUnchanged).
  std::u32string Convert(const std::u32string& s, Way way) const {
    if (way != Way::kTable) return ToU32(ConvertByOpenCc(ToUtf8(s)));
    return ByTable(s);
  }

  std::string ConvertByOpenCc(absl::string_view s) const {
    if (!status_.ok()) return std::string(s);
    return ConvertWith(cc_, &mu_, s);
  }

 private:
  // Table values: the character is its own conversion; its conversion is
  // not one character (or unknown), so strings holding it go to OpenCC.
  static constexpr char32_t kSame = 0;
  static constexpr char32_t kOpenCcOnly = 0xFFFFFFFF;

  // Transparent, so that substrings are looked up without a copy.
  struct PhraseHash {
    using is_transparent = void;
    size_t operator()(std::u32string_view v) const {
      return std::hash<std::u32string_view>()(v);
    }
  };
  struct PhraseEq {
    using is_transparent = void;
    bool operator()(std::u32string_view a, std::u32string_view b) const {
      return a == b;
    }
  };

  Simplifier() : table_(kTableLast - kTableFirst + 1, kOpenCcOnly) {
    const char* opened = nullptr;
    for (const char* config : {"t2s.json", "/usr/share/opencc/t2s.json"}) {
      cc_ = opencc_open(config);
      if (cc_ != reinterpret_cast<opencc_t>(-1)) {
        opened = config;
        break;
      }
    }
    if (cc_ == reinterpret_cast<opencc_t>(-1)) {
      const char* why = opencc_error();
      status_ = absl::FailedPreconditionError(
          absl::StrCat("OpenCC t2s.json could not be loaded (package opencc / "
                       "libopencc1.1): ",
                       why != nullptr ? why : "unknown error"));
      return;
    }
    // One conversion of every table character, one per line. Without the
    // table every Han string goes through OpenCC (kOpenCcOnly).
    std::string all;
    for (char32_t c = kTableFirst; c <= kTableLast; ++c) {
      AppendUtf8(c, &all);
      all.push_back('\n');
    }
    char* out = opencc_convert_utf8(cc_, all.data(), all.size());
    if (out == nullptr) return;
    std::vector<char32_t> table(table_.size(), kOpenCcOnly);
    std::vector<absl::string_view> lines = absl::StrSplit(out, '\n');
    char32_t c = kTableFirst;
    for (absl::string_view line : lines) {
      if (c > kTableLast) break;
      const std::u32string to = ToU32(line);
      if (to.size() == 1) table[c - kTableFirst] = to[0] == c ? kSame : to[0];
      ++c;
    }
    opencc_convert_utf8_free(out);
    if (c <= kTableLast) return;
    table_ = std::move(table);
    for (size_t i = 0; i < table_.size(); ++i) {
      changes_[i] = table_[i] != kSame;
    }
    LoadPhrases(opened);
  }

  // The multi-character keys of the dictionary that `config` converts with
  // (a one-step conversion chain, as t2s is) whose conversion is not that
  // of their characters one by one (乾隆 keeps 乾, which alone is 干; 瞭解
  // is 了解, though neither character alone changes). When they cannot be
  // read, every Han string goes to OpenCC.
  void LoadPhrases(const char* config) {
    try {
      opencc::Config loader;
      const opencc::ConverterPtr converter = loader.NewFromFile(config);
      const std::list<opencc::ConversionPtr> steps =
          converter->GetConversionChain()->GetConversions();
      const opencc::LexiconPtr lexicon =
          steps.size() == 1 ? steps.front()->GetDict()->GetLexicon() : nullptr;
      if (lexicon == nullptr) return Unload();
      for (const std::unique_ptr<opencc::DictEntry>& entry : *lexicon) {
        std::u32string key = ToU32(entry->Key());
        if (key.size() == 1 &&
            (key[0] < kTableFirst || (key[0] > kTableLast && !IsHan(key[0])))) {
          other_keys_.insert(key[0]);  // None in Debian's t2s.
        }
        if (key.size() < 2 || ByTable(key) == ToU32(entry->GetDefault())) {
          continue;
        }
        longest_phrase_ = std::max(longest_phrase_, key.size());
        pairs_.insert(Pair(key[0], key[1]));
        phrases_.insert(std::move(key));
      }
    } catch (const std::exception&) {
      Unload();
    }
  }

  // Every Han string to OpenCC.
  void Unload() {
    table_.assign(table_.size(), kOpenCcOnly);
    changes_.assign(changes_.size(), true);
  }

  // `s` converted one character at a time (U+FFFD for a character whose
  // conversion is not known).
  std::u32string ByTable(const std::u32string& s) const {
    std::u32string out(s);
    for (char32_t& c : out) {
      if (c < kTableFirst || c > kTableLast) continue;
      const char32_t to = table_[c - kTableFirst];
      if (to == kOpenCcOnly) {
        c = 0xFFFD;
      } else if (to != kSame) {
        c = to;
      }
    }
    return out;
  }

  static uint64_t Pair(char32_t a, char32_t b) {
    return (static_cast<uint64_t>(a) << 32) | b;
  }

  // Whether a phrase of phrases_ starts at s[i].
  bool PhraseAt(const std::u32string& s, size_t i) const {
    if (i + 1 == s.size() || !pairs_.contains(Pair(s[i], s[i + 1]))) {
      return false;
    }
    const std::u32string_view v(s);
    const size_t longest = std::min(longest_phrase_, v.size() - i);
    for (size_t n = 2; n <= longest; ++n) {
      if (phrases_.contains(v.substr(i, n))) return true;
    }
    return false;
  }

  opencc_t cc_ = reinterpret_cast<opencc_t>(-1);
  absl::Status status_;
  std::vector<char32_t> table_;
  // Per table character: it changes alone, or its conversion is not known
  // (table_[c] != kSame); one bit each, for the common case.
  std::vector<bool> changes_ =
      std::vector<bool>(kTableLast - kTableFirst + 1, true);
  absl::flat_hash_set<std::u32string, PhraseHash, PhraseEq> phrases_;
  // The first two characters of phrases_.
  absl::flat_hash_set<uint64_t> pairs_;
  // Characters outside the table that the dictionary converts, other than
  // the Han ones above it (which always go to OpenCC): strings holding one
  // go to OpenCC too.
  absl::flat_hash_set<char32_t> other_keys_;
  size_t longest_phrase_ = 0;
  mutable std::mutex mu_;  // OpenCC's converter is not documented as
                           // thread-safe.
};

const icu::Normalizer2& NfkcCasefold() {
  static const icu::Normalizer2* n = [] {
    UErrorCode e = U_ZERO_ERROR;
    const icu::Normalizer2* r = icu::Normalizer2::getNFKCCasefoldInstance(e);
    return U_FAILURE(e) ? nullptr : r;
  }();
  return *n;
}

bool IsZeroWidth(char32_t c) {
  return c == 0x200B || c == 0x200C || c == 0x200D || c == 0x2060 ||
         c == 0xFEFF || c == 0x180E || c == 0x00AD ||
         u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT);
}

bool IsSpace(char32_t c) {
  return c == 0x3000 || u_isUWhiteSpace(static_cast<UChar32>(c));
}

// Text made only of printable ASCII and Han characters of the BMP blocks
// (the common case) is its own NFKC_Casefold apart from ASCII case: decode it
// directly and skip ICU. Returns false (and `out` unspecified) otherwise.
bool FastFold(absl::string_view s, std::u32string* out) {
  out->clear();
  out->reserve(s.size());
  int32_t i = 0;
  const int32_t n = static_cast<int32_t>(s.size());
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  while (i < n) {
    UChar32 c;
    U8_NEXT(p, i, n, c);
    if (c >= 0x20 && c < 0x7F) {
      if (c >= 'A' && c <= 'Z') c += 'a' - 'A';
      out->push_back(static_cast<char32_t>(c));
    } else if (c >= 0x3400 && c <= 0x9FFF && (c <= 0x4DBF || c >= 0x4E00)) {
      out->push_back(static_cast<char32_t>(c));
    } else {
      return false;
    }
  }
  return true;
}

// Steps 1 and 2: NFKC_Casefold, zero-width removal.
std::u32string FoldAndStrip(absl::string_view s) {
  {
    std::u32string fast;
    if (FastFold(s, &fast)) return fast;
  }
  icu::UnicodeString u = icu::UnicodeString::fromUTF8(
      icu::StringPiece(s.data(), static_cast<int32_t>(s.size())));
  UErrorCode e = U_ZERO_ERROR;
  icu::UnicodeString n = NfkcCasefold().normalize(u, e);
  if (U_FAILURE(e)) n = u;
  std::u32string out;
  out.reserve(n.length());
  for (int32_t i = 0; i < n.length();) {
    UChar32 c = n.char32At(i);
    i += U16_LENGTH(c);
    if (IsZeroWidth(c)) continue;
    out.push_back(static_cast<char32_t>(c));
  }
  return out;
}

// Step 4.
std::u32string FixSpaces(const std::u32string& s) {
  std::u32string out;
  out.reserve(s.size());
  bool pending_space = false;
  for (char32_t c : s) {
    if (IsSpace(c)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) {
      if (!(IsHan(out.back()) && IsHan(c))) out.push_back(U' ');
      pending_space = false;
    }
    out.push_back(c);
  }
  return out;
}

bool Kept(char32_t c) {
  if (IsHan(c)) return true;
  return u_isalnum(static_cast<UChar32>(c)) ||
         u_charType(static_cast<UChar32>(c)) == U_NON_SPACING_MARK ||
         u_charType(static_cast<UChar32>(c)) == U_COMBINING_SPACING_MARK;
}

}  // namespace

bool IsHan(char32_t c) {
  if (c >= 0x4E00 && c <= 0x9FFF) return true;  // Fast path.
  if (c < 0x2E80) return false;
  UErrorCode e = U_ZERO_ERROR;
  return uscript_getScript(static_cast<UChar32>(c), &e) == USCRIPT_HAN &&
         u_isalpha(static_cast<UChar32>(c));
}

void AppendUtf8(char32_t c, std::string* out) {
  if (c < 0x80) {
    out->push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (c >> 6)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (c >> 12)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (c >> 18)));
    out->push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

std::u32string ToU32(absl::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  int32_t i = 0;
  const int32_t n = static_cast<int32_t>(s.size());
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  while (i < n) {
    UChar32 c;
    U8_NEXT(p, i, n, c);
    out.push_back(c < 0 ? 0xFFFD : static_cast<char32_t>(c));
  }
  return out;
}

std::string ToUtf8(const std::u32string& s) {
  std::string out;
  out.reserve(s.size() * 3);
  for (char32_t c : s) AppendUtf8(c, &out);
  return out;
}

std::string ToSimplified(absl::string_view s) {
  const Simplifier& simp = Simplifier::Get();
  const std::u32string u = ToU32(s);
  const Simplifier::Way way = simp.HowToConvert(u);
  if (way == Simplifier::Way::kUnchanged) return std::string(s);
  return ToUtf8(simp.Convert(u, way));
}

std::string ToSimplifiedByOpenCc(absl::string_view s) {
  return Simplifier::Get().ConvertByOpenCc(s);
}

absl::Status SimplifierStatus() { return Simplifier::Get().status(); }

void LoadData() {
  Simplifier::Get();
  NfkcCasefold();
}

bool DataLoaded() { return data_loaded.load(std::memory_order_acquire); }

std::string Normalize(absl::string_view s) {
  std::u32string folded = FoldAndStrip(s);
  const Simplifier& simp = Simplifier::Get();
  const Simplifier::Way way = simp.HowToConvert(folded);
  if (way != Simplifier::Way::kUnchanged) folded = simp.Convert(folded, way);
  return ToUtf8(FixSpaces(folded));
}

std::string Compact(absl::string_view s) {
  std::u32string folded = FoldAndStrip(s);
  const Simplifier& simp = Simplifier::Get();
  const Simplifier::Way way = simp.HowToConvert(folded);
  if (way != Simplifier::Way::kUnchanged) folded = simp.Convert(folded, way);
  std::string out;
  out.reserve(folded.size() * 3);
  for (char32_t c : folded) {
    if (Kept(c)) AppendUtf8(c, &out);
  }
  return out;
}

}  // namespace text
}  // namespace qiaolian
