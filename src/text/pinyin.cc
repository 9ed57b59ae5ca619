#include "src/text/pinyin.h"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "src/text/icu_reading.h"
#include "src/text/normalize.h"

namespace qiaolian {
namespace text {
namespace readings_internal {
// Generated at build time (gen/pinyin_readings.cc).
extern const char32_t kFirst;
extern const char32_t kLast;
extern const char kText[];
extern const uint32_t kStart[];
}  // namespace readings_internal

namespace {

// Set by LoadSurnameTables (SurnameTablesLoaded).
std::atomic<bool> tables_loaded{false};

// Compound surnames (复姓), simplified, with their readings.
const std::map<std::u32string, std::vector<std::string>>& CompoundSurnames() {
  static const auto* m = new std::map<std::u32string, std::vector<std::string>>{
      {U"尉迟", {"yu", "chi"}},     {U"万俟", {"mo", "qi"}},
      {U"长孙", {"zhang", "sun"}},  {U"单于", {"chan", "yu"}},
      {U"欧阳", {"ou", "yang"}},    {U"司马", {"si", "ma"}},
      {U"上官", {"shang", "guan"}}, {U"诸葛", {"zhu", "ge"}},
      {U"令狐", {"ling", "hu"}},    {U"皇甫", {"huang", "fu"}},
      {U"东方", {"dong", "fang"}},  {U"慕容", {"mu", "rong"}},
      {U"宇文", {"yu", "wen"}},     {U"夏侯", {"xia", "hou"}},
      {U"公孙", {"gong", "sun"}},   {U"司徒", {"si", "tu"}},
      {U"澹台", {"tan", "tai"}},    {U"端木", {"duan", "mu"}},
      {U"轩辕", {"xuan", "yuan"}},  {U"呼延", {"hu", "yan"}},
      {U"南宫", {"nan", "gong"}},   {U"独孤", {"du", "gu"}},
      {U"闻人", {"wen", "ren"}},    {U"申屠", {"shen", "tu"}},
      {U"钟离", {"zhong", "li"}},   {U"宗政", {"zong", "zheng"}},
      {U"濮阳", {"pu", "yang"}},    {U"淳于", {"chun", "yu"}},
      {U"赫连", {"he", "lian"}},    {U"拓跋", {"tuo", "ba"}},
      {U"西门", {"xi", "men"}},     {U"羊舌", {"yang", "she"}},
      {U"太史", {"tai", "shi"}},    {U"百里", {"bai", "li"}},
      {U"第五", {"di", "wu"}},      {U"乐正", {"yue", "zheng"}},
  };
  return *m;
}

// Single-character surnames whose reading as a surname differs from the
// character's most common reading (or that ICU reads otherwise).
const std::map<char32_t, std::string>& SingleSurnames() {
  static const auto* m = new std::map<char32_t, std::string>{
      {U'单', "shan"}, {U'曾', "zeng"},  {U'解', "xie"},   {U'区', "ou"},
      {U'仇', "qiu"},  {U'朴', "piao"},  {U'查', "zha"},   {U'盖', "ge"},
      {U'缪', "miao"}, {U'翟', "zhai"},  {U'覃', "qin"},   {U'秘', "bi"},
      {U'繁', "po"},   {U'乐', "yue"},   {U'员', "yun"},   {U'种', "chong"},
      {U'隗', "wei"},  {U'黑', "he"},    {U'召', "shao"},  {U'朝', "chao"},
      {U'薄', "bo"},   {U'折', "she"},   {U'冼', "xian"},  {U'洗', "xian"},
      {U'句', "gou"},  {U'阚', "kan"},   {U'柏', "bai"},   {U'重', "chong"},
      {U'过', "guo"},  {U'都', "du"},    {U'么', "yao"},   {U'便', "pian"},
      {U'牟', "mou"},  {U'莘', "shen"},  {U'祭', "zhai"},  {U'粘', "nian"},
      {U'尉', "wei"},  {U'长', "chang"}, {U'沈', "shen"},  {U'贾', "jia"},
      {U'藏', "zang"}, {U'燕', "yan"},   {U'曲', "qu"},    {U'盛', "sheng"},
      {U'石', "shi"},  {U'华', "hua"},   {U'任', "ren"},   {U'葛', "ge"},
      {U'纪', "ji"},   {U'殷', "yin"},   {U'卜', "bu"},    {U'宁', "ning"},
      {U'角', "jue"},  {U'訾', "zi"},    {U'啜', "chuai"}, {U'缑', "gou"},
      {U'雒', "luo"},  {U'郇', "huan"},  {U'斗', "dou"},   {U'万', "wan"},
      {U'蔺', "lin"},  {U'澄', "cheng"}, {U'校', "jiao"},  {U'繆', "miao"},
  };
  return *m;
}

// Per-character readings: from the table generated at build time for
// U+3400..U+9FFF (cmake/gen_pinyin_readings.cc: what ICU's Han-Latin
// transliterator gives, without creating it in every process: ~70 ms, and
// ~30 µs a character); other characters (CJK extensions B and later) from
// the transliterator itself, created on first need, and kept.
class Readings {
 public:
  static Readings& Get() {
    static Readings* r = new Readings();
    return *r;
  }

  std::string Of(char32_t c) {
    namespace table = readings_internal;
    if (c >= table::kFirst && c <= table::kLast) {
      const size_t i = c - table::kFirst;
      return std::string(table::kText + table::kStart[i],
                         table::kStart[i + 1] - table::kStart[i]);
    }
    std::lock_guard<std::mutex> lock(mu_);
    auto it = others_.find(c);
    if (it != others_.end()) return it->second;
    if (!tried_) {
      t_.reset(NewHanLatinTransliterator());
      tried_ = true;
    }
    std::string r = t_ == nullptr ? "" : IcuReading(*t_, c);
    others_.emplace(c, r);
    return r;
  }

 private:
  Readings() = default;

  std::mutex mu_;
  bool tried_ = false;
  std::unique_ptr<icu::Transliterator> t_;
  std::map<char32_t, std::string> others_;
};

// Surnames as overseas Chinese write them in Latin letters -> Hanyu Pinyin
// readings. Sources: the usual Cantonese (Jyutping-like Hong Kong
// government spellings), Hokkien/Teochew (Singapore, Malaysia, Philippines,
// Indonesia), Hakka and Wade-Giles (Taiwan, older passports) spellings of
// the common surnames. Spellings that are also a common pinyin surname
// (lai 赖, tang 唐, pan 潘, wan 万 ...) are left out unless the dialect use
// dominates abroad (tan, chan, chang); the spelling's own pinyin reading
// is implied.
const std::map<std::string, std::vector<std::string>, std::less<>>&
DialectSurnames() {
  static const auto* m =
      new std::map<std::string, std::vector<std::string>, std::less<>>{
          // Cantonese.
          {"au", {"ou"}},
          {"chan", {"chen"}},
          {"chau", {"zhou", "qiu"}},
          {"cheng", {"zheng"}},
          {"cheuk", {"zhuo"}},
          {"cheung", {"zhang"}},
          {"chiu", {"zhao", "qiu"}},
          {"choi", {"cai"}},
          {"chow", {"zhou"}},
          {"choy", {"cai"}},
          {"chung", {"zhong"}},
          {"fong", {"fang"}},
          {"fung", {"feng"}},
          {"ho", {"he"}},
          {"hui", {"xu"}},
          {"ip", {"ye"}},
          {"kwan", {"guan"}},
          {"kwok", {"guo"}},
          {"kwong", {"kuang"}},
          {"lam", {"lin"}},
          {"lau", {"liu"}},
          {"law", {"luo", "lu"}},
          {"lee", {"li"}},
          {"leung", {"liang"}},
          {"lo", {"lu", "luo"}},
          {"lui", {"lu", "lei"}},
          {"mak", {"mai"}},
          {"mok", {"mo"}},
          {"ng", {"wu", "huang"}},
          {"poon", {"pan"}},
          {"shum", {"cen", "shen"}},
          {"siu", {"xiao"}},
          {"szeto", {"situ"}},
          {"tam", {"tan"}},
          {"tse", {"xie"}},
          {"tsang", {"zeng"}},
          {"tsoi", {"cai"}},
          {"tsui", {"xu", "cui"}},
          {"wong", {"huang", "wang"}},
          {"yeung", {"yang"}},
          {"yip", {"ye"}},
          {"yuen", {"yuan"}},
          // Hokkien, Teochew, Hainanese.
          {"ang", {"hong"}},
          {"chee", {"xie"}},
          {"chng", {"zhuang", "zheng"}},
          {"chua", {"cai"}},
          {"goh", {"wu"}},
          {"heng", {"wang"}},
          {"khoo", {"qiu"}},
          {"koh", {"xu", "gao"}},
          {"kwek", {"guo"}},
          {"lim", {"lin"}},
          {"loh", {"luo", "lu"}},
          {"low", {"liu"}},
          {"neo", {"liang"}},
          {"ong", {"wang"}},
          {"ooi", {"huang"}},
          {"oei", {"huang"}},
          {"phua", {"pan"}},
          {"quek", {"guo"}},
          {"seah", {"she"}},
          {"sim", {"shen"}},
          {"soh", {"su"}},
          {"tan", {"chen"}},
          {"tay", {"zheng"}},
          {"tee", {"zheng"}},
          {"teh", {"zheng"}},
          {"teo", {"zhang"}},
          {"teoh", {"zhang"}},
          {"tjoa", {"cai"}},
          {"toh", {"zhuo", "du"}},
          {"wee", {"huang"}},
          {"yap", {"ye"}},
          {"yeo", {"yang"}},
          {"yeoh", {"yang"}},
          // Hakka.
          {"chin", {"chen", "qin", "jin"}},
          {"chong", {"zhang", "zhong"}},
          {"liew", {"liu"}},
          {"voon", {"wen"}},
          {"yong", {"yang"}},
          // Wade-Giles.
          {"chang", {"zhang"}},
          {"chiang", {"jiang"}},
          {"chien", {"qian"}},
          {"chou", {"zhou"}},
          {"chuang", {"zhuang"}},
          {"hsiao", {"xiao"}},
          {"hsieh", {"xie"}},
          {"hsu", {"xu"}},
          {"hsueh", {"xue"}},
          {"hung", {"hong"}},
          {"kuo", {"guo"}},
          {"shih", {"shi"}},
          {"tsai", {"cai"}},
          {"tsao", {"cao"}},
          {"tseng", {"zeng"}},
          {"tsou", {"zou"}},
      };
  return *m;
}

bool IsAsciiAlnum(char32_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9');
}

}  // namespace

std::string Pinyin::Full() const { return absl::StrJoin(syllables, ""); }
std::string Pinyin::Spaced() const { return absl::StrJoin(syllables, " "); }
std::string Pinyin::Initials() const {
  std::string out;
  for (const std::string& s : syllables) {
    if (!s.empty()) out.push_back(s[0]);
  }
  return out;
}

std::string CharReading(char32_t c) { return Readings::Get().Of(c); }

std::vector<std::string> SurnameOverride(absl::string_view normalized,
                                         size_t* chars) {
  *chars = 0;
  std::u32string s = ToU32(normalized);
  std::u32string han;
  for (char32_t c : s) {
    if (!IsHan(c)) break;
    han.push_back(c);
    if (han.size() == 2) break;
  }
  // A compound surname needs a given name after it ("欧阳" alone is more
  // likely a given name or a place).
  if (han.size() == 2 && s.size() > 2) {
    auto it = CompoundSurnames().find(han);
    if (it != CompoundSurnames().end()) {
      *chars = 2;
      return it->second;
    }
  }
  if (!han.empty()) {
    auto it = SingleSurnames().find(han[0]);
    if (it != SingleSurnames().end()) {
      *chars = 1;
      return {it->second};
    }
  }
  return {};
}

std::vector<std::string> DialectSurnameReadings(absl::string_view word) {
  auto it = DialectSurnames().find(word);
  return it == DialectSurnames().end() ? std::vector<std::string>{}
                                       : it->second;
}

void LoadSurnameTables() {
  CompoundSurnames();
  SingleSurnames();
  DialectSurnames();
  tables_loaded.store(true, std::memory_order_release);
}

bool SurnameTablesLoaded() {
  return tables_loaded.load(std::memory_order_acquire);
}

std::vector<std::string> DialectSurnameVariants(absl::string_view normalized) {
  std::vector<std::string> out;
  std::vector<absl::string_view> words =
      absl::StrSplit(normalized, absl::ByAnyChar(" -.,'"), absl::SkipEmpty());
  if (words.empty()) return out;
  for (absl::string_view w : words) {
    for (char c : w) {
      if (c < 'a' || c > 'z') return out;  // Latin letters only.
    }
  }
  const std::string self = absl::StrJoin(words, "");
  auto add = [&](const std::string& v) {
    if (v != self && std::find(out.begin(), out.end(), v) == out.end()) {
      out.push_back(v);
    }
  };
  if (words.size() == 1) {
    // The surname alone ("tan", "ng"), or "tanweiming": the longest
    // spelling of 3 or more letters that starts it with 2 or more after it
    // (so that pinyin "tang" is not read as tan + g).
    absl::string_view w = words[0];
    for (const std::string& m : DialectSurnameReadings(w)) add(m);
    if (!out.empty()) return out;
    const size_t longest =
        w.size() >= 5 ? std::min<size_t>(w.size() - 2, 6) : 0;
    for (size_t n = longest; n >= 3; --n) {
      const std::vector<std::string> r = DialectSurnameReadings(w.substr(0, n));
      if (r.empty()) continue;
      for (const std::string& m : r) add(absl::StrCat(m, w.substr(n)));
      break;
    }
    return out;
  }
  // Surname first ("tan wei ming"), then surname last ("wei ming tan").
  for (const std::string& m : DialectSurnameReadings(words.front())) {
    add(absl::StrCat(m, absl::StrJoin(words.begin() + 1, words.end(), "")));
  }
  for (const std::string& m : DialectSurnameReadings(words.back())) {
    add(absl::StrCat(m, absl::StrJoin(words.begin(), words.end() - 1, "")));
  }
  return out;
}

Pinyin ToPinyin(absl::string_view normalized, bool person_name) {
  Pinyin out;
  std::u32string s = ToU32(normalized);
  size_t i = 0;
  if (person_name && !s.empty() && IsHan(s[0])) {
    size_t n = 0;
    std::vector<std::string> sur = SurnameOverride(normalized, &n);
    if (n > 0) {
      out.syllables = std::move(sur);
      out.surname_tokens = out.syllables.size();
      out.has_han = true;
      i = n;
    } else {
      out.surname_tokens = 1;
    }
  }
  std::string run;
  auto flush = [&] {
    if (!run.empty()) out.syllables.push_back(std::move(run));
    run.clear();
  };
  for (; i < s.size(); ++i) {
    const char32_t c = s[i];
    if (IsAsciiAlnum(c)) {
      run.push_back(
          static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c));
      continue;
    }
    flush();
    if (IsHan(c)) {
      std::string r = CharReading(c);
      if (!r.empty()) {
        out.syllables.push_back(std::move(r));
        out.has_han = true;
      }
    }
  }
  flush();
  return out;
}

}  // namespace text
}  // namespace qiaolian
