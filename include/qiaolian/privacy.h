// Personal data protection (个人信息保护, docs/privacy.md): masking of the
// fields the schema marks sensitive, the hash-chained audit log, and erasure
// of a person (right to deletion, PIPL art. 47).
//
//   // A masked read (what staff see by default):
//   auto p = qiaolian::ReadRecord(*store, v1::KIND_PERSON, 7, {});
//   // An unmasked read: allowed, but written to the audit log first.
//   qiaolian::ReadOptions ro;
//   ro.unmasked = true;
//   ro.actor = "王科员";
//   auto raw = qiaolian::ReadRecord(*store, v1::KIND_PERSON, 7, ro);
//   // Erasure: row, history and index entries gone, files compacted.
//   qiaolian::EraseOptions eo;
//   eo.actor = "王科员";
//   absl::StatusOr<qiaolian::EraseReport> r =
//       qiaolian::Erase(*store, v1::KIND_PERSON, 7, eo);
//
// Sensitive fields are declared in the schema with the (qiaolian.v1.sensitive)
// field option (proto/qiaolian/v1/options.proto): identity document numbers,
// contact values (phones, e-mails, accounts, postal addresses), address
// text, and birth dates of possible minors. Store::Get, Store::Query and
// Store::History are the raw, trusted layer and return values as stored,
// without an audit entry; the functions here are the layer that user-facing
// surfaces use (the CLI, exports, the C API's read options, Python).
//
// The audit log lives inside the store (keyspace 0x0A, key_codec.h): one
// entry per committed change, written in the change's own LevelDB batch
// (so a change and its entry are never one without the other), and one per
// record shown unmasked, written before the values are returned. Entries
// say who, when, what and which fields, never values, and are chained with
// SHA-256 so that VerifyAudit detects an entry altered, removed, inserted or
// reordered.
//
// Thread-safety: every function is safe to call concurrently with any other
// use of the store.
#ifndef QIAOLIAN_PRIVACY_H_
#define QIAOLIAN_PRIVACY_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "google/protobuf/message.h"
#include "qiaolian/query.h"
#include "qiaolian/record.h"
#include "qiaolian/store.h"
#include "qiaolian/v1/audit.pb.h"
#include "qiaolian/v1/storage.pb.h"

namespace qiaolian {

// --- Masking ----------------------------------------------------------------

struct MaskOptions {
  // The day against which "may be a minor" is judged (only_below_age);
  // unset: today (UTC).
  std::optional<absl::CivilDay> today;
};

// Masks, in place, every sensitive field of `record` (any message: an
// entity, or a part of one) and of every message inside it, following the
// (qiaolian.v1.sensitive) options; subtrees marked (qiaolian.v1.public_data)
// are left as they are. Masking is idempotent.
void MaskRecord(google::protobuf::Message* record,
                const MaskOptions& options = {});

// The paths of the sensitive fields of `record` that hold a value masking
// would hide ("identity_documents.number", "contacts.value", "birth_date",
// "address.text"), without indexes, each once, in schema order. This is
// what an unmasked read of `record` reveals, and what its audit entry lists.
std::vector<std::string> SensitiveFields(
    const google::protobuf::Message& record, const MaskOptions& options = {});

// --- Masked and audited reads -----------------------------------------------

struct ReadOptions {
  // Show sensitive fields as stored. Each record that has any is first
  // written to the audit log (ACTION_UNMASKED_READ with the fields); if
  // that write fails, the read fails and nothing is shown. Needs a store
  // that is not read-only (FAILED_PRECONDITION otherwise).
  bool unmasked = false;
  std::string actor;    // Who reads (操作人), kept in the audit entry.
  std::string purpose;  // Why, kept in the audit entry's note (optional).
  MaskOptions mask;
};

// Store::Get, masked or audited.
absl::StatusOr<std::unique_ptr<google::protobuf::Message>> ReadRecord(
    const Store& store, Kind kind, uint64_t id, const ReadOptions& options);

// Store::Query, each record of the page masked or audited (one batch of
// audit entries per page).
absl::StatusOr<QueryPage> ReadQuery(const Store& store, absl::string_view text,
                                    const QueryOptions& query_options,
                                    const ReadOptions& options);

// Store::History, each change's row masked (re-serialised) or audited.
absl::StatusOr<std::vector<v1::ChangeRecord>> ReadHistory(
    const Store& store, Kind kind, uint64_t id, const ReadOptions& options);

// Masks `records` in place unless options.unmasked, in which case it writes
// their audit entries (one batch) instead. For callers that read through
// Store directly and show the result to a person (e.g. exports).
absl::Status MaskOrAudit(const Store& store,
                         const std::vector<google::protobuf::Message*>& records,
                         const ReadOptions& options);

// --- The audit log ----------------------------------------------------------

struct AuditFilter {
  std::optional<absl::Time> from;    // Entries at or after (inclusive).
  std::optional<absl::Time> to;      // Entries before (exclusive).
  Kind kind = v1::KIND_UNSPECIFIED;  // Only this kind (UNSPECIFIED: all).
  uint64_t id = 0;                   // Only this record (with kind).
  uint64_t after_seq = 0;            // Entries with seq > after_seq.
  uint64_t limit = 0;                // At most this many (0: all).
};

// The entries matching `filter`, in log order, read on one snapshot.
// DATA_LOSS when an entry cannot be parsed (VerifyAudit says more).
absl::StatusOr<std::vector<v1::AuditEntry>> ListAudit(
    const Store& store, const AuditFilter& filter = {});

struct AuditVerifyReport {
  uint64_t entries = 0;  // Entries checked.
  uint64_t last_seq = 0;
  std::string head_hash;  // Hex SHA-256 of the last entry ("" when empty).
  // One line each, naming the entry (seq and key): altered bytes, a hash
  // that does not chain, a gap (removed entries), a seq out of order.
  std::vector<std::string> problems;
  bool ok() const { return problems.empty(); }
};

// Walks the whole log on one snapshot and recomputes the chain. The chain
// proves the log is intact up to its head; it cannot show that the newest
// entries were cut off, or that someone with write access rebuilt the whole
// chain: compare `head_hash` with a copy kept elsewhere (`expected_head`:
// a problem is reported unless some entry has that hash).
absl::StatusOr<AuditVerifyReport> VerifyAudit(
    const Store& store, absl::string_view expected_head = "");

// --- Erasure ----------------------------------------------------------------

struct EraseOptions {
  std::string actor;  // Who erases (操作人), kept in the audit entry.
  // When other records refer to the person: false refuses
  // (FAILED_PRECONDITION naming them); true removes those references (each
  // referring record gets a new revision without the Ref, audited as an
  // update with the note "unlinked from erased person N").
  bool force = false;
  // Compact the store's files afterwards so that the erased values are gone
  // from them (see docs/privacy.md for what stays until the next open).
  bool compact = true;
  // Wait for the erasure batch to reach the disk (default: yes, whatever
  // StoreOptions::sync says).
  std::optional<bool> sync;
};

struct EraseReport {
  uint64_t revisions = 0;      // History records removed.
  uint64_t keys_deleted = 0;   // Keys deleted in all (rows, history, index).
  uint64_t stray_entries = 0;  // Index/unique keys found only by the sweep.
  std::vector<std::string> unlinked;  // "event 3 (participants.ref)".
  bool was_live = false;      // The record existed (not only its history).
  absl::Duration compaction;  // Time spent compacting.
};

// Erases record `id` of `kind` (a person, typically; any kind is accepted):
// its row, every history record, every index and unique entry of every
// revision it ever had (generated with the store's index registry, then a
// sweep of the index keyspaces for any entry still naming the record), and
// leaves one ACTION_ERASE audit entry (no values), all in ONE batch; then,
// unless !compact, compacts the store. Works on deleted records too (their
// history still holds values). NOT_FOUND when the record never existed or
// was already erased.
absl::StatusOr<EraseReport> Erase(Store& store, Kind kind, uint64_t id,
                                  const EraseOptions& options = {});

}  // namespace qiaolian

#endif  // QIAOLIAN_PRIVACY_H_
