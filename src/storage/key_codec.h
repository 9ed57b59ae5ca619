// The one place that knows how qiaolian lays out keys in LevelDB.
//
// Every key starts with a one-byte keyspace tag. Tags are never reused.
//
//   key        := meta | row | index | unique | history | audit
//   meta       := 0x01 name                       -> small serialised proto
//                  name is raw ASCII: "schema_version", "next_id/<kind>",
//                  "count/<kind>".
//   row        := 0x02 kind:u8 id:u64             -> serialised entity
//   index      := 0x03 index_id:u16 component* id:u64 -> empty
//                  (a packed index's block key -> postings: postings.h)
//   unique     := 0x04 index_id:u16 component*   -> id:u64
//   history    := 0x05 kind:u8 id:u64 revision:u64 -> ChangeRecord
//   audit      := 0x0A seq:u64                    -> AuditRecord (audit.proto)
//                  append-only, hash-chained; seq from 1 without gaps
//                  (src/privacy/audit.cc, docs/privacy.md)
//
//   u8, u16, u64 := fixed width, big-endian (so byte order = numeric order)
//   kind         := qiaolian.v1.Kind value (1 person .. 5 event)
//
//   component  := asc | desc
//   asc        := 0x10                             (null: absent value)
//               | 0x21 i64:flipped                 (signed integer)
//               | 0x22 u64                         (unsigned integer)
//               | 0x30 escaped-bytes 0x00 0x01     (string/bytes)
//   flipped    := u64 of (value XOR 1<<63), so negatives sort first
//   escaped-bytes := each 0x00 byte written as 0x00 0xFF, others as is
//   desc       := the bitwise complement of every byte of an asc component
//                 (tag included), so it sorts in reverse; its tag is in
//                 0xC0..0xEF and decoders recognise it by that.
//
// Components carry a type tag so that any key is readable without knowing
// the index that wrote it (DescribeKey), and so that an absent value sorts
// before every present one. No varints and no little-endian numbers appear
// in keys: byte-wise comparison (LevelDB's default comparator) gives the
// logical order.
#ifndef QIAOLIAN_SRC_STORAGE_KEY_CODEC_H_
#define QIAOLIAN_SRC_STORAGE_KEY_CODEC_H_

#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <variant>
#include <vector>

#include "absl/base/attributes.h"
#include "absl/strings/string_view.h"

namespace qiaolian {
namespace storage {

enum class Keyspace : uint8_t {
  kMeta = 0x01,
  kRows = 0x02,
  kIndex = 0x03,
  kUnique = 0x04,
  kHistory = 0x05,
  kAudit = 0x0A,
};

// Component type tags (ascending form).
inline constexpr uint8_t kTagNull = 0x10;
inline constexpr uint8_t kTagInt64 = 0x21;
inline constexpr uint8_t kTagUint64 = 0x22;
inline constexpr uint8_t kTagString = 0x30;

// --- Fixed-width primitives.
void PutU8(std::string* dst, uint8_t v);
void PutU16(std::string* dst, uint16_t v);
void PutU64(std::string* dst, uint64_t v);
// Each Get* consumes from the front of `*in`; false (and `*in` unspecified)
// when the input is too short.
ABSL_MUST_USE_RESULT bool GetU8(absl::string_view* in, uint8_t* v);
ABSL_MUST_USE_RESULT bool GetU16(absl::string_view* in, uint16_t* v);
ABSL_MUST_USE_RESULT bool GetU64(absl::string_view* in, uint64_t* v);
// The u64 at `p` (8 readable bytes): one load and a byte swap, where a loop
// over the bytes costs some 30 instructions per call on the hot paths
// (posting keys, index entries).
inline uint64_t LoadU64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof v);
  if constexpr (std::endian::native == std::endian::little) {
    v = __builtin_bswap64(v);
  }
  return v;
}

// --- Ordered, typed components (for index and unique keys).
struct Null {
  bool operator==(const Null&) const = default;
};
using Component = std::variant<Null, int64_t, uint64_t, std::string>;

enum class Direction { kAscending, kDescending };

void PutComponent(std::string* dst, const Component& c,
                  Direction dir = Direction::kAscending);
void PutNull(std::string* dst, Direction dir = Direction::kAscending);
void PutInt64(std::string* dst, int64_t v,
              Direction dir = Direction::kAscending);
void PutUint64(std::string* dst, uint64_t v,
               Direction dir = Direction::kAscending);
void PutString(std::string* dst, absl::string_view v,
               Direction dir = Direction::kAscending);

// Decodes one component from the front of `*in`. Returns false on malformed
// input (unknown tag, truncated, bad escape).
ABSL_MUST_USE_RESULT bool GetComponent(absl::string_view* in, Component* c,
                                       Direction* dir);
// GetComponent for a component that must be a string (into `*v`, reusing
// its capacity), an int64 or a uint64: false also when it is of another type.
// For readers that decode many keys of a known layout (search scans).
ABSL_MUST_USE_RESULT bool GetString(absl::string_view* in, std::string* v,
                                    Direction* dir);
ABSL_MUST_USE_RESULT bool GetInt64(absl::string_view* in, int64_t* v,
                                   Direction* dir);
ABSL_MUST_USE_RESULT bool GetUint64(absl::string_view* in, uint64_t* v,
                                    Direction* dir);

// --- Whole keys.
std::string MetaKey(absl::string_view name);
std::string RowKey(uint8_t kind, uint64_t id);
// All rows of one kind: [RowPrefix(kind), RowPrefix(kind + 1)).
std::string RowPrefix(uint8_t kind);
std::string HistoryKey(uint8_t kind, uint64_t id, uint64_t revision);
std::string HistoryPrefix(uint8_t kind, uint64_t id);
std::string IndexPrefix(uint16_t index_id);
std::string AuditKey(uint64_t seq);
// Every audit key: [AuditPrefix(), PrefixSuccessor(AuditPrefix())).
std::string AuditPrefix();
ABSL_MUST_USE_RESULT bool DecodeAuditKey(absl::string_view key, uint64_t* seq);
std::string UniquePrefix(uint16_t index_id);

struct RowKeyParts {
  uint8_t kind = 0;
  uint64_t id = 0;
};
ABSL_MUST_USE_RESULT bool DecodeRowKey(absl::string_view key, RowKeyParts* out);

struct HistoryKeyParts {
  uint8_t kind = 0;
  uint64_t id = 0;
  uint64_t revision = 0;
};
ABSL_MUST_USE_RESULT bool DecodeHistoryKey(absl::string_view key,
                                           HistoryKeyParts* out);

// Smallest key greater than every key that starts with `prefix` (empty when
// there is none, i.e. the prefix is all 0xFF).
std::string PrefixSuccessor(absl::string_view prefix);

// A human-readable rendering of any key, for errors and logs, e.g.
// `row(enterprise, 42)`, `meta("schema_version")`,
// `index(#7, "KE", -3, id=42)`. Never fails: unreadable parts are shown as
// hex with a note.
std::string DescribeKey(absl::string_view key);

// The lower-case name of a kind ("person" .. "event"), or "kind#N".
std::string KindName(uint8_t kind);

}  // namespace storage
}  // namespace qiaolian

#endif  // QIAOLIAN_SRC_STORAGE_KEY_CODEC_H_
