// The query language's syntax tree, as parsed from text (src/query/parser.h).
// Names and values are kept as written, with their character offsets, so the
// planner can report "unknown field" or "not an enum value" at the right
// place. Meaning (which index, which enum number) is resolved by the planner.
//
// Grammar (keywords case-insensitive; offsets are 0-based byte offsets):
//
//   query     := KIND [ 'where' expr ] [ 'group' 'by' group ]
//                [ 'compute' agg { ',' agg } ]
//                [ 'order' 'by' FIELD [ 'asc' | 'desc' ] ] [ 'limit' INT ]
//   expr      := conj { 'or' conj }
//   conj      := factor { 'and' factor }
//   factor    := '(' expr ')' | pred
//   pred      := FIELD op value
//              | FIELD 'between' value 'and' value
//              | FIELD 'in' '(' value { ',' value } ')'
//              | FIELD 'prefix' STRING
//              | FIELD 'exists' | FIELD 'not' 'exists'
//   op        := '=' | '!=' | '<' | '<=' | '>' | '>='
//   value     := STRING | INT | DATE | REF | IDENT
//   group     := FIELD | 'month' '(' FIELD ')' | 'year' '(' FIELD ')'
//   agg       := 'count' | 'count' 'distinct' FIELD | 'sum' FIELD
//              | 'min' FIELD | 'max' FIELD
//
//   KIND      := IDENT (person, enterprise, case, donation, event)
//   FIELD     := IDENT { '.' IDENT }      e.g. investor_countries, date,
//                                          participants.ref,
//                                          legalRepresentative.name
//   STRING    := '"' chars '"' | "'" chars "'"   (\" \' \\ \n \t \uXXXX
//   escapes) INT       := [ '-' ] digits DATE      := YYYY '-' MM '-' DD e.g.
//   2020-01-06 (checked later) REF       := IDENT ':' digits          e.g.
//   enterprise:42 IDENT     := letter { letter | digit | '_' }  (enum names,
//   true, false)
#ifndef QIAOLIAN_SRC_QUERY_AST_H_
#define QIAOLIAN_SRC_QUERY_AST_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace qiaolian {
namespace query {

struct Literal {
  enum class Type { kString, kInteger, kDate, kRef, kIdentifier };
  Type type = Type::kString;
  std::string text;     // kString: the unescaped value; kIdentifier: the name;
                        // kRef: the kind name as written.
  int64_t integer = 0;  // kInteger: the value; kRef: the id.
  int32_t year = 0, month = 0, day = 0;  // kDate.
  size_t pos = 0;  // Offset of the literal in the query text.
};

struct Predicate {
  enum class Op {
    kEq,
    kNe,
    kLt,
    kLe,
    kGt,
    kGe,
    kBetween,    // values[0] <= field <= values[1]
    kIn,         // field equals one of values
    kPrefix,     // string field starts with values[0]
    kExists,     // field has a value
    kNotExists,  // field has no value
    kContains    // string field holds values[0] (text::Compact forms)
  };
  std::string field;  // As written, e.g. "participants.ref".
  size_t field_pos = 0;
  Op op = Op::kEq;
  std::vector<Literal> values;
};

struct Expr {
  enum class Type { kPredicate, kAnd, kOr };
  Type type = Type::kPredicate;
  Predicate predicate;         // kPredicate.
  std::vector<Expr> children;  // kAnd / kOr: two or more.
};

struct GroupBy {
  enum class Bucket { kValue, kMonth, kYear };
  std::string field;
  size_t pos = 0;
  Bucket bucket = Bucket::kValue;
};

struct Aggregate {
  enum class Fn { kCount, kCountDistinct, kSum, kMin, kMax };
  Fn fn = Fn::kCount;
  std::string field;  // Empty for kCount.
  size_t pos = 0;
};

struct OrderBy {
  std::string field;
  size_t pos = 0;
  bool descending = false;
};

struct Query {
  std::string kind;
  size_t kind_pos = 0;
  std::optional<Expr> where;
  std::optional<GroupBy> group_by;
  std::vector<Aggregate> aggregates;  // Empty: a row query.
  std::optional<OrderBy> order_by;
  std::optional<uint64_t> limit;
};

}  // namespace query
}  // namespace qiaolian

#endif  // QIAOLIAN_SRC_QUERY_AST_H_
