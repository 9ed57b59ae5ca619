// Hanyu Pinyin without tones, for matching names typed in Latin letters.
//
// Readings come from ICU's "Han-Latin; Latin-ASCII" transliterator, one
// character at a time (cached), so each Han character maps to exactly one
// syllable and initials line up with characters. Where a character's usual
// reading differs from its reading as a surname, `person_name` applies the
// surname table to the first character (单 shan, 曾 zeng, 解 xie, 区 ou,
// 仇 qiu, 朴 piao, 查 zha, 盖 ge, 缪 miao, 翟 zhai, ...) or the first two
// (compound surnames: 尉迟 yuchi, 万俟 moqi, 长孙 zhangsun, 单于 chanyu,
// 欧阳 ouyang, ...).
//
// Input is text as returned by text::Normalize (lower case, simplified);
// runs of ASCII letters and digits pass through as one token each, other
// characters are dropped. ü is written "u" (ICU's Latin-ASCII), as most
// people type it.
//
// Thread-safe.
#ifndef QIAOLIAN_SRC_TEXT_PINYIN_H_
#define QIAOLIAN_SRC_TEXT_PINYIN_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace qiaolian {
namespace text {

struct Pinyin {
  // One token per Han character (its syllable) or per Latin/digit run.
  std::vector<std::string> syllables;
  // How many leading tokens are the surname (0 when `person_name` was false
  // or the name does not start with a Han character).
  size_t surname_tokens = 0;
  bool has_han = false;  // Some token came from a Han character.

  std::string Full() const;      // "chenwei"
  std::string Spaced() const;    // "chen wei"
  std::string Initials() const;  // "cw"
};

// `normalized`: see the header comment.
Pinyin ToPinyin(absl::string_view normalized, bool person_name);

// The reading of a character on its own ("" when ICU has none).
std::string CharReading(char32_t c);

// The surname reading of the start of `normalized` as syllables (empty
// when the surname table has no entry), and how many characters it covers.
std::vector<std::string> SurnameOverride(absl::string_view normalized,
                                         size_t* chars);

// Overseas Chinese surnames are often spelled on passports in the
// romanisation of a dialect (Cantonese, Hokkien, Teochew, Hakka, Hainanese)
// or in Wade-Giles: Tan, Chan and Chin for 陈 chen, Ng for 吴 wu or 黄 huang,
// Lim and Lam for 林 lin, Wong for 黄 huang or 王 wang, Cheung and Teo for 张
// zhang, Hsu for 许/徐 xu... The Hanyu Pinyin readings of a surname spelled
// so ("tan" -> {"chen", "tan"}: 谭 is tan too); empty when the spelling is
// not in the table. `word`: one lower-case ASCII word.
std::vector<std::string> DialectSurnameReadings(absl::string_view word);

// For a name in Latin letters (`normalized`: text::Normalize output, words
// separated by spaces, hyphens, dots, commas or apostrophes), the compact
// pinyin forms it may stand for when its surname is a dialect or Wade-Giles
// spelling: "tan wei ming" ->
// {"chenweiming", "tanweiming"} (the surname first or, for "wei ming tan",
// last; always written surname first). Excludes the compact input itself.
// Without spaces ("tanweiming") the longest table spelling that starts the
// text is taken as the surname. Empty when no surname is recognised.
std::vector<std::string> DialectSurnameVariants(absl::string_view normalized);

// Builds the surname tables above (compound, single-character and dialect
// surnames), which the first ToPinyin(), SurnameOverride() or
// DialectSurnameVariants() would otherwise build: a store's background
// warm-up calls it with text::LoadData(), so that a process's first search
// by a name does not. Thread-safe.
void LoadSurnameTables();
// For tests: whether LoadSurnameTables() ran.
bool SurnameTablesLoaded();

}  // namespace text
}  // namespace qiaolian

#endif  // QIAOLIAN_SRC_TEXT_PINYIN_H_
