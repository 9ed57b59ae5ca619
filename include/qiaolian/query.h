// Queries over a store, in a small text language shared by C++, C, Python
// and the CLI:
//
//   enterprise where investor_countries = "KE" and established >= 2010-01-01
//       order by name limit 50
//   event where type = MEDIA_REPORT and date between 2020-01-01 and 2020-12-31
//       group by outlet compute count
//   case where status in (RECEIVED, IN_PROGRESS) and due < 2020-06-01
//
// The grammar is in src/query/ast.h; docs/queries.md explains it for users.
// Fields are proto field paths (snake_case or the JSON lowerCamelCase, dotted
// into messages: legal_representative.name, participants.ref). Predicates need
// an index on their field unless QueryOptions::allow_scan; an unindexed
// predicate combined by `and` with an indexed one is checked on the rows.
// Values: "strings", integers, dates 2020-01-06, enum values by name (full,
// STATUS_ACTIVE, or short, ACTIVE), true/false, Refs as enterprise:42. On a
// repeated field a predicate holds when any element satisfies it (`!=` and
// `not exists` when none does).
#ifndef QIAOLIAN_QUERY_H_
#define QIAOLIAN_QUERY_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "google/protobuf/message.h"

namespace qiaolian {

class StoreSnapshot;  // include/qiaolian/store.h

struct QueryOptions {
  // Permit reading every record of the kind when no index serves the query.
  bool allow_scan = false;
  // Resume after the page that returned this cursor (QueryPage::next_cursor).
  // A cursor is only valid for the same query text.
  std::string cursor;
  // At most this many records per call; 0 means up to the query's limit.
  uint64_t page_size = 0;
  // Read at this snapshot (Store::NewSnapshot) instead of a fresh one, so
  // that several queries see one state of the store. Not owned; must come
  // from the store queried.
  const StoreSnapshot* snapshot = nullptr;
};

struct QueryPage {
  std::vector<std::unique_ptr<google::protobuf::Message>> records;
  // Non-empty when more records remain: pass it in QueryOptions::cursor.
  std::string next_cursor;
};

// One aggregate of one group.
struct AggregateValue {
  uint64_t count = 0;  // count, count distinct: the number.
  // sum of Money (or of Item values): amount in minor units per currency.
  std::map<std::string, int64_t> money;
  // sum of Items: quantity per unit.
  std::map<std::string, int64_t> quantities;
  // sum of an integer field.
  int64_t total = 0;
  // min / max: the value rendered as in JSON ("2020-01-06",
  // "STATUS_ACTIVE", "enterprise:42", text); empty when no record had one.
  std::string value;
};

struct AggregateGroup {
  // The group's value rendered as above ("2020-03" for month buckets,
  // "null" for records without one); empty when there is no group by.
  std::string key;
  std::vector<AggregateValue> values;  // One per column.
  std::vector<uint64_t> ids;  // Ids of the records in the group, ascending.
};

struct AggregateResult {
  std::vector<std::string> columns;  // "count", "sum money", ...
  // What each column holds: "count" (AggregateValue::count), "money"
  // (money), "items" (quantities and money), "number" (total), "value"
  // (value, for min/max).
  std::vector<std::string> column_kinds;
  std::vector<AggregateGroup> groups;  // Ordered by key.
  // {"columns": [...], "groups": [{"key": ..., "values": [...],
  //  "ids": [...]}]}; money and quantities as objects keyed by currency/unit.
  std::string ToJson(bool with_ids = true) const;
};

}  // namespace qiaolian

#endif  // QIAOLIAN_QUERY_H_
