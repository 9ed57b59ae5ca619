#include "src/text/normalize.h"

#include <opencc/opencc.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/utf8.h>

#include <memory>
#include <mutex>

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

// Traditional -> simplified. OpenCC converts phrase by phrase, which matters
// for a few one-to-many characters; most text is already simplified, so a
// per-character table (built once with OpenCC) tells whether a string needs
// OpenCC at all.
class Simplifier {
 public:
  static const Simplifier& Get() {
    static const Simplifier* s = new Simplifier();
    return *s;
  }

  const absl::Status& status() const { return status_; }

  // Whether some character of `s` changes when simplified.
  bool NeedsWork(const std::u32string& s) const {
    if (!status_.ok()) return false;
    for (char32_t c : s) {
      if (c < kTableFirst) continue;
      if (c > kTableLast) {
        if (IsHan(c)) return true;
        continue;
      }
      if (changes_[c - kTableFirst]) return true;
    }
    return false;
  }

  std::string Convert(absl::string_view s) const {
    if (!status_.ok()) return std::string(s);
    return ConvertWith(cc_, &mu_, s);
  }

 private:
  Simplifier() : changes_(kTableLast - kTableFirst + 1, false) {
    for (const char* config : {"t2s.json", "/usr/share/opencc/t2s.json"}) {
      cc_ = opencc_open(config);
      if (cc_ != reinterpret_cast<opencc_t>(-1)) break;
    }
    if (cc_ == reinterpret_cast<opencc_t>(-1)) {
      const char* why = opencc_error();
      status_ = absl::FailedPreconditionError(
          absl::StrCat("OpenCC t2s.json could not be loaded (package opencc / "
                       "libopencc1.1): ",
                       why != nullptr ? why : "unknown error"));
      return;
    }
    // One conversion of every table character, one per line.
    std::string all;
    for (char32_t c = kTableFirst; c <= kTableLast; ++c) {
      AppendUtf8(c, &all);
      all.push_back('\n');
    }
    char* out = opencc_convert_utf8(cc_, all.data(), all.size());
    if (out == nullptr) {
      // Without the table every Han string goes through OpenCC.
      changes_.assign(changes_.size(), true);
      return;
    }
    std::vector<absl::string_view> lines = absl::StrSplit(out, '\n');
    char32_t c = kTableFirst;
    for (absl::string_view line : lines) {
      if (c > kTableLast) break;
      std::string self;
      AppendUtf8(c, &self);
      changes_[c - kTableFirst] = line != self;
      ++c;
    }
    if (c <= kTableLast) changes_.assign(changes_.size(), true);
    opencc_convert_utf8_free(out);
  }

  opencc_t cc_ = reinterpret_cast<opencc_t>(-1);
  absl::Status status_;
  std::vector<bool> changes_;
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
  if (!simp.NeedsWork(ToU32(s))) return std::string(s);
  return simp.Convert(s);
}

absl::Status SimplifierStatus() { return Simplifier::Get().status(); }

std::string Normalize(absl::string_view s) {
  std::u32string folded = FoldAndStrip(s);
  const Simplifier& simp = Simplifier::Get();
  if (simp.NeedsWork(folded)) folded = ToU32(simp.Convert(ToUtf8(folded)));
  return ToUtf8(FixSpaces(folded));
}

std::string Compact(absl::string_view s) {
  std::u32string folded = FoldAndStrip(s);
  const Simplifier& simp = Simplifier::Get();
  if (simp.NeedsWork(folded)) folded = ToU32(simp.Convert(ToUtf8(folded)));
  std::string out;
  out.reserve(folded.size() * 3);
  for (char32_t c : folded) {
    if (Kept(c)) AppendUtf8(c, &out);
  }
  return out;
}

}  // namespace text
}  // namespace qiaolian
