// What the search and duplicate-detection indexes hold for a record: derived
// indexes (model::IndexSpec::Derived) maintained in the row's batch like
// every other index, in the index keyspace 0x03 under ids reserved for this
// area (person 140-159, enterprise 240-259). Entry layouts (components as in
// src/storage/key_codec.h, then the record id):
//
//   140 person.search.terms     string compact, int64 field, string text
//   240 enterprise.search.terms
//       Every searchable text as text::Compact() ("陳 偉" -> "陈伟",
//       "Chen Wei" -> "chenwei"), with the field it came from (Field) and
//       the text as stored (empty when it equals the compact form), which a
//       hit shows without reading the row; a Latin name also in its other
//       word orders (OtherNameOrders).
//       Exact match: the whole component; prefix match: a prefix of it.
//   141 person.search.grams     string gram, uint64 id, int64 GramCode
//   241 enterprise.search.grams
//       N-grams of each compact searchable text (its first kMaxGramChars
//       characters): every Han character (unigram; not of an address) and
//       every pair of adjacent characters (bigram), one entry per
//       occurrence. The record
//       id comes right after the gram, so each gram's entries are in id
//       order and several grams intersect by seeking (leapfrog); the code
//       (field, text slot, text length, position) then tells, without
//       reading the row, whether the grams are adjacent in one text.
//       A packed index (src/storage/postings.h): the (id, code) postings of
//       one gram and id range may be one block key instead.
//   147 person.search.trigrams  string trigram, uint64 id, int64 GramCode
//   244 enterprise.search.trigrams
//       Every run of three Han characters of the same texts, laid out and
//       packed as the grams. A substring query of three or more Han
//       characters intersects the lists of its trigrams: far shorter than
//       those of its bigrams (陈伟明 against 陈伟 and 伟明), so the search
//       reads a few postings where it read every 陈伟 of the store.
//   148 person.search.name_bigrams  string bigram, uint64 id, int64 slot,
//                                   int64 field, string compact, string text
//       Every pair of adjacent Han characters of a person's names (current,
//       former, Chinese part), once per text, with the text: compact, and as
//       stored when that differs (陳偉明). The fuzzy tier of a query of three
//       or more Han characters reads the first ids of its bigrams' entries
//       and has the texts of its hits at once (a seek each in the texts
//       index otherwise); names are short, so this costs a few entries a
//       person.
//   142 person.search.pinyin    string pinyin, int64 PinyinCode(field,
//   242 enterprise.search.pinyin  form), string text
//       Pinyin of the names that contain Han characters: the full pinyin
//       ("chenweiming", form 0), the initials ("cwm", form 1) and, for
//       people, the full pinyin from the given name on ("weiming", form 2),
//       with the name as stored. The entries of one pinyin come in the
//       order a query that is that pinyin ranks them (ExactPinyinScore).
//       Person names read their surname by the surname table.
//   149 person.search.short_prefixes  string prefix, int64 rank, uint64 id,
//   245 enterprise.search.short_prefixes  int64 field, int64 slot,
//                                         string text
//       The first one and the first two characters (kMaxShortPrefixChars)
//       of each text of the terms index that is longer, with what a prefix
//       match of that query scores (rank: kMaxPrefixScore - PrefixScore, so
//       the best come first, then by id), the text's slot in
//       SearchableTexts and the text to show (empty for an address, whose
//       text the texts index holds: long, and ranked last). A query of
//       one or two characters starts tens of thousands of texts (zh, 陈); in
//       the terms index the best of them (the shortest, in names) are spread
//       over the whole range, here they are the first entries.
//   146 person.search.texts     uint64 id, int64 slot, int64 field,
//   243 enterprise.search.texts   string text
//       Every searchable text as stored, by record and slot (its index in
//       SearchableTexts): the text a substring or fuzzy hit shows, found
//       by one seek instead of reading and parsing the row.
//   143 person.dup.name_birth   string compact name, int64 yyyymmdd
//       Names (current and Chinese part) of people with a complete birth date.
//   144 person.dup.contact      string normalised contact
//       Phones by their national number ("tel:" then the digits after the
//       country code or trunk prefix: model::ParsePhoneNumber), so that a
//       number written with or without its country code meets itself;
//       other values compact.
//   145 person.dup.cross_script string key, int64 source
//       Pinyin of the Han name (source 0) and Latin names of people without
//       a Han name, both word orders (source 1): the same person written in
//       two scripts meets under one key.
//
// Changing what a derivation produces requires bumping its version below,
// so that stores rebuild the index at open.
#ifndef QIAOLIAN_SRC_SEARCH_TERMS_H_
#define QIAOLIAN_SRC_SEARCH_TERMS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "src/model/indexes.h"

namespace qiaolian {
namespace search {

inline constexpr uint16_t kPersonTerms = 140;
inline constexpr uint16_t kPersonGrams = 141;
inline constexpr uint16_t kPersonPinyin = 142;
inline constexpr uint16_t kPersonNameBirth = 143;
inline constexpr uint16_t kPersonContact = 144;
inline constexpr uint16_t kPersonCrossScript = 145;
inline constexpr uint16_t kPersonTexts = 146;
inline constexpr uint16_t kPersonTrigrams = 147;
inline constexpr uint16_t kPersonNameBigrams = 148;
inline constexpr uint16_t kPersonShortPrefixes = 149;
inline constexpr uint16_t kEnterpriseTerms = 240;
inline constexpr uint16_t kEnterpriseGrams = 241;
inline constexpr uint16_t kEnterprisePinyin = 242;
inline constexpr uint16_t kEnterpriseTexts = 243;
inline constexpr uint16_t kEnterpriseTrigrams = 244;
inline constexpr uint16_t kEnterpriseShortPrefixes = 245;
// An enterprise's phone numbers by their national number (ContactKey), for
// a search by a number written otherwise than stored.
inline constexpr uint16_t kEnterprisePhones = 246;
// An enterprise's legal representative by the name's compact form (text::
// Compact: case, spaces, full width and traditional characters folded) and,
// for a Latin name, its other word orders (OtherNameOrders): Tan Wei Ming,
// TAN WEIMING and Weiming Tan meet, as 陳大文 and 陈 大文 do.
inline constexpr uint16_t kEnterpriseRepresentatives = 247;

// Queries of at most this many characters find their prefix matches in the
// short-prefixes index, longer ones in the terms index.
inline constexpr size_t kMaxShortPrefixChars = 2;

// The indexes FindDuplicatesOf and DuplicateKeys read for records of `kind`
// (duplicates.cc): an import keeps them up to date while it runs.
std::vector<uint16_t> DuplicateProbeIndexes(v1::Kind kind);

// Whether a key of DuplicateKeys is a name key (the name-terms probe).
bool IsNameKey(absl::string_view duplicate_key);

// For an import into a store that held no record of the kind: whether
// `record`, whose only keys in common with the records written before are
// name keys, can score `min_score` against one of them; `others_have_uscc`:
// every record written with those name keys has a USCC. Mirrors the scoring
// (duplicates.cc): a name match alone scores 85, less 40 between two
// enterprises with different USCCs; people always may.
bool NameOnlyMatchCanReach(const google::protobuf::Message& record,
                           bool others_have_uscc, int min_score);

// Whether a row read back from a file and the stored `existing` record of
// the same kind can be the same person or enterprise by their names: the
// row's name (normalised, Compact) is the record's name or one of its
// former names, or the record's name is one of the row's former names, or
// the row has no name; and neither two USCCs (enterprises) nor two birth
// dates (people) differ. For events, cases and donations: the same date
// (a case's received date) or the same title. The importer's check of a
// file's record ids.
bool SameRecordByName(const google::protobuf::Message& row,
                      const google::protobuf::Message& existing);

// Where a searchable text comes from. Values are stored in keys: frozen.
enum class Field : int64_t {
  kName = 1,         // Person.name, Enterprise.name (姓名 / 名称)
  kFormerName = 2,   // former_names (曾用名)
  kChineseName = 3,  // Person.name_parts.chinese (中文姓名)
  kLatinName = 4,    // Person.name_parts.latin (外文姓名)
  kOtherScript = 5,  // Person.name_parts.other_script (其他文字姓名)
  kPinyinName = 6,   // Person.name_parts.pinyin as written (汉语拼音)
  kForeignName = 7,  // Enterprise.foreign_name (外文名称)
  kAddress = 8,      // address.text (地址)
};

enum class PinyinForm : int64_t { kFull = 0, kInitials = 1, kGiven = 2 };

// A searchable text of a record.
struct FieldText {
  Field field;
  std::string text;  // As stored in the record.
};

// The searchable texts of a person or an enterprise (empty for other
// kinds), in field order.
std::vector<FieldText> SearchableTexts(const google::protobuf::Message& record);

// 0..10: how much a match in this field counts in a search's score.
int FieldBonus(Field f);

// The score of a prefix match (search.h: 75-89): a query of `query_chars`
// characters that starts a text of `text_chars` (more) characters of field
// `f`. The short-prefixes index stores it; search computes it for the
// terms index's matches.
inline constexpr int kMaxPrefixScore = 89;
int PrefixScore(Field f, size_t query_chars, size_t text_chars);

// Code points of UTF-8 text (its lead bytes).
size_t CodePoints(absl::string_view utf8);

// The score of a query of Latin letters that is the pinyin of a name in
// `form` (search.h: 44-59).
inline constexpr int kMaxExactPinyinScore = 59;
int ExactPinyinScore(PinyinForm form, Field f);

// The code component of a pinyin entry: (kMaxExactPinyinScore -
// ExactPinyinScore) * 100 + field * 10 + form, so that the groups of one
// pinyin (same field and form) come best first; and back.
int64_t PinyinCode(Field f, PinyinForm form);
Field PinyinCodeField(int64_t code);
PinyinForm PinyinCodeForm(int64_t code);

// "name", "former name", ... (for reasons shown to users).
const char* FieldLabel(Field f);

// Unigrams of Han characters and bigrams of `compact` (text::Compact
// output), distinct, in order of appearance.
std::vector<std::string> Grams(absl::string_view compact);

// N-grams are taken from the first kMaxGramChars characters of a text
// (bounding the entries of long addresses), of at most kMaxGramSlot + 1
// texts of a record.
inline constexpr size_t kMaxGramChars = 64;
inline constexpr size_t kMaxGramSlot = 255;

// Where an n-gram occurs, as the last component of a grams entry.
struct GramCode {
  Field field = Field::kName;
  size_t slot = 0;    // Index of the text in SearchableTexts().
  size_t length = 0;  // Of the compact text, in code points (at most 255).
  size_t pos = 0;     // Of the gram's first character.
  int64_t Encode() const;
  static GramCode Decode(int64_t code);
};

// Every unigram (Han; unless `unigrams` is false) and bigram of `compact`
// with its position, in order (repeated grams repeated).
struct PositionedGram {
  std::string gram;
  size_t pos;
};
std::vector<PositionedGram> PositionedGrams(absl::string_view compact,
                                            bool unigrams = true);
// Every run of three Han characters of `compact` (in its first
// kMaxGramChars characters) with its position, in order.
std::vector<PositionedGram> PositionedTrigrams(absl::string_view compact);

// Whether `s` looks like Latin letters a person might type for pinyin (only
// ASCII letters after compaction).
bool IsPinyinLike(absl::string_view compact);

// A Latin name (text::Normalize output) in the other usual word orders,
// compact: the first word moved to the end ("tan ah kow" -> "ahkowtan") and
// the last word moved to the front ("wei chen" -> "chenwei"). Empty for
// Han text and single words.
std::vector<std::string> OtherNameOrders(absl::string_view normalized);

// The phone or contact key of indexes 144 and 246: "tel:" and a phone
// number's national number (model::ParsePhoneNumber), else the value
// normalised without spaces.
std::string ContactKey(absl::string_view value);

// The derived index declarations (appended to the built-in registry).
std::vector<model::IndexSpec> SearchIndexSpecs();

}  // namespace search
}  // namespace qiaolian

#endif  // QIAOLIAN_SRC_SEARCH_TERMS_H_
