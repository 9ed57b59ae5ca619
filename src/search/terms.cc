#include "src/search/terms.h"

#include <algorithm>
#include <optional>
#include <set>
#include <utility>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "qiaolian/v1/enterprise.pb.h"
#include "qiaolian/v1/person.pb.h"
#include "src/model/phone.h"
#include "src/storage/key_codec.h"
#include "src/text/normalize.h"
#include "src/text/pinyin.h"

namespace qiaolian {
namespace search {
namespace {

using google::protobuf::Message;

std::string Tuple(absl::string_view s) {
  std::string t;
  storage::PutString(&t, s);
  return t;
}

std::string Tuple(absl::string_view s, int64_t n) {
  std::string t;
  storage::PutString(&t, s);
  storage::PutInt64(&t, n);
  return t;
}

std::string Tuple(absl::string_view s, int64_t n, absl::string_view display) {
  std::string t = Tuple(s, n);
  storage::PutString(&t, display);
  return t;
}

bool HasHan(absl::string_view s) {
  for (char32_t c : text::ToU32(s)) {
    if (text::IsHan(c)) return true;
  }
  return false;
}

bool IsNameField(Field f) {
  return f == Field::kName || f == Field::kFormerName ||
         f == Field::kChineseName;
}

bool IsPerson(const Message& m) {
  return m.GetDescriptor() == v1::Person::descriptor();
}

// Calls fn(compact text, field, text as stored or empty when it is the
// compact one, slot) for each entry of the terms index of `m` (slot: the
// text's index in SearchableTexts).
template <typename Fn>
void ForEachTerm(const Message& m, Fn fn) {
  const std::vector<FieldText> texts = SearchableTexts(m);
  for (size_t slot = 0; slot < texts.size(); ++slot) {
    const FieldText& ft = texts[slot];
    const std::string n = text::Normalize(ft.text);
    const std::string c = text::Compact(n);
    if (c.empty()) continue;
    // The text as stored, shown in search hits without reading the row;
    // empty when it is the compact form itself (most Chinese texts).
    const absl::string_view display =
        c == ft.text ? absl::string_view() : absl::string_view(ft.text);
    fn(c, ft.field, display, slot);
    if (ft.field != Field::kAddress) {
      for (const std::string& r : OtherNameOrders(n)) {
        fn(r, ft.field, ft.text, slot);
      }
    }
  }
}

void Terms(const Message& m, std::vector<std::string>* out) {
  ForEachTerm(
      m, [out](absl::string_view c, Field f, absl::string_view shown, size_t) {
        out->push_back(Tuple(c, static_cast<int64_t>(f), shown));
      });
}

uint64_t RecordId(const Message& m) {
  if (IsPerson(m)) return static_cast<const v1::Person&>(m).meta().id();
  if (m.GetDescriptor() == v1::Enterprise::descriptor()) {
    return static_cast<const v1::Enterprise&>(m).meta().id();
  }
  return 0;
}

void ShortPrefixesOf(const Message& m, std::vector<std::string>* out) {
  // The id in the tuple puts entries of one prefix and score in id order
  // (as in the grams); a record without one (not stored) has none.
  const uint64_t id = RecordId(m);
  if (id == 0) return;
  ForEachTerm(m, [&](absl::string_view c, Field f, absl::string_view shown,
                     size_t slot) {
    // An address's text is left out (the texts index has it): addresses
    // are long, and their prefix matches rank last.
    const bool in_texts = f == Field::kAddress && slot <= kMaxGramSlot;
    const size_t chars = CodePoints(c);
    size_t end = 0;  // Byte length of the prefix of k characters.
    for (size_t k = 1; k <= kMaxShortPrefixChars && k < chars; ++k) {
      do {
        ++end;
      } while (end < c.size() &&
               (static_cast<unsigned char>(c[end]) & 0xC0) == 0x80);
      std::string t;
      storage::PutString(&t, c.substr(0, end));
      storage::PutInt64(&t, kMaxPrefixScore - PrefixScore(f, k, chars));
      storage::PutUint64(&t, id);
      storage::PutInt64(&t, static_cast<int64_t>(f));
      storage::PutInt64(&t, static_cast<int64_t>(slot));
      storage::PutString(&t, in_texts        ? absl::string_view()
                             : shown.empty() ? c
                                             : shown);
      out->push_back(std::move(t));
    }
  });
}

// The entries of the grams index (`trigrams` false) or of the trigrams
// index: gram, id, GramCode.
void AppendGrams(const Message& m, bool trigrams,
                 std::vector<std::string>* out) {
  // The id in the tuple puts each gram's entries in id order (the store
  // appends it again after the tuple); a record without one (not stored)
  // has no entries.
  const uint64_t id = RecordId(m);
  if (id == 0) return;
  const std::vector<FieldText> texts = SearchableTexts(m);
  for (size_t slot = 0; slot < texts.size() && slot <= kMaxGramSlot; ++slot) {
    const std::string c = text::Compact(texts[slot].text);
    const size_t len = text::ToU32(c).size();
    // Single characters of an address are left out: they would be a third
    // of the entries, and no one looks for an address by one character.
    const bool unigrams = texts[slot].field != Field::kAddress;
    for (const PositionedGram& g :
         trigrams ? PositionedTrigrams(c) : PositionedGrams(c, unigrams)) {
      std::string t;
      storage::PutString(&t, g.gram);
      storage::PutUint64(&t, id);
      storage::PutInt64(&t,
                        GramCode{texts[slot].field, slot, len, g.pos}.Encode());
      out->push_back(std::move(t));
    }
  }
}

void GramsOf(const Message& m, std::vector<std::string>* out) {
  AppendGrams(m, /*trigrams=*/false, out);
}

void TrigramsOf(const Message& m, std::vector<std::string>* out) {
  AppendGrams(m, /*trigrams=*/true, out);
}

// The entries of the name-bigrams index: bigram, id, slot, field, compact
// text, text as stored (empty when it is the compact one).
void NameBigramsOf(const Message& m, std::vector<std::string>* out) {
  if (!IsPerson(m)) return;
  const uint64_t id = RecordId(m);
  if (id == 0) return;
  const std::vector<FieldText> texts = SearchableTexts(m);
  for (size_t slot = 0; slot < texts.size() && slot <= kMaxGramSlot; ++slot) {
    if (!IsNameField(texts[slot].field)) continue;
    const std::string c = text::Compact(texts[slot].text);
    const absl::string_view display =
        c == texts[slot].text ? absl::string_view() : texts[slot].text;
    std::vector<std::string> seen;  // A name's few bigrams.
    for (const PositionedGram& g : PositionedGrams(c, /*unigrams=*/false)) {
      const std::u32string cps = text::ToU32(g.gram);
      if (cps.size() != 2 || !text::IsHan(cps[0]) || !text::IsHan(cps[1]) ||
          std::find(seen.begin(), seen.end(), g.gram) != seen.end()) {
        continue;
      }
      seen.push_back(g.gram);
      std::string t;
      storage::PutString(&t, g.gram);
      storage::PutUint64(&t, id);
      storage::PutInt64(&t, static_cast<int64_t>(slot));
      storage::PutInt64(&t, static_cast<int64_t>(texts[slot].field));
      storage::PutString(&t, c);
      storage::PutString(&t, display);
      out->push_back(std::move(t));
    }
  }
}

void TextsOf(const Message& m, std::vector<std::string>* out) {
  const uint64_t id = RecordId(m);
  if (id == 0) return;
  const std::vector<FieldText> texts = SearchableTexts(m);
  for (size_t slot = 0; slot < texts.size() && slot <= kMaxGramSlot; ++slot) {
    std::string t;
    storage::PutUint64(&t, id);
    storage::PutInt64(&t, static_cast<int64_t>(slot));
    storage::PutInt64(&t, static_cast<int64_t>(texts[slot].field));
    storage::PutString(&t, texts[slot].text);
    out->push_back(std::move(t));
  }
}

void PinyinOf(const Message& m, std::vector<std::string>* out) {
  const bool person = IsPerson(m);
  for (const FieldText& ft : SearchableTexts(m)) {
    if (!IsNameField(ft.field)) continue;
    const std::string n = text::Normalize(ft.text);
    if (!HasHan(n)) continue;
    text::Pinyin p = text::ToPinyin(n, person);
    if (!p.has_han || p.syllables.empty()) continue;
    std::string full = p.Full();
    if (full.size() > 2 * kMaxGramChars) full.resize(2 * kMaxGramChars);
    out->push_back(
        Tuple(full, PinyinCode(ft.field, PinyinForm::kFull), ft.text));
    out->push_back(Tuple(p.Initials(),
                         PinyinCode(ft.field, PinyinForm::kInitials), ft.text));
    if (person && p.surname_tokens > 0 &&
        p.syllables.size() > p.surname_tokens) {
      std::string given;
      for (size_t i = p.surname_tokens; i < p.syllables.size(); ++i) {
        given += p.syllables[i];
      }
      out->push_back(
          Tuple(given, PinyinCode(ft.field, PinyinForm::kGiven), ft.text));
    }
  }
}

void NameBirth(const Message& m, std::vector<std::string>* out) {
  const auto& p = static_cast<const v1::Person&>(m);
  const v1::Date& b = p.birth_date();
  if (b.year() == 0 || b.month() == 0 || b.day() == 0) return;
  const int64_t ymd = int64_t{b.year()} * 10000 + b.month() * 100 + b.day();
  for (const std::string& name : {p.name(), p.name_parts().chinese()}) {
    const std::string c = text::Compact(name);
    if (!c.empty()) out->push_back(Tuple(c, ymd));
  }
}

void Contacts(const Message& m, std::vector<std::string>* out) {
  const auto& p = static_cast<const v1::Person&>(m);
  for (const v1::Contact& c : p.contacts()) {
    const std::string k = ContactKey(c.value());
    if (!k.empty()) out->push_back(Tuple(k));
  }
}

void EnterprisePhones(const Message& m, std::vector<std::string>* out) {
  const auto& e = static_cast<const v1::Enterprise&>(m);
  for (const v1::Contact& c : e.contacts()) {
    const std::string k = ContactKey(c.value());
    if (absl::StartsWith(k, "tel:")) out->push_back(Tuple(k));
  }
}

void Representatives(const Message& m, std::vector<std::string>* out) {
  const auto& e = static_cast<const v1::Enterprise&>(m);
  const std::string n = text::Normalize(e.legal_representative().name());
  const std::string c = text::Compact(n);
  if (c.empty()) return;
  out->push_back(Tuple(c));
  for (const std::string& r : OtherNameOrders(n)) out->push_back(Tuple(r));
}

void CrossScript(const Message& m, std::vector<std::string>* out) {
  const auto& p = static_cast<const v1::Person&>(m);
  std::vector<std::string> han;
  for (const std::string& name : {p.name(), p.name_parts().chinese()}) {
    const std::string n = text::Normalize(name);
    if (HasHan(n)) han.push_back(n);
  }
  if (!han.empty()) {
    for (const std::string& n : han) {
      const std::string k = text::ToPinyin(n, true).Full();
      if (!k.empty()) out->push_back(Tuple(k, 0));
    }
    return;
  }
  for (const std::string& name :
       {p.name(), p.name_parts().latin(), p.name_parts().pinyin()}) {
    const std::string n = text::Normalize(name);
    const std::string c = text::Compact(n);
    if (c.empty()) continue;
    out->push_back(Tuple(c, 1));
    for (const std::string& r : OtherNameOrders(n)) out->push_back(Tuple(r, 1));
    // Tan Wei Ming may be 陈伟明 (chen wei ming): a dialect surname.
    for (const std::string& v : text::DialectSurnameVariants(n)) {
      out->push_back(Tuple(v, 1));
    }
  }
}

}  // namespace

std::vector<std::string> OtherNameOrders(absl::string_view normalized) {
  std::vector<std::string> out;
  if (HasHan(normalized)) return out;
  std::vector<std::string> words =
      absl::StrSplit(normalized, ' ', absl::SkipEmpty());
  if (words.size() < 2) return out;
  const std::string self = text::Compact(normalized);
  std::vector<std::string> first_last(words.begin() + 1, words.end());
  first_last.push_back(words.front());
  std::vector<std::string> last_first = {words.back()};
  last_first.insert(last_first.end(), words.begin(), words.end() - 1);
  for (const auto& w : {first_last, last_first}) {
    std::string c = text::Compact(absl::StrJoin(w, " "));
    if (c != self && std::find(out.begin(), out.end(), c) == out.end()) {
      out.push_back(std::move(c));
    }
  }
  return out;
}

std::vector<FieldText> SearchableTexts(const Message& record) {
  std::vector<FieldText> out;
  auto add = [&](Field f, const std::string& s) {
    if (!s.empty()) out.push_back({f, s});
  };
  if (record.GetDescriptor() == v1::Person::descriptor()) {
    const auto& p = static_cast<const v1::Person&>(record);
    add(Field::kName, p.name());
    for (const std::string& s : p.former_names()) add(Field::kFormerName, s);
    add(Field::kChineseName, p.name_parts().chinese());
    add(Field::kLatinName, p.name_parts().latin());
    add(Field::kOtherScript, p.name_parts().other_script());
    add(Field::kPinyinName, p.name_parts().pinyin());
    add(Field::kAddress, p.address().text());
  } else if (record.GetDescriptor() == v1::Enterprise::descriptor()) {
    const auto& e = static_cast<const v1::Enterprise&>(record);
    add(Field::kName, e.name());
    for (const std::string& s : e.former_names()) add(Field::kFormerName, s);
    add(Field::kForeignName, e.foreign_name());
    add(Field::kAddress, e.address().text());
  }
  return out;
}

int FieldBonus(Field f) {
  switch (f) {
    case Field::kName:
      return 10;
    case Field::kChineseName:
    case Field::kLatinName:
    case Field::kOtherScript:
    case Field::kPinyinName:
      return 8;
    case Field::kFormerName:
      return 6;
    case Field::kForeignName:
      return 5;
    case Field::kAddress:
      return 0;
  }
  return 0;
}

int PrefixScore(Field f, size_t query_chars, size_t text_chars) {
  // In doubles, as search has always computed it (scores are part of the
  // short-prefixes index's keys: a change needs a new index version).
  const double cover = static_cast<double>(query_chars) /
                       static_cast<double>(std::max<size_t>(text_chars, 1));
  return 75 + FieldBonus(f) / 2 + static_cast<int>(cover * 9);
}

int ExactPinyinScore(PinyinForm form, Field f) {
  const int bonus = FieldBonus(f) / 2;
  return form == PinyinForm::kFull       ? 54 + bonus
         : form == PinyinForm::kInitials ? 47 + bonus
                                         : 44 + bonus;
}

int64_t PinyinCode(Field f, PinyinForm form) {
  return int64_t{kMaxExactPinyinScore - ExactPinyinScore(form, f)} * 100 +
         static_cast<int64_t>(f) * 10 + static_cast<int64_t>(form);
}

Field PinyinCodeField(int64_t code) {
  return static_cast<Field>(code % 100 / 10);
}

PinyinForm PinyinCodeForm(int64_t code) {
  return static_cast<PinyinForm>(code % 10);
}

size_t CodePoints(absl::string_view utf8) {
  size_t n = 0;
  for (char c : utf8) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

const char* FieldLabel(Field f) {
  switch (f) {
    case Field::kName:
      return "name";
    case Field::kFormerName:
      return "former name";
    case Field::kChineseName:
      return "Chinese name";
    case Field::kLatinName:
      return "Latin-script name";
    case Field::kOtherScript:
      return "other-script name";
    case Field::kPinyinName:
      return "pinyin as written";
    case Field::kForeignName:
      return "foreign name";
    case Field::kAddress:
      return "address";
  }
  return "field";
}

int64_t GramCode::Encode() const {
  return (static_cast<int64_t>(field) << 24) |
         (static_cast<int64_t>(std::min<size_t>(slot, kMaxGramSlot)) << 16) |
         (static_cast<int64_t>(std::min<size_t>(length, 255)) << 8) |
         static_cast<int64_t>(std::min<size_t>(pos, 255));
}

GramCode GramCode::Decode(int64_t code) {
  GramCode g;
  g.field = static_cast<Field>(code >> 24);
  g.slot = static_cast<size_t>((code >> 16) & 0xFF);
  g.length = static_cast<size_t>((code >> 8) & 0xFF);
  g.pos = static_cast<size_t>(code & 0xFF);
  return g;
}

std::vector<PositionedGram> PositionedGrams(absl::string_view compact,
                                            bool unigrams) {
  std::u32string s = text::ToU32(compact);
  if (s.size() > kMaxGramChars) s.resize(kMaxGramChars);
  std::vector<PositionedGram> out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (unigrams && text::IsHan(s[i])) {
      PositionedGram g{std::string(), i};
      text::AppendUtf8(s[i], &g.gram);
      out.push_back(std::move(g));
    }
    if (i + 1 < s.size()) {
      PositionedGram g{std::string(), i};
      text::AppendUtf8(s[i], &g.gram);
      text::AppendUtf8(s[i + 1], &g.gram);
      out.push_back(std::move(g));
    }
  }
  return out;
}

std::vector<PositionedGram> PositionedTrigrams(absl::string_view compact) {
  std::u32string s = text::ToU32(compact);
  if (s.size() > kMaxGramChars) s.resize(kMaxGramChars);
  std::vector<PositionedGram> out;
  for (size_t i = 0; i + 2 < s.size(); ++i) {
    if (!text::IsHan(s[i]) || !text::IsHan(s[i + 1]) ||
        !text::IsHan(s[i + 2])) {
      continue;
    }
    PositionedGram g{std::string(), i};
    for (size_t k = 0; k < 3; ++k) text::AppendUtf8(s[i + k], &g.gram);
    out.push_back(std::move(g));
  }
  return out;
}

std::vector<std::string> Grams(absl::string_view compact) {
  std::vector<std::string> out;
  // A query's grams: at most 2 * kMaxGramChars - 1, a linear look-up each.
  for (PositionedGram& g : PositionedGrams(compact)) {
    if (std::find(out.begin(), out.end(), g.gram) == out.end()) {
      out.push_back(std::move(g.gram));
    }
  }
  return out;
}

bool IsPinyinLike(absl::string_view compact) {
  if (compact.empty()) return false;
  for (char c : compact) {
    if (c < 'a' || c > 'z') return false;
  }
  return true;
}

std::string ContactKey(absl::string_view value) {
  if (value.find('@') == absl::string_view::npos) {
    if (std::optional<model::PhoneNumber> phone =
            model::ParsePhoneNumber(value)) {
      return "tel:" + phone->national;
    }
  }
  const std::string n = text::Normalize(value);
  std::string out;
  for (char c : n) {
    if (c != ' ') out.push_back(c);
  }
  return out;
}

std::vector<model::IndexSpec> SearchIndexSpecs() {
  using model::IndexSpec;
  using v1::KIND_ENTERPRISE;
  using v1::KIND_PERSON;
  std::vector<model::IndexSpec> specs = {
      IndexSpec::Derived(kPersonTerms, KIND_PERSON, "search.terms", "3", Terms),
      IndexSpec::Derived(kPersonGrams, KIND_PERSON, "search.grams", "3",
                         GramsOf),
      IndexSpec::Derived(kPersonPinyin, KIND_PERSON, "search.pinyin", "3",
                         PinyinOf),
      IndexSpec::Derived(kPersonNameBirth, KIND_PERSON, "dup.name_birth", "1",
                         NameBirth),
      IndexSpec::Derived(kPersonContact, KIND_PERSON, "dup.contact", "2",
                         Contacts),
      IndexSpec::Derived(kPersonCrossScript, KIND_PERSON, "dup.cross_script",
                         "3", CrossScript),
      IndexSpec::Derived(kPersonTexts, KIND_PERSON, "search.texts", "1",
                         TextsOf),
      IndexSpec::Derived(kPersonTrigrams, KIND_PERSON, "search.trigrams", "1",
                         TrigramsOf),
      IndexSpec::Derived(kPersonNameBigrams, KIND_PERSON, "search.name_bigrams",
                         "1", NameBigramsOf),
      IndexSpec::Derived(kPersonShortPrefixes, KIND_PERSON,
                         "search.short_prefixes", "2", ShortPrefixesOf),
      IndexSpec::Derived(kEnterpriseTerms, KIND_ENTERPRISE, "search.terms", "2",
                         Terms),
      IndexSpec::Derived(kEnterpriseGrams, KIND_ENTERPRISE, "search.grams", "3",
                         GramsOf),
      IndexSpec::Derived(kEnterprisePinyin, KIND_ENTERPRISE, "search.pinyin",
                         "3", PinyinOf),
      IndexSpec::Derived(kEnterpriseTexts, KIND_ENTERPRISE, "search.texts", "1",
                         TextsOf),
      IndexSpec::Derived(kEnterpriseTrigrams, KIND_ENTERPRISE,
                         "search.trigrams", "1", TrigramsOf),
      IndexSpec::Derived(kEnterpriseShortPrefixes, KIND_ENTERPRISE,
                         "search.short_prefixes", "2", ShortPrefixesOf),
      IndexSpec::Derived(kEnterprisePhones, KIND_ENTERPRISE, "search.phones",
                         "2", EnterprisePhones),
      IndexSpec::Derived(kEnterpriseRepresentatives, KIND_ENTERPRISE,
                         "search.representatives", "1", Representatives),
  };
  // With encryption at rest (docs/privacy.md): the terms and grams of a
  // person leave the (encrypted) address out; contacts are kept as keyed
  // hashes, so duplicates by phone are still found; the others read names,
  // birth dates and the public enterprise address only.
  for (IndexSpec& s : specs) {
    s.packed = s.id == kPersonGrams || s.id == kEnterpriseGrams ||
               s.id == kPersonTrigrams || s.id == kEnterpriseTrigrams;
    switch (s.id) {
      case kPersonTerms:
      case kPersonShortPrefixes:
      case kPersonGrams:
      case kPersonTrigrams:
      case kPersonTexts:
      case kPersonNameBigrams:
        s.sensitive_input = model::SensitiveInput::kExclude;
        break;
      case kPersonContact:
      case kEnterprisePhones:
      case kEnterpriseRepresentatives:
        s.sensitive_input = model::SensitiveInput::kHash;
        break;
      default:
        s.sensitive_input = model::SensitiveInput::kNone;
    }
  }
  return specs;
}

}  // namespace search
}  // namespace qiaolian
