// Chinese-aware search over people and enterprises (docs/search.md).
//
//   auto hits = qiaolian::Search(*store, qiaolian::v1::KIND_PERSON, "chen
//   wei"); for (const qiaolian::SearchHit& h : *hits) {
//     std::cout << h.id << " " << h.score << " " << h.reason << "\n";
//   }
//
// The query and the records are compared after normalisation (NFKC, case
// folding, full-width -> half-width, ideographic and zero-width spaces,
// traditional -> simplified), so 陳偉, ＣＨＥＮ　ＷＥＩ and "Chen Wei" meet
// 陈伟. People are found by name, former names (曾用名), the Chinese, Latin,
// other-script and pinyin parts of their name, and their address;
// enterprises by name, former names, foreign name and address. Hits are
// ranked by closeness:
//
//   match      score    found by
//   exact      90-100   the whole (compacted) text equals the query
//   prefix     75-89    a text starts with the query
//   substring  60-74    a text contains the query (n-gram index)
//   pinyin     40-59    the query is the pinyin (full, initials "cw", or the
//                       given name) of a Chinese name, or a Chinese query
//                       sounds the same (陈伟 / 陈玮)
//   fuzzy      1-39     most of the query's n-grams occur in a text
//
// and within a match by field (name first) and by how much of the text the
// query covers. A query that can be a code (letters, digits, + - ( ) and at
// least 5 digits, or an e-mail address) finds first, exact at 100, the
// records whose USCC or registration number (enterprises), identity
// document number (people) or contact it is, however spaced or in whichever
// width or case; field "uscc", "registration number", "identity document"
// or "contact", text the record's name. An enterprise search for two to
// four Han characters (a person's name) also finds the enterprises whose
// legal representative has exactly that name: match "exact", score 60
// (below the enterprises named with it), field "legal representative".
// Each record appears once, with its best match. Reads one snapshot;
// thread-safe.
#ifndef QIAOLIAN_SEARCH_H_
#define QIAOLIAN_SEARCH_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "qiaolian/record.h"
#include "qiaolian/store.h"

namespace qiaolian {

struct SearchHit {
  uint64_t id = 0;
  int score = 0;       // 1..100, see the table above.
  std::string match;   // "exact", "prefix", "substring", "pinyin", "fuzzy".
  std::string field;   // "name", "former name", "address", ...
  std::string text;    // The record's text that matched, as stored.
  std::string reason;  // One line for people: "pinyin initials of name".
};

struct SearchOptions {
  // At most this many hits (1..1000).
  size_t limit = 20;
  // Lowest score returned (1..100); e.g. 40 drops fuzzy matches.
  int min_score = 1;
};

// Searches `kind` (KIND_PERSON or KIND_ENTERPRISE) for `text`. Best hits
// first (score, then id); when more records tie at the lowest score
// returned than fit in `limit`, which of them are returned is not
// specified (today: the first by matched text, then id). INVALID_ARGUMENT
// for another kind, a query with no letters, digits or Han characters, or
// a limit out of range.
absl::StatusOr<std::vector<SearchHit>> Search(
    const Store& store, Kind kind, absl::string_view text,
    const SearchOptions& options = {});

}  // namespace qiaolian

#endif  // QIAOLIAN_SEARCH_H_
