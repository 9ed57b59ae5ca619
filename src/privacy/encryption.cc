// Encryption at rest of sensitive fields (src/privacy/encryption.h): AES-GCM,
// HMAC and HKDF from OpenSSL's libcrypto (the library already uses it for the
// audit chain's SHA-256).
#include "src/privacy/encryption.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>

#include <memory>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "qiaolian/v1/storage.pb.h"
#include "src/model/indexes.h"
#include "src/storage/key_codec.h"
#include "src/util/status_macros.h"
#include "src/util/time.h"

namespace qiaolian {
namespace privacy {
namespace {

constexpr size_t kNonceBytes = 12;
constexpr size_t kTagBytes = 16;
constexpr char kMetaName[] = "encryption";

struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
};
struct PkeyCtxFree {
  void operator()(EVP_PKEY_CTX* c) const { EVP_PKEY_CTX_free(c); }
};

const unsigned char* Bytes(absl::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

// HKDF-SHA-256(key, no salt, info) -> 32 bytes.
absl::StatusOr<std::string> Hkdf(absl::string_view key,
                                 absl::string_view info) {
  std::unique_ptr<EVP_PKEY_CTX, PkeyCtxFree> ctx(
      EVP_PKEY_CTX_new_id(EVP_PKEY_HKDF, nullptr));
  std::string out(32, '\0');
  size_t len = out.size();
  if (ctx == nullptr || EVP_PKEY_derive_init(ctx.get()) <= 0 ||
      EVP_PKEY_CTX_set_hkdf_md(ctx.get(), EVP_sha256()) <= 0 ||
      EVP_PKEY_CTX_set1_hkdf_key(ctx.get(), Bytes(key),
                                 static_cast<int>(key.size())) <= 0 ||
      EVP_PKEY_CTX_add1_hkdf_info(ctx.get(), Bytes(info),
                                  static_cast<int>(info.size())) <= 0 ||
      EVP_PKEY_derive(ctx.get(), reinterpret_cast<unsigned char*>(out.data()),
                      &len) <= 0 ||
      len != out.size()) {
    return absl::InternalError("HKDF key derivation failed (OpenSSL)");
  }
  return out;
}

std::string MetaKeyOf() { return storage::MetaKey(kMetaName); }

}  // namespace

FieldEncryption::~FieldEncryption() {
  for (std::string* k : {&value_key_, &index_key_, &check_}) {
    if (!k->empty()) OPENSSL_cleanse(k->data(), k->size());
  }
}

absl::StatusOr<std::shared_ptr<const FieldEncryption>> FieldEncryption::Create(
    absl::string_view key) {
  if (key.size() != kEncryptionKeyBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("encryption key: must be ", kEncryptionKeyBytes,
                     " bytes (AES-256), got ", key.size()));
  }
  std::shared_ptr<FieldEncryption> e(new FieldEncryption());
  QL_ASSIGN_OR_RETURN(e->value_key_, Hkdf(key, "qiaolian/v1 field encryption"));
  QL_ASSIGN_OR_RETURN(e->index_key_, Hkdf(key, "qiaolian/v1 index hash"));
  QL_ASSIGN_OR_RETURN(e->check_, Hkdf(key, "qiaolian/v1 key check"));
  return std::shared_ptr<const FieldEncryption>(std::move(e));
}

std::string FieldEncryption::IndexHash(absl::string_view value) const {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), index_key_.data(), static_cast<int>(index_key_.size()),
       Bytes(value), value.size(), md, &len);
  return std::string(reinterpret_cast<const char*>(md), kIndexHashBytes);
}

std::string FieldEncryption::AssociatedData(uint8_t kind, uint64_t id,
                                            absl::string_view path) {
  return absl::StrCat("qiaolian/v1|", storage::KindName(kind), "|", id, "|",
                      path);
}

absl::StatusOr<std::string> FieldEncryption::Seal(
    absl::string_view ad, absl::string_view plaintext) const {
  std::string raw(kNonceBytes + plaintext.size() + kTagBytes, '\0');
  auto* out = reinterpret_cast<unsigned char*>(raw.data());
  std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree> ctx(EVP_CIPHER_CTX_new());
  int len = 0, final_len = 0;
  if (ctx == nullptr || RAND_bytes(out, kNonceBytes) != 1 ||
      EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr,
                         Bytes(value_key_), out) != 1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &len, Bytes(ad),
                        static_cast<int>(ad.size())) != 1 ||
      EVP_EncryptUpdate(ctx.get(), out + kNonceBytes, &len, Bytes(plaintext),
                        static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), out + kNonceBytes + len, &final_len) !=
          1 ||
      static_cast<size_t>(len + final_len) != plaintext.size() ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes,
                          out + kNonceBytes + plaintext.size()) != 1) {
    return absl::InternalError("encrypting a value failed (OpenSSL)");
  }
  return absl::StrCat(kEnvelopePrefix, absl::Base64Escape(raw));
}

absl::StatusOr<std::string> FieldEncryption::Open(
    absl::string_view ad, absl::string_view envelope) const {
  std::string raw;
  if (!absl::ConsumePrefix(&envelope, kEnvelopePrefix)) {
    return absl::DataLossError("is not encrypted (no qlenc1: envelope)");
  }
  if (!absl::Base64Unescape(envelope, &raw) ||
      raw.size() < kNonceBytes + kTagBytes) {
    return absl::DataLossError("has a malformed encryption envelope");
  }
  const size_t n = raw.size() - kNonceBytes - kTagBytes;
  const auto* in = reinterpret_cast<const unsigned char*>(raw.data());
  std::string plain(n, '\0');
  std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree> ctx(EVP_CIPHER_CTX_new());
  int len = 0, final_len = 0;
  std::string tag = raw.substr(kNonceBytes + n);
  const bool ok =
      ctx != nullptr &&
      EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr,
                         Bytes(value_key_), in) == 1 &&
      EVP_DecryptUpdate(ctx.get(), nullptr, &len, Bytes(ad),
                        static_cast<int>(ad.size())) == 1 &&
      EVP_DecryptUpdate(ctx.get(),
                        reinterpret_cast<unsigned char*>(plain.data()), &len,
                        in + kNonceBytes, static_cast<int>(n)) == 1 &&
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes,
                          tag.data()) == 1 &&
      EVP_DecryptFinal_ex(ctx.get(),
                          reinterpret_cast<unsigned char*>(plain.data()) + len,
                          &final_len) == 1;
  if (!ok) {
    OPENSSL_cleanse(plain.data(), plain.size());
    return absl::DataLossError(
        "does not decrypt (altered, moved from another record or field, or "
        "written under another key)");
  }
  return plain;
}

absl::StatusOr<std::string> FieldEncryption::Encode(
    uint8_t kind, uint64_t id, const google::protobuf::Message& record) const {
  std::unique_ptr<google::protobuf::Message> copy(record.New());
  copy->CopyFrom(record);
  absl::Status failure;
  model::ForEachEncryptedValue(
      copy.get(), [&](const std::string& path, std::string* value) {
        if (!failure.ok()) return;
        absl::StatusOr<std::string> sealed =
            Seal(AssociatedData(kind, id, path), *value);
        if (!sealed.ok()) {
          failure = sealed.status();
          return;
        }
        *value = *std::move(sealed);
      });
  QL_RETURN_IF_ERROR(failure);
  return copy->SerializeAsString();
}

absl::Status FieldEncryption::Decode(uint8_t kind, uint64_t id,
                                     google::protobuf::Message* record) const {
  absl::Status failure;
  model::ForEachEncryptedValue(
      record, [&](const std::string& path, std::string* value) {
        if (!failure.ok()) return;
        absl::StatusOr<std::string> plain =
            Open(AssociatedData(kind, id, path), *value);
        if (!plain.ok()) {
          failure = absl::DataLossError(absl::StrCat(storage::KindName(kind),
                                                     " ", id, ": ", path, " ",
                                                     plain.status().message()));
          return;
        }
        *value = *std::move(plain);
      });
  return failure;
}

absl::StatusOr<std::shared_ptr<const FieldEncryption>> OpenEncryption(
    storage::Db* db, absl::string_view key, bool read_only) {
  QL_ASSIGN_OR_RETURN(std::optional<std::string> stored, db->Get(MetaKeyOf()));
  v1::EncryptionInfo info;
  if (stored.has_value() &&
      (!info.ParseFromString(*stored) || info.key_check().empty())) {
    return absl::DataLossError(absl::StrCat(
        "store ", db->path(), ": unreadable encryption record in meta"));
  }
  if (key.empty()) {
    if (stored.has_value()) {
      return absl::FailedPreconditionError(
          absl::StrCat("store ", db->path(),
                       " encrypts its sensitive fields; open it with its key "
                       "(StoreOptions::encryption_key, qiaolian --key-file)"));
    }
    return std::shared_ptr<const FieldEncryption>();
  }
  QL_ASSIGN_OR_RETURN(std::shared_ptr<const FieldEncryption> enc,
                      FieldEncryption::Create(key));
  if (stored.has_value()) {
    if (info.scheme() != kEncryptionScheme) {
      return absl::FailedPreconditionError(
          absl::StrCat("store ", db->path(), " uses encryption scheme \"",
                       info.scheme(), "\", which this library does not know"));
    }
    if (info.key_check().size() != enc->key_check().size() ||
        CRYPTO_memcmp(info.key_check().data(), enc->key_check().data(),
                      enc->key_check().size()) != 0) {
      return absl::PermissionDeniedError(absl::StrCat(
          "wrong encryption key for store ", db->path(),
          ": it does not match the key check value the store was created "
          "with"));
    }
    return enc;
  }
  // A store that has never held a record (only meta keys) may be encrypted
  // from here on; one created without encryption that holds records may not.
  {
    std::unique_ptr<leveldb::Iterator> it(
        db->raw()->NewIterator(storage::ReadOpts()));
    it->Seek(std::string(1, static_cast<char>(storage::Keyspace::kRows)));
    QL_RETURN_IF_ERROR(storage::FromLevelDb(it->status(), db->path()));
    if (it->Valid()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "store ", db->path(),
          " was created without encryption and holds records; encrypting an "
          "existing store is not supported (export it and import into a new "
          "store created with the key), so open it without a key"));
    }
  }
  if (read_only) {
    return absl::FailedPreconditionError(absl::StrCat(
        "store ", db->path(),
        " is not encrypted yet; open it once with the key and without "
        "read-only to turn encryption on"));
  }
  info.set_scheme(kEncryptionScheme);
  info.set_key_check(enc->key_check());
  *info.mutable_created_at() = ToTimestamp(absl::Now());
  leveldb::WriteBatch batch;
  batch.Put(MetaKeyOf(), info.SerializeAsString());
  QL_RETURN_IF_ERROR(db->Write(&batch, /*sync=*/true));
  return enc;
}

}  // namespace privacy
}  // namespace qiaolian
