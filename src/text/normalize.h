// Normalisation of Chinese and Latin text for matching (search keys,
// duplicate keys). Not for display: the stored record keeps what was
// written.
//
// Normalize() applies, in order:
//   1. Unicode NFKC with case folding (ICU's NFKC_Casefold): full-width
//      letters, digits and punctuation become half-width ("ＡＢ１" -> "ab1"),
//      compatibility ideographs become unified ones, letters are folded
//      ("Chen" -> "chen"), and default-ignorable characters (zero-width
//      space/joiners, BOM, soft hyphen) are removed.
//   2. Zero-width and format characters left over are removed.
//   3. Traditional -> simplified Chinese (OpenCC's t2s: phrases, then
//      characters), e.g. "陳偉" -> "陈伟", for text with at least one
//      character that changes alone; other text is kept as it is, so that
//      OpenCC's phrases do not turn the name 沈默 into 沉默 (silence).
//   4. White space (including the ideographic space U+3000) between two Han
//      characters is removed ("王　伟" -> "王伟"); other runs become one
//      ASCII space; leading and trailing space is dropped.
//
// Compact() is Normalize() keeping only letters, digits and Han characters:
// the key for exact and prefix matching ("Chen Wei" -> "chenwei",
// "（常州）晨风" -> "常州晨风").
//
// Thread-safe. The first call loads ICU and OpenCC data (about 20 ms).
#ifndef QIAOLIAN_SRC_TEXT_NORMALIZE_H_
#define QIAOLIAN_SRC_TEXT_NORMALIZE_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace qiaolian {
namespace text {

// See the header comment. Invalid UTF-8 sequences become U+FFFD.
std::string Normalize(absl::string_view s);

// Normalize() without spaces, punctuation and symbols.
std::string Compact(absl::string_view s);

// Only step 3: traditional -> simplified (OpenCC t2s); other text unchanged.
std::string ToSimplified(absl::string_view s);

// The whole of `s` through OpenCC, phrases and all, even when no character
// changes alone. ToSimplified() converts a string in which no phrase of
// OpenCC's dictionary occurs from a table of OpenCC's conversions of single
// characters, to the same result; tests compare the two.
std::string ToSimplifiedByOpenCc(absl::string_view s);

// Loads the ICU and OpenCC data that the first Normalize() or Compact()
// would load (about 20 ms): a store's background warm-up calls it, so that a
// process's first search does not wait for it. Thread-safe.
void LoadData();
// For tests: whether that data was loaded (by LoadData or a first call).
bool DataLoaded();

// Whether OpenCC's data loaded (when it did not, step 3 is skipped and this
// says why; tests check it).
absl::Status SimplifierStatus();

// Whether `c` is a Han (CJK ideograph) code point.
bool IsHan(char32_t c);

// Decodes UTF-8 into code points (invalid bytes become U+FFFD).
std::u32string ToU32(absl::string_view s);
// Encodes code points as UTF-8.
std::string ToUtf8(const std::u32string& s);
void AppendUtf8(char32_t c, std::string* out);

}  // namespace text
}  // namespace qiaolian

#endif  // QIAOLIAN_SRC_TEXT_NORMALIZE_H_
