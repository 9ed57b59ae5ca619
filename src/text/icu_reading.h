// The reading of one Han character as ICU's "Han-Latin; Latin-ASCII"
// transliterator gives it, kept to the letters a-z (no tones, no spaces):
// shared by the build-time generator of the readings table
// (cmake/gen_pinyin_readings.cc) and the library's fallback for characters
// outside the table (src/text/pinyin.cc), so that both agree.
#ifndef QIAOLIAN_SRC_TEXT_ICU_READING_H_
#define QIAOLIAN_SRC_TEXT_ICU_READING_H_

#include <unicode/translit.h>
#include <unicode/unistr.h>

#include <string>

namespace qiaolian {
namespace text {

// The transliterator IcuReading expects (the caller owns it; not
// thread-safe). Null when ICU lacks the transliterator.
inline icu::Transliterator* NewHanLatinTransliterator() {
  UErrorCode e = U_ZERO_ERROR;
  icu::Transliterator* t = icu::Transliterator::createInstance(
      "Han-Latin; Latin-ASCII", UTRANS_FORWARD, e);
  if (U_FAILURE(e)) {
    delete t;
    return nullptr;
  }
  return t;
}

// Empty when ICU has no reading (it then returns the character itself).
inline std::string IcuReading(const icu::Transliterator& t, char32_t c) {
  icu::UnicodeString u(static_cast<UChar32>(c));
  t.transliterate(u);
  std::string s;
  u.toUTF8String(s);
  std::string out;
  for (char ch : s) {
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
    if (ch >= 'a' && ch <= 'z') out.push_back(ch);
  }
  return out;
}

}  // namespace text
}  // namespace qiaolian

#endif  // QIAOLIAN_SRC_TEXT_ICU_READING_H_
