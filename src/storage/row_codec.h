// How a row's bytes relate to its record. Plain stores keep the serialised
// record; a store with encryption at rest (docs/privacy.md) installs a codec
// (src/privacy/encryption.h) on its Db that encrypts the values of sensitive
// fields on the way in and decrypts them on the way out. Every piece of the
// library that turns a row or a history record's row into a record, or back,
// goes through EncodeRow/DecodeRow, so the rest sees plaintext records.
//
// The codec works on messages, not on their meaning: storage still knows
// nothing of the schema (src/model), only that rows are protobuf messages.
#ifndef QIAOLIAN_SRC_STORAGE_ROW_CODEC_H_
#define QIAOLIAN_SRC_STORAGE_ROW_CODEC_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"

namespace qiaolian {
namespace storage {

class Db;

// Thread-safe: one codec serves every reader and the writer of a store.
class RowCodec {
 public:
  virtual ~RowCodec() = default;
  // The stored form of `record`, the row of (`kind`, `id`).
  virtual absl::StatusOr<std::string> Encode(
      uint8_t kind, uint64_t id,
      const google::protobuf::Message& record) const = 0;
  // Turns `record`, parsed from the stored form of the row of (`kind`,
  // `id`), back into the record (in place). DATA_LOSS when a value cannot
  // be decoded (altered, or moved from another record or field).
  virtual absl::Status Decode(uint8_t kind, uint64_t id,
                              google::protobuf::Message* record) const = 0;
};

// The bytes to store for `record`, the row of (`kind`, `id`) in `db`.
absl::StatusOr<std::string> EncodeRow(const Db& db, uint8_t kind, uint64_t id,
                                      const google::protobuf::Message& record);

// Parses `bytes`, the stored row of (`kind`, `id`) in `db` (or a history
// record's copy of it), into `out`. DATA_LOSS naming the record when the
// bytes do not parse or a value does not decrypt.
absl::Status DecodeRow(const Db& db, uint8_t kind, uint64_t id,
                       absl::string_view bytes, google::protobuf::Message* out);

}  // namespace storage
}  // namespace qiaolian

#endif  // QIAOLIAN_SRC_STORAGE_ROW_CODEC_H_
