// Encryption at rest of sensitive fields (docs/privacy.md, "Encryption at
// rest"). The host supplies a 32-byte data key when it opens the store
// (StoreOptions::encryption_key); it is never stored. From it, HKDF-SHA-256
// derives three keys (info strings "qiaolian/v1 field encryption",
// "qiaolian/v1 index hash", "qiaolian/v1 key check"):
//
//   value    := "qlenc1:" base64(nonce:12 ‖ AES-256-GCM ciphertext ‖ tag:16)
//               associated data "qiaolian/v1|<kind>|<id>|<path>", e.g.
//               "qiaolian/v1|person|7|identity_documents[0].number"
//   index    := HMAC-SHA-256(index key, value)[0..16)   (a string component)
//   meta("encryption") := EncryptionInfo {scheme, key_check, created_at}
//
// Which fields: model::IsEncryptedPath (sensitive text fields outside
// public_data messages). A fresh random nonce per value and write; the
// associated data binds a ciphertext to its record and field, so a value
// copied into another record, field or element does not decrypt (DATA_LOSS).
#ifndef QIAOLIAN_SRC_PRIVACY_ENCRYPTION_H_
#define QIAOLIAN_SRC_PRIVACY_ENCRYPTION_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "qiaolian/store.h"
#include "src/storage/db.h"
#include "src/storage/row_codec.h"

namespace qiaolian {
namespace privacy {

using qiaolian::kEncryptionKeyBytes;  // include/qiaolian/store.h
inline constexpr size_t kIndexHashBytes = 16;
inline constexpr char kEncryptionScheme[] = "aes-256-gcm+hmac-sha256-128/v1";
inline constexpr char kEnvelopePrefix[] = "qlenc1:";

// The codec a store with encryption at rest installs on its Db.
// Thread-safe (every call uses its own OpenSSL context).
class FieldEncryption final : public storage::RowCodec {
 public:
  // INVALID_ARGUMENT unless `key` is exactly 32 bytes.
  static absl::StatusOr<std::shared_ptr<const FieldEncryption>> Create(
      absl::string_view key);
  ~FieldEncryption() override;

  // HMAC-SHA-256 of `value` under the index key, first 16 bytes.
  std::string IndexHash(absl::string_view value) const;
  // The key check value recorded in the store's meta (32 bytes).
  const std::string& key_check() const { return check_; }

  // One value: `plaintext` sealed under `ad` as an envelope, and back.
  // Open: DATA_LOSS when the envelope is malformed or does not authenticate.
  absl::StatusOr<std::string> Seal(absl::string_view ad,
                                   absl::string_view plaintext) const;
  absl::StatusOr<std::string> Open(absl::string_view ad,
                                   absl::string_view envelope) const;
  // The associated data of a value at `path` of record (`kind`, `id`).
  static std::string AssociatedData(uint8_t kind, uint64_t id,
                                    absl::string_view path);

  absl::StatusOr<std::string> Encode(
      uint8_t kind, uint64_t id,
      const google::protobuf::Message& record) const override;
  absl::Status Decode(uint8_t kind, uint64_t id,
                      google::protobuf::Message* record) const override;

 private:
  FieldEncryption() = default;
  std::string value_key_, index_key_, check_;
};

// Sets up encryption for a store just opened: with `key` empty, refuses a
// store that is encrypted (FAILED_PRECONDITION) and returns nullptr; with a
// key, checks it against meta("encryption") (PERMISSION_DENIED when it does
// not match), or records it there when the store has never held a record
// (FAILED_PRECONDITION for a store created without encryption: encrypting
// existing records is not supported; INVALID_ARGUMENT for a key that is not
// 32 bytes). The result is installed on `db` by the caller.
absl::StatusOr<std::shared_ptr<const FieldEncryption>> OpenEncryption(
    storage::Db* db, absl::string_view key, bool read_only);

}  // namespace privacy
}  // namespace qiaolian

#endif  // QIAOLIAN_SRC_PRIVACY_ENCRYPTION_H_
