// Parses query text (grammar in src/query/ast.h) into a Query.
#ifndef QIAOLIAN_SRC_QUERY_PARSER_H_
#define QIAOLIAN_SRC_QUERY_PARSER_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "src/query/ast.h"

namespace qiaolian {
namespace query {

// INVALID_ARGUMENT on a syntax error, with a one-line message that gives the
// character offset (1-based column) and what was expected and found:
//   at column 27: expected a value after '=', found 'and'
//   at column 1: expected a kind (person, enterprise, case, donation,
//     event), found end of query
absl::StatusOr<Query> Parse(absl::string_view text);

// Renders a Query back to canonical text (keywords lower case, strings
// double-quoted with escapes). Parse(ToString(q)) == q.
std::string ToString(const Query& q);

}  // namespace query
}  // namespace qiaolian

#endif  // QIAOLIAN_SRC_QUERY_PARSER_H_
