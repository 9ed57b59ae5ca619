// Size limits on every input (docs/reliability.md, "Limits"). Each is
// checked before the input is parsed (or, for a field, before it is
// validated), on every surface where it applies (C++, C, Python, CLI,
// import), and exceeding it is RESOURCE_EXHAUSTED naming the input, its
// size and the limit. The C API has the same values as QIAOLIAN_MAX_*
// (include/qiaolian/c.h).
#ifndef QIAOLIAN_LIMITS_H_
#define QIAOLIAN_LIMITS_H_

#include <cstddef>

namespace qiaolian {

// One record, serialized (protobuf bytes): at the C API before decoding,
// and on every write (Store::Create, CreateAll, Update).
inline constexpr size_t kMaxRecordBytes = size_t{16} << 20;
// One string or bytes value in a record (a name, a note, one tag...):
// on every write, before the value is validated.
inline constexpr size_t kMaxFieldBytes = size_t{1} << 20;
// One JSON document (a record as JSON, a JSON Lines line): before the JSON
// is parsed (RecordFromJson, the C API, CLI put/update, JSONL import).
inline constexpr size_t kMaxJsonBytes = size_t{16} << 20;
// One query text: before it is parsed (Store::Query, Aggregate, Explain,
// the C API, CLI query/count/explain/export).
inline constexpr size_t kMaxQueryBytes = size_t{64} << 10;
// One field of a CSV/TSV/Excel row being imported: the row is rejected
// (reject file, reason naming the column) before the field is normalised.
inline constexpr size_t kMaxCsvFieldBytes = size_t{1} << 20;

}  // namespace qiaolian

#endif  // QIAOLIAN_LIMITS_H_
