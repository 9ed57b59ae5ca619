// The audit log (include/qiaolian/privacy.h, src/privacy/audit_chain.h):
// chain, entries for changes and unmasked reads, listing and verification.
#include <openssl/evp.h>

#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/timestamp.pb.h"
#include "leveldb/db.h"
#include "qiaolian/privacy.h"
#include "src/api/store_access.h"
#include "src/model/value_types.h"
#include "src/privacy/audit_chain.h"
#include "src/storage/key_codec.h"
#include "src/util/status_macros.h"
#include "src/util/time.h"

namespace qiaolian {
namespace privacy {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

std::string Sha256(absl::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr) !=
      1) {
    // OpenSSL fails only when out of memory; an empty hash never chains.
    return std::string();
  }
  return std::string(reinterpret_cast<const char*>(md), len);
}

std::string Hex(absl::string_view bytes) {
  return absl::BytesToHexString(bytes);
}

std::string ChainHash(absl::string_view prev, uint64_t seq,
                      absl::string_view entry) {
  std::string data(prev);
  storage::PutU64(&data, seq);
  data.append(entry.data(), entry.size());
  return Sha256(data);
}

absl::Status AuditChain::Load(const storage::Db& db) {
  std::unique_ptr<leveldb::Iterator> it(
      db.raw()->NewIterator(leveldb::ReadOptions()));
  it->Seek(storage::PrefixSuccessor(storage::AuditPrefix()));
  if (it->Valid()) {
    it->Prev();
  } else {
    it->SeekToLast();
  }
  QL_RETURN_IF_ERROR(storage::FromLevelDb(it->status(), "reading audit log"));
  if (!it->Valid() || !it->key().starts_with(storage::AuditPrefix())) {
    seq_ = 0;
    hash_ = std::string(32, '\0');
    return absl::OkStatus();
  }
  const absl::string_view key(it->key().data(), it->key().size());
  v1::AuditRecord rec;
  uint64_t seq = 0;
  if (!storage::DecodeAuditKey(key, &seq) ||
      !rec.ParseFromArray(it->value().data(),
                          static_cast<int>(it->value().size())) ||
      rec.hash().size() != 32) {
    return absl::DataLossError(absl::StrCat(
        "store ", db.path(), ": unreadable last audit entry ",
        storage::DescribeKey(key), "; run `qiaolian audit verify`"));
  }
  seq_ = seq;
  hash_ = rec.hash();
  return absl::OkStatus();
}

void AuditChain::Begin() {
  pending_seq_ = seq_;
  pending_hash_ = hash_;
}

void AuditChain::Append(v1::AuditEntry entry, leveldb::WriteBatch* batch) {
  const uint64_t seq = ++pending_seq_;
  entry.set_seq(seq);
  v1::AuditRecord rec;
  rec.set_entry(entry.SerializeAsString());
  pending_hash_ = ChainHash(pending_hash_, seq, rec.entry());
  rec.set_hash(pending_hash_);
  batch->Put(storage::AuditKey(seq), rec.SerializeAsString());
}

void AuditChain::Commit() {
  seq_ = pending_seq_;
  hash_ = pending_hash_;
}

void AuditChain::Rollback() {
  pending_seq_ = seq_;
  pending_hash_ = hash_;
}

namespace {

// Element `i` of repeated field `f` (i = -1: the singular value) as bytes
// that are equal exactly when the values are.
std::string ValueBytes(const Message& m, const FieldDescriptor* f, int i) {
  const Reflection* r = m.GetReflection();
  const bool rep = i >= 0;
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      return rep ? r->GetRepeatedString(m, f, i) : r->GetString(m, f);
    case FieldDescriptor::CPPTYPE_ENUM:
      return absl::StrCat(rep ? r->GetRepeatedEnumValue(m, f, i)
                              : r->GetEnumValue(m, f));
    case FieldDescriptor::CPPTYPE_BOOL:
      return (rep ? r->GetRepeatedBool(m, f, i) : r->GetBool(m, f)) ? "1" : "0";
    case FieldDescriptor::CPPTYPE_INT32:
      return absl::StrCat(rep ? r->GetRepeatedInt32(m, f, i)
                              : r->GetInt32(m, f));
    case FieldDescriptor::CPPTYPE_INT64:
      return absl::StrCat(rep ? r->GetRepeatedInt64(m, f, i)
                              : r->GetInt64(m, f));
    case FieldDescriptor::CPPTYPE_UINT32:
      return absl::StrCat(rep ? r->GetRepeatedUInt32(m, f, i)
                              : r->GetUInt32(m, f));
    case FieldDescriptor::CPPTYPE_UINT64:
      return absl::StrCat(rep ? r->GetRepeatedUInt64(m, f, i)
                              : r->GetUInt64(m, f));
    case FieldDescriptor::CPPTYPE_DOUBLE:
      return absl::StrCat(rep ? r->GetRepeatedDouble(m, f, i)
                              : r->GetDouble(m, f));
    case FieldDescriptor::CPPTYPE_FLOAT:
      return absl::StrCat(rep ? r->GetRepeatedFloat(m, f, i)
                              : r->GetFloat(m, f));
    case FieldDescriptor::CPPTYPE_MESSAGE:
      return (rep ? r->GetRepeatedMessage(m, f, i) : r->GetMessage(m, f))
          .SerializeAsString();
  }
  return "";
}

bool SameField(const Message& a, const Message& b, const FieldDescriptor* f) {
  const Reflection* ra = a.GetReflection();
  const Reflection* rb = b.GetReflection();
  if (f->is_repeated()) {
    const int n = ra->FieldSize(a, f);
    if (n != rb->FieldSize(b, f)) return false;
    for (int i = 0; i < n; ++i) {
      if (ValueBytes(a, f, i) != ValueBytes(b, f, i)) return false;
    }
    return true;
  }
  const bool has = ra->HasField(a, f);
  if (has != rb->HasField(b, f)) return false;
  return !has || ValueBytes(a, f, -1) == ValueBytes(b, f, -1);
}

void Diff(const Message* a, const Message* b, const Descriptor* d,
          const std::string& prefix, std::vector<std::string>* out) {
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    if (f->message_type() == v1::RecordMeta::descriptor()) continue;
    const std::string path = prefix.empty()
                                 ? std::string(f->name())
                                 : absl::StrCat(prefix, ".", f->name());
    if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
        !f->is_repeated() && !model::IsValueMessage(f->message_type())) {
      auto sub = [f](const Message* m) -> const Message* {
        if (m == nullptr || !m->GetReflection()->HasField(*m, f)) {
          return nullptr;
        }
        return &m->GetReflection()->GetMessage(*m, f);
      };
      const Message* sa = sub(a);
      const Message* sb = sub(b);
      if (sa != nullptr || sb != nullptr) {
        Diff(sa, sb, f->message_type(), path, out);
      }
      continue;
    }
    if (a == nullptr || b == nullptr) {
      // A create or a delete: every field the record has (no comparison).
      const Message* m = a != nullptr ? a : b;
      const Reflection* r = m->GetReflection();
      if (f->is_repeated() ? r->FieldSize(*m, f) > 0 : r->HasField(*m, f)) {
        out->push_back(path);
      }
      continue;
    }
    if (!SameField(*a, *b, f)) out->push_back(path);
  }
}

}  // namespace

std::vector<std::string> ChangedFields(const Message* before,
                                       const Message* after) {
  std::vector<std::string> out;
  const Message* any = before != nullptr ? before : after;
  if (any == nullptr) return out;
  Diff(before, after, any->GetDescriptor(), "", &out);
  return out;
}

v1::AuditEntry ChangeEntry(v1::AuditEntry::Action action, Kind kind,
                           uint64_t id, uint64_t revision, absl::Time at,
                           absl::string_view actor,
                           std::vector<std::string> fields) {
  v1::AuditEntry e;
  e.set_action(action);
  e.set_kind(kind);
  e.set_id(id);
  e.set_revision(revision);
  *e.mutable_at() = ToTimestamp(at);
  e.set_actor(std::string(actor));
  for (std::string& f : fields) e.add_fields(std::move(f));
  return e;
}

// Writes `entries` as one batch at the head of the chain.
absl::Status AppendEntries(const Store& store,
                           std::vector<v1::AuditEntry> entries,
                           std::optional<bool> sync) {
  if (entries.empty()) return absl::OkStatus();
  QL_RETURN_IF_ERROR(internal::StoreAccess::CheckWritable(store));
  absl::MutexLock lock(&internal::StoreAccess::write_mu(store));
  AuditChain& chain = internal::StoreAccess::audit(store);
  leveldb::WriteBatch batch;
  chain.Begin();
  for (v1::AuditEntry& e : entries) chain.Append(std::move(e), &batch);
  absl::Status st = internal::StoreAccess::db(store).Write(
      &batch, internal::StoreAccess::Sync(store, sync));
  if (!st.ok()) {
    chain.Rollback();
    return st;
  }
  chain.Commit();
  return absl::OkStatus();
}

}  // namespace privacy

namespace {

// Audit entries for showing `records` unmasked (those that hold any
// sensitive value), or masks them.
absl::Status MaskOrAuditImpl(
    const Store& store, const std::vector<google::protobuf::Message*>& records,
    const ReadOptions& options, absl::string_view note) {
  if (!options.unmasked) {
    for (google::protobuf::Message* m : records) MaskRecord(m, options.mask);
    return absl::OkStatus();
  }
  const absl::Time now = absl::Now();
  std::vector<v1::AuditEntry> entries;
  for (google::protobuf::Message* m : records) {
    if (m == nullptr) continue;
    std::vector<std::string> fields = SensitiveFields(*m, options.mask);
    if (fields.empty()) continue;
    absl::StatusOr<Kind> kind = KindOf(*m);
    if (!kind.ok()) return kind.status();
    v1::AuditEntry e = privacy::ChangeEntry(
        v1::AuditEntry::ACTION_UNMASKED_READ, *kind, MetaOf(*m).id(),
        MetaOf(*m).revision(), now, options.actor, std::move(fields));
    std::string n(note);
    if (!options.purpose.empty()) {
      absl::StrAppend(&n, n.empty() ? "" : "; ", "purpose: ", options.purpose);
    }
    e.set_note(std::move(n));
    entries.push_back(std::move(e));
  }
  if (!entries.empty() && internal::StoreAccess::CheckWritable(store).code() ==
                              absl::StatusCode::kFailedPrecondition) {
    return absl::FailedPreconditionError(
        "unmasked reads are written to the audit log, which needs a store "
        "opened for writing; open it without read-only, or read masked");
  }
  return privacy::AppendEntries(store, std::move(entries), std::nullopt);
}

}  // namespace

absl::Status MaskOrAudit(const Store& store,
                         const std::vector<google::protobuf::Message*>& records,
                         const ReadOptions& options) {
  return MaskOrAuditImpl(store, records, options, "");
}

absl::StatusOr<std::unique_ptr<google::protobuf::Message>> ReadRecord(
    const Store& store, Kind kind, uint64_t id, const ReadOptions& options) {
  QL_ASSIGN_OR_RETURN(std::unique_ptr<google::protobuf::Message> record,
                      store.Get(kind, id));
  QL_RETURN_IF_ERROR(MaskOrAuditImpl(store, {record.get()}, options, "get"));
  return record;
}

absl::StatusOr<QueryPage> ReadQuery(const Store& store, absl::string_view text,
                                    const QueryOptions& query_options,
                                    const ReadOptions& options) {
  QL_ASSIGN_OR_RETURN(QueryPage page, store.Query(text, query_options));
  std::vector<google::protobuf::Message*> records;
  for (auto& r : page.records) records.push_back(r.get());
  QL_RETURN_IF_ERROR(MaskOrAuditImpl(store, records, options, "query"));
  return page;
}

absl::StatusOr<std::vector<v1::ChangeRecord>> ReadHistory(
    const Store& store, Kind kind, uint64_t id, const ReadOptions& options) {
  QL_ASSIGN_OR_RETURN(std::vector<v1::ChangeRecord> changes,
                      store.History(kind, id));
  std::vector<std::unique_ptr<google::protobuf::Message>> rows;
  std::vector<google::protobuf::Message*> ptrs;
  for (const v1::ChangeRecord& c : changes) {
    rows.push_back(NewRecord(kind));
    if (!c.row().empty() && !rows.back()->ParseFromString(c.row())) {
      return absl::DataLossError(absl::StrCat("unreadable history row of ",
                                              KindName(kind), " ", id,
                                              " revision ", c.revision()));
    }
    ptrs.push_back(rows.back().get());
  }
  QL_RETURN_IF_ERROR(MaskOrAuditImpl(store, ptrs, options, "history"));
  if (!options.unmasked) {
    for (size_t i = 0; i < changes.size(); ++i) {
      if (!changes[i].row().empty()) {
        changes[i].set_row(rows[i]->SerializeAsString());
      }
    }
  }
  return changes;
}

absl::StatusOr<std::vector<v1::AuditEntry>> ListAudit(
    const Store& store, const AuditFilter& filter) {
  const storage::Db& db = internal::StoreAccess::db(store);
  storage::Snapshot snap(db.raw());
  leveldb::ReadOptions ro;
  ro.snapshot = snap.get();
  ro.fill_cache = false;
  std::unique_ptr<leveldb::Iterator> it(db.raw()->NewIterator(ro));
  const std::string prefix = storage::AuditPrefix();
  std::vector<v1::AuditEntry> out;
  for (it->Seek(storage::AuditKey(filter.after_seq + 1));
       it->Valid() && it->key().starts_with(prefix); it->Next()) {
    const absl::string_view key(it->key().data(), it->key().size());
    v1::AuditRecord rec;
    v1::AuditEntry e;
    if (!rec.ParseFromArray(it->value().data(),
                            static_cast<int>(it->value().size())) ||
        !e.ParseFromString(rec.entry())) {
      return absl::DataLossError(absl::StrCat(
          "store ", db.path(), ": unreadable audit entry ",
          storage::DescribeKey(key), "; run `qiaolian audit verify`"));
    }
    const absl::Time at = FromTimestamp(e.at());
    if (filter.from.has_value() && at < *filter.from) continue;
    if (filter.to.has_value() && at >= *filter.to) continue;
    if (filter.kind != v1::KIND_UNSPECIFIED && e.kind() != filter.kind) {
      continue;
    }
    if (filter.id != 0 && e.id() != filter.id) continue;
    out.push_back(std::move(e));
    if (filter.limit != 0 && out.size() >= filter.limit) break;
  }
  QL_RETURN_IF_ERROR(storage::FromLevelDb(it->status(), "reading audit log"));
  return out;
}

absl::StatusOr<AuditVerifyReport> VerifyAudit(const Store& store,
                                              absl::string_view expected_head) {
  const storage::Db& db = internal::StoreAccess::db(store);
  storage::Snapshot snap(db.raw());
  leveldb::ReadOptions ro;
  ro.snapshot = snap.get();
  ro.fill_cache = false;
  ro.verify_checksums = true;
  std::unique_ptr<leveldb::Iterator> it(db.raw()->NewIterator(ro));
  const std::string prefix = storage::AuditPrefix();
  AuditVerifyReport report;
  std::string prev(32, '\0');
  uint64_t expected = 1;
  bool head_seen = expected_head.empty();
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix);
       it->Next()) {
    const absl::string_view key(it->key().data(), it->key().size());
    ++report.entries;
    uint64_t seq = 0;
    if (!storage::DecodeAuditKey(key, &seq)) {
      report.problems.push_back(absl::StrCat(
          "malformed audit key ", storage::DescribeKey(key), " (inserted?)"));
      continue;
    }
    const std::string where =
        absl::StrCat("entry ", seq, " (", storage::DescribeKey(key), ")");
    if (seq > expected) {
      report.problems.push_back(
          absl::StrCat(where, ": entries ", expected, "..", seq - 1,
                       " are missing (removed from the log)"));
    }
    expected = seq + 1;
    report.last_seq = seq;
    v1::AuditRecord rec;
    if (!rec.ParseFromArray(it->value().data(),
                            static_cast<int>(it->value().size())) ||
        rec.hash().size() != 32) {
      report.problems.push_back(
          absl::StrCat(where, ": unreadable (bytes altered)"));
      prev = std::string(32, '\0');
      continue;
    }
    if (privacy::ChainHash(prev, seq, rec.entry()) != rec.hash()) {
      report.problems.push_back(absl::StrCat(
          where,
          ": hash does not match its content and the previous entry (this "
          "entry was altered, or the one before it was altered, removed or "
          "moved)"));
    }
    v1::AuditEntry e;
    if (!e.ParseFromString(rec.entry())) {
      report.problems.push_back(
          absl::StrCat(where, ": entry unreadable (bytes altered)"));
    } else if (e.seq() != seq) {
      report.problems.push_back(absl::StrCat(where, ": holds entry ", e.seq(),
                                             " (entries reordered)"));
    }
    prev = rec.hash();
    report.head_hash = privacy::Hex(prev);
    if (!head_seen && report.head_hash == expected_head) head_seen = true;
  }
  QL_RETURN_IF_ERROR(storage::FromLevelDb(it->status(), "reading audit log"));
  if (!head_seen) {
    report.problems.push_back(absl::StrCat(
        "no entry has the expected head hash ", expected_head,
        ": entries after it were cut off, or the log was rebuilt"));
  }
  return report;
}

}  // namespace qiaolian
