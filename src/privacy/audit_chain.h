// The head of the audit log's hash chain, kept in memory by the Store and
// advanced only after the batch holding the new entries is written.
//
//   audit      := 0x0A seq:u64 -> AuditRecord {entry, hash}
//   hash(seq)  := SHA-256(hash(seq - 1) || seq:u64 big-endian || entry)
//   hash(0)    := 32 zero bytes
//
// Usage, under the store's writer lock:
//   chain.Begin();
//   chain.Append(entry, &batch);   // any number
//   status = db.Write(&batch);
//   status.ok() ? chain.Commit() : chain.Rollback();
#ifndef QIAOLIAN_SRC_PRIVACY_AUDIT_CHAIN_H_
#define QIAOLIAN_SRC_PRIVACY_AUDIT_CHAIN_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/message.h"
#include "leveldb/write_batch.h"
#include "qiaolian/record.h"
#include "qiaolian/v1/audit.pb.h"
#include "src/storage/db.h"

namespace qiaolian {
namespace privacy {

// SHA-256 of `data` (32 raw bytes), and as lower-case hex.
std::string Sha256(absl::string_view data);
std::string Hex(absl::string_view bytes);

// The chain hash of entry bytes `entry` at `seq` after `prev`.
std::string ChainHash(absl::string_view prev, uint64_t seq,
                      absl::string_view entry);

class AuditChain {
 public:
  // Reads the last entry of the log (or none). DATA_LOSS when it is
  // unreadable.
  absl::Status Load(const storage::Db& db);

  void Begin();
  // Assigns the next seq to `entry`, chains it and puts it in `batch`.
  void Append(v1::AuditEntry entry, leveldb::WriteBatch* batch);
  void Commit();
  void Rollback();

  uint64_t seq() const { return seq_; }

 private:
  uint64_t seq_ = 0;
  std::string hash_ = std::string(32, '\0');
  uint64_t pending_seq_ = 0;
  std::string pending_hash_;
};

// The fields that differ between `before` and `after` (either may be null:
// then every field set in the other), as paths: singular messages are
// followed down ("address.text"), repeated fields and scalars are named
// whole ("contacts"). RecordMeta is left out.
std::vector<std::string> ChangedFields(const google::protobuf::Message* before,
                                       const google::protobuf::Message* after);

// An entry for a committed change.
v1::AuditEntry ChangeEntry(v1::AuditEntry::Action action, Kind kind,
                           uint64_t id, uint64_t revision, absl::Time at,
                           absl::string_view actor,
                           std::vector<std::string> fields);

}  // namespace privacy
}  // namespace qiaolian

#endif  // QIAOLIAN_SRC_PRIVACY_AUDIT_CHAIN_H_
