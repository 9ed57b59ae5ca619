// The C++ Store (include/qiaolian/store.h): validation from src/model, keys
// and atomic batches from src/storage.
//
// Write path (one writer at a time, under write_mu): read the current row,
// check the revision, validate the new record (Refs resolved against the
// store plus the records created earlier in the same call), then put the row,
// the history record, the audit entry (src/privacy, hash-chained, no values)
// and the counters in ONE leveldb::WriteBatch. Counters
// live in meta keys as u64 big-endian:
//   meta("next_id/<kind>")  next id to assign (ids are never reused)
//   meta("count/<kind>")    number of live rows
#include "qiaolian/store.h"

#include <algorithm>
#include <array>
#include <filesystem>
#include <utility>

#include "absl/base/thread_annotations.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "src/api/indexing.h"
#include "src/api/store_access.h"
#include "src/model/indexes.h"
#include "src/model/validate.h"
#include "src/privacy/audit_chain.h"
#include "src/privacy/encryption.h"
#include "src/query/engine.h"
#include "src/storage/db.h"
#include "src/storage/key_codec.h"
#include "src/text/normalize.h"
#include "src/text/pinyin.h"
#include "src/util/status_macros.h"
#include "src/util/time.h"

namespace qiaolian {
namespace {

constexpr size_t kKindSlots = 8;  // Kind values 1..5 index into arrays.

std::string NextIdKey(Kind kind) {
  return storage::MetaKey(absl::StrCat("next_id/", KindName(kind)));
}
std::string CountKey(Kind kind) {
  return storage::MetaKey(absl::StrCat("count/", KindName(kind)));
}
std::string EncodeU64(uint64_t v) {
  std::string s;
  storage::PutU64(&s, v);
  return s;
}

absl::StatusOr<uint64_t> ReadCounter(const storage::Db& db,
                                     const std::string& key) {
  QL_ASSIGN_OR_RETURN(std::optional<std::string> v, db.Get(key));
  if (!v.has_value()) return uint64_t{0};
  absl::string_view in = *v;
  uint64_t n = 0;
  if (!storage::GetU64(&in, &n) || !in.empty()) {
    return absl::DataLossError(absl::StrCat(
        "store ", db.path(), ": bad counter at ", storage::DescribeKey(key)));
  }
  return n;
}

absl::Status CheckKind(Kind kind) {
  if (DescriptorOf(kind) == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("unknown kind ", static_cast<int>(kind),
                     "; expected person, enterprise, case, donation or event"));
  }
  return absl::OkStatus();
}

absl::Status PrefixStatus(const absl::Status& st, absl::string_view prefix) {
  if (st.ok()) return st;
  return absl::Status(st.code(), absl::StrCat(prefix, st.message()));
}

}  // namespace

struct Store::Rep {
  std::unique_ptr<storage::Db> db;
  StoreOptions options;
  const model::IndexRegistry* indexes = nullptr;
  // With encryption at rest: the registry with keyed hashes (`indexes`
  // points at it).
  std::unique_ptr<model::IndexRegistry> keyed_indexes;
  absl::Mutex write_mu;
  // In-memory copies of the counters, authoritative while the store is open
  // (only this handle can write: LevelDB's lock).
  std::array<uint64_t, kKindSlots> next_id ABSL_GUARDED_BY(write_mu) = {};
  std::array<uint64_t, kKindSlots> count ABSL_GUARDED_BY(write_mu) = {};
  // Head of the audit log's hash chain.
  privacy::AuditChain audit ABSL_GUARDED_BY(write_mu);
  // A bulk load in progress (StoreAccess::BeginBulkLoad), or null.
  std::unique_ptr<internal::DeferredIndexes> deferred ABSL_GUARDED_BY(write_mu);
  // What queries may use: `indexes` without those a bulk load is building
  // (null: all of `indexes`).
  mutable absl::Mutex read_mu;
  std::shared_ptr<const model::IndexRegistry> readable ABSL_GUARDED_BY(read_mu);
  // The indexes left out of `readable` (Verify skips their entries).
  std::vector<uint16_t> building ABSL_GUARDED_BY(read_mu);

  // With `building`: also the indexes it leaves out (read together).
  std::shared_ptr<const model::IndexRegistry> Readable(
      std::vector<uint16_t>* building = nullptr) const {
    absl::MutexLock lock(&read_mu);
    if (building != nullptr) *building = this->building;
    if (readable != nullptr) return readable;
    return std::shared_ptr<const model::IndexRegistry>(
        std::shared_ptr<const model::IndexRegistry>(), indexes);
  }

  bool Sync(const WriteOptions& o) const {
    return o.sync.value_or(options.sync);
  }
  absl::Status CheckWritable() const {
    if (options.read_only) {
      return absl::FailedPreconditionError(
          absl::StrCat("store ", db->path(), " was opened read-only"));
    }
    return absl::OkStatus();
  }
  absl::StatusOr<bool> RowExists(Kind kind, uint64_t id) const {
    QL_ASSIGN_OR_RETURN(std::optional<std::string> row,
                        db->Get(storage::RowKey(kind, id)));
    return row.has_value();
  }
  absl::Status ReadRow(Kind kind, uint64_t id, google::protobuf::Message* out,
                       const leveldb::Snapshot* snap = nullptr) const {
    const std::string key = storage::RowKey(kind, id);
    QL_ASSIGN_OR_RETURN(std::optional<std::string> row, db->Get(key, snap));
    if (!row.has_value()) {
      return absl::NotFoundError(
          absl::StrCat(KindName(kind), " ", id, " not found"));
    }
    return storage::DecodeRow(*db, kind, id, *row, out);
  }
  static v1::ChangeRecord Change(Kind kind, uint64_t id, uint64_t revision,
                                 v1::ChangeRecord::Op op,
                                 const google::protobuf::Timestamp& at,
                                 const WriteOptions& o, std::string row) {
    v1::ChangeRecord c;
    c.set_kind(kind);
    c.set_id(id);
    c.set_revision(revision);
    c.set_op(op);
    *c.mutable_at() = at;
    c.set_actor(o.actor);
    c.set_row(std::move(row));
    return c;
  }
};

namespace {

// The key ranges of the search indexes (named KIND.search.NAME), in the
// order the warm-up maps their tables into memory (StoreOptions::
// warm_up_search_bytes): first those that most searches read and that are
// small (terms: every search; pinyin: every Latin query, and Chinese ones
// for names that sound the same; trigrams: substrings of three characters
// or more; texts: the texts of substring and fuzzy hits), then the short
// prefixes of one- and two-character queries, then the rest; the kinds
// alternate, in the registry's order.
storage::KeyRanges SearchIndexRanges(const model::IndexRegistry& indexes) {
  constexpr absl::string_view kFirst[] = {".search.terms", ".search.pinyin",
                                          ".search.trigrams", ".search.texts",
                                          ".search.short_prefixes"};
  auto rank = [&](const std::string& name) {
    for (size_t i = 0; i < std::size(kFirst); ++i) {
      if (absl::EndsWith(name, kFirst[i])) return i;
    }
    return std::size(kFirst);
  };
  std::vector<std::pair<size_t, uint16_t>> order;
  for (const model::Index& idx : indexes.all()) {
    if (absl::StrContains(idx.name, ".search.")) {
      order.emplace_back(rank(idx.name), idx.spec.id);
    }
  }
  std::stable_sort(
      order.begin(), order.end(),
      [](const auto& a, const auto& b) { return a.first < b.first; });
  storage::KeyRanges ranges;
  for (const auto& [r, id] : order) {
    ranges.emplace_back(storage::IndexPrefix(id),
                        storage::PrefixSuccessor(storage::IndexPrefix(id)));
  }
  return ranges;
}

}  // namespace

Store::Store(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}
Store::~Store() = default;

absl::StatusOr<std::unique_ptr<Store>> Store::Open(
    const std::string& dir, const StoreOptions& options) {
  storage::DbOptions dbo;
  dbo.create_if_missing = options.create_if_missing && !options.read_only;
  dbo.block_cache_bytes = options.block_cache_bytes;
  dbo.write_buffer_bytes = options.write_buffer_bytes;
  dbo.compression = options.compression;
  dbo.block_bytes = options.block_bytes;
  dbo.max_file_bytes = options.max_file_bytes;
  dbo.env = options.env;
  dbo.map_tables = options.map_tables;
  dbo.search_cache_bytes = options.search_cache_bytes;
  if (!options.encryption_key.empty() &&
      options.encryption_key.size() != privacy::kEncryptionKeyBytes) {
    return absl::InvalidArgumentError(absl::StrCat(
        "StoreOptions::encryption_key: must be ", privacy::kEncryptionKeyBytes,
        " bytes (AES-256), got ", options.encryption_key.size()));
  }
  auto rep = std::make_unique<Rep>();
  QL_ASSIGN_OR_RETURN(rep->db, storage::Db::Open(dir, dbo));
  rep->options = options;
  rep->options.encryption_key.clear();  // Held by the codec only.
  QL_ASSIGN_OR_RETURN(
      std::shared_ptr<const privacy::FieldEncryption> enc,
      privacy::OpenEncryption(rep->db.get(), options.encryption_key,
                              options.read_only));
  {
    absl::MutexLock lock(&rep->write_mu);
    for (Kind k : kAllKinds) {
      QL_ASSIGN_OR_RETURN(uint64_t next, ReadCounter(*rep->db, NextIdKey(k)));
      QL_ASSIGN_OR_RETURN(uint64_t count, ReadCounter(*rep->db, CountKey(k)));
      rep->next_id[k] = next == 0 ? 1 : next;
      rep->count[k] = count;
    }
    QL_RETURN_IF_ERROR(rep->audit.Load(*rep->db));
  }
  rep->indexes = options.indexes != nullptr ? options.indexes
                                            : &model::IndexRegistry::Builtin();
  if (enc != nullptr) {
    rep->keyed_indexes =
        std::make_unique<model::IndexRegistry>(rep->indexes->WithKeyedHash(
            [enc](absl::string_view v) { return enc->IndexHash(v); }));
    rep->indexes = rep->keyed_indexes.get();
    rep->db->set_row_codec(enc);
  }
  if (options.read_only) {
    for (const model::Index& idx : rep->indexes->all()) {
      QL_ASSIGN_OR_RETURN(
          std::optional<std::string> state,
          rep->db->Get(storage::MetaKey(absl::StrCat("index/", idx.spec.id))));
      if (!state.has_value() || *state != idx.fingerprint) {
        return absl::FailedPreconditionError(
            absl::StrCat("store ", dir, " needs index ", idx.name,
                         " built; open it once without read-only"));
      }
    }
  } else {
    QL_RETURN_IF_ERROR(internal::SyncIndexes(rep->db.get(), *rep->indexes));
  }
  if (options.warm_up_in_background) {
    rep->db->WarmUpInBackground(SearchIndexRanges(*rep->indexes),
                                options.warm_up_search_bytes, [] {
                                  text::LoadData();
                                  text::LoadSurnameTables();
                                });
  }
  return std::unique_ptr<Store>(new Store(std::move(rep)));
}

const std::string& Store::path() const { return rep_->db->path(); }
uint32_t Store::schema_version() const { return rep_->db->schema_version(); }

absl::StatusOr<uint64_t> Store::Create(google::protobuf::Message* record,
                                       const WriteOptions& options) {
  if (record == nullptr) return absl::InvalidArgumentError("record is null");
  google::protobuf::Message* one[] = {record};
  absl::Status st = CreateAll(one, options);
  if (!st.ok()) {
    // A single record needs no "record 1: " position.
    absl::string_view msg = st.message();
    absl::ConsumePrefix(&msg, "record 1: ");
    return absl::Status(st.code(), msg);
  }
  return MetaOf(*record).id();
}

absl::Status Store::CreateAll(
    absl::Span<google::protobuf::Message* const> records,
    const WriteOptions& options) {
  QL_RETURN_IF_ERROR(rep_->CheckWritable());
  absl::MutexLock lock(&rep_->write_mu);
  std::array<uint64_t, kKindSlots> next = rep_->next_id;
  const std::array<uint64_t, kKindSlots> first = rep_->next_id;
  std::array<uint64_t, kKindSlots> added = {};
  const google::protobuf::Timestamp now = ToTimestamp(absl::Now());
  std::vector<v1::RecordMeta> saved_meta;
  saved_meta.reserve(records.size());

  // Refs may point at stored rows or at records earlier in this call.
  auto resolve = [&](Kind kind, uint64_t id) -> absl::StatusOr<bool> {
    if (CheckKind(kind).ok() && id >= first[kind] && id < next[kind]) {
      return true;
    }
    return rep_->RowExists(kind, id);
  };

  leveldb::WriteBatch batch;
  internal::IndexWriter index_writer(*rep_->db, *rep_->indexes,
                                     rep_->deferred.get());
  rep_->audit.Begin();
  absl::Status failure;
  size_t i = 0;
  for (; i < records.size(); ++i) {
    google::protobuf::Message* record = records[i];
    const std::string where = absl::StrCat("record ", i + 1, ": ");
    if (record == nullptr) {
      failure = absl::InvalidArgumentError(absl::StrCat(where, "null"));
      break;
    }
    absl::StatusOr<Kind> kind = KindOf(*record);
    if (!kind.ok()) {
      failure = PrefixStatus(kind.status(), where);
      break;
    }
    const v1::RecordMeta& meta = MetaOf(*record);
    saved_meta.push_back(meta);
    if (meta.id() != 0 || meta.revision() != 0) {
      failure = absl::InvalidArgumentError(absl::StrCat(
          where, KindName(*kind),
          ".meta: id and revision are assigned by the store on create; "
          "leave them unset (use update to change an existing record)"));
      break;
    }
    absl::Status valid = model::ValidateRecord(*record, resolve);
    if (!valid.ok()) {
      failure = PrefixStatus(valid, where);
      break;
    }
    const uint64_t id = next[*kind]++;
    ++added[*kind];
    v1::RecordMeta* m = MutableMetaOf(record);
    m->set_id(id);
    m->set_revision(1);
    *m->mutable_created_at() = now;
    *m->mutable_updated_at() = now;
    m->set_created_by(options.actor);
    m->set_updated_by(options.actor);
    absl::Status indexed =
        index_writer.Apply(*kind, id, nullptr, record, &batch);
    if (!indexed.ok()) {
      failure = PrefixStatus(indexed, where);
      break;
    }
    v1::AuditEntry audit =
        privacy::ChangeEntry(m->has_source() ? v1::AuditEntry::ACTION_IMPORT
                                             : v1::AuditEntry::ACTION_CREATE,
                             *kind, id, 1, FromTimestamp(now), options.actor,
                             privacy::ChangedFields(nullptr, record));
    if (m->has_source()) audit.set_source_file(m->source().file());
    rep_->audit.Append(std::move(audit), &batch);
    absl::StatusOr<std::string> row =
        storage::EncodeRow(*rep_->db, *kind, id, *record);
    if (!row.ok()) {
      failure = PrefixStatus(row.status(), where);
      break;
    }
    batch.Put(storage::RowKey(*kind, id), *row);
    batch.Put(storage::HistoryKey(*kind, id, 1),
              Rep::Change(*kind, id, 1, v1::ChangeRecord::OP_CREATE, now,
                          options, *std::move(row))
                  .SerializeAsString());
  }
  if (failure.ok()) {
    for (Kind k : kAllKinds) {
      if (added[k] == 0) continue;
      batch.Put(NextIdKey(k), EncodeU64(next[k]));
      batch.Put(CountKey(k), EncodeU64(rep_->count[k] + added[k]));
    }
    failure = rep_->db->Write(&batch, rep_->Sync(options));
  }
  if (!failure.ok()) {
    rep_->audit.Rollback();
    // Nothing was written: give the callers' records their meta back.
    for (size_t j = 0; j < saved_meta.size(); ++j) {
      *MutableMetaOf(records[j]) = saved_meta[j];
    }
    return failure;
  }
  rep_->audit.Commit();
  index_writer.Committed();
  rep_->next_id = next;
  for (Kind k : kAllKinds) rep_->count[k] += added[k];
  return absl::OkStatus();
}

absl::Status Store::Get(Kind kind, uint64_t id,
                        google::protobuf::Message* out) const {
  QL_RETURN_IF_ERROR(CheckKind(kind));
  if (out == nullptr || out->GetDescriptor() != DescriptorOf(kind)) {
    return absl::InvalidArgumentError(
        absl::StrCat("output message must be a ", DescriptorOf(kind)->name()));
  }
  return rep_->ReadRow(kind, id, out);
}

absl::StatusOr<std::unique_ptr<google::protobuf::Message>> Store::Get(
    Kind kind, uint64_t id) const {
  QL_RETURN_IF_ERROR(CheckKind(kind));
  std::unique_ptr<google::protobuf::Message> out = NewRecord(kind);
  QL_RETURN_IF_ERROR(rep_->ReadRow(kind, id, out.get()));
  return out;
}

absl::Status Store::Update(google::protobuf::Message* record,
                           const WriteOptions& options) {
  if (record == nullptr) return absl::InvalidArgumentError("record is null");
  QL_RETURN_IF_ERROR(rep_->CheckWritable());
  QL_ASSIGN_OR_RETURN(Kind kind, KindOf(*record));
  const v1::RecordMeta& meta = MetaOf(*record);
  const uint64_t id = meta.id();
  if (id == 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        KindName(kind), ".meta.id: required on update (the record to change)"));
  }
  absl::MutexLock lock(&rep_->write_mu);
  std::unique_ptr<google::protobuf::Message> old = NewRecord(kind);
  QL_RETURN_IF_ERROR(rep_->ReadRow(kind, id, old.get()));
  const v1::RecordMeta& old_meta = MetaOf(*old);
  if (meta.revision() != old_meta.revision()) {
    return absl::AbortedError(absl::StrCat(
        "conflict: ", KindName(kind), " ", id, " is at revision ",
        old_meta.revision(), " but the update was based on revision ",
        meta.revision(), "; read it again and reapply the change"));
  }
  QL_RETURN_IF_ERROR(model::ValidateRecord(
      *record, [this](Kind k, uint64_t i) { return rep_->RowExists(k, i); }));

  const google::protobuf::Timestamp now = ToTimestamp(absl::Now());
  v1::RecordMeta new_meta = old_meta;
  new_meta.set_revision(old_meta.revision() + 1);
  *new_meta.mutable_updated_at() = now;
  new_meta.set_updated_by(options.actor);
  if (meta.has_source()) *new_meta.mutable_source() = meta.source();
  const v1::RecordMeta saved = meta;
  *MutableMetaOf(record) = new_meta;
  leveldb::WriteBatch batch;
  internal::IndexWriter index_writer(*rep_->db, *rep_->indexes,
                                     rep_->deferred.get());
  absl::Status indexed =
      index_writer.Apply(kind, id, old.get(), record, &batch);
  if (!indexed.ok()) {
    *MutableMetaOf(record) = saved;
    return indexed;
  }
  rep_->audit.Begin();
  rep_->audit.Append(privacy::ChangeEntry(
                         v1::AuditEntry::ACTION_UPDATE, kind, id,
                         new_meta.revision(), FromTimestamp(now), options.actor,
                         privacy::ChangedFields(old.get(), record)),
                     &batch);
  absl::StatusOr<std::string> row =
      storage::EncodeRow(*rep_->db, kind, id, *record);
  absl::Status st = row.status();
  if (row.ok()) {
    batch.Put(storage::RowKey(kind, id), *row);
    batch.Put(
        storage::HistoryKey(kind, id, new_meta.revision()),
        Rep::Change(kind, id, new_meta.revision(), v1::ChangeRecord::OP_UPDATE,
                    now, options, *std::move(row))
            .SerializeAsString());
    st = rep_->db->Write(&batch, rep_->Sync(options));
  }
  if (!st.ok()) {
    rep_->audit.Rollback();
    *MutableMetaOf(record) = saved;
  } else {
    rep_->audit.Commit();
  }
  return st;
}

absl::Status Store::Delete(Kind kind, uint64_t id, uint64_t expected_revision,
                           const WriteOptions& options) {
  QL_RETURN_IF_ERROR(CheckKind(kind));
  QL_RETURN_IF_ERROR(rep_->CheckWritable());
  absl::MutexLock lock(&rep_->write_mu);
  std::unique_ptr<google::protobuf::Message> old = NewRecord(kind);
  QL_RETURN_IF_ERROR(rep_->ReadRow(kind, id, old.get()));
  const uint64_t revision = MetaOf(*old).revision();
  if (expected_revision != 0 && expected_revision != revision) {
    return absl::AbortedError(absl::StrCat(
        "conflict: ", KindName(kind), " ", id, " is at revision ", revision,
        " but the delete expected revision ", expected_revision));
  }
  QL_RETURN_IF_ERROR(
      internal::CheckNotReferenced(*rep_->db, *rep_->indexes, kind, id));
  const google::protobuf::Timestamp now = ToTimestamp(absl::Now());
  leveldb::WriteBatch batch;
  internal::IndexWriter index_writer(*rep_->db, *rep_->indexes,
                                     rep_->deferred.get());
  QL_RETURN_IF_ERROR(index_writer.Apply(kind, id, old.get(), nullptr, &batch));
  QL_ASSIGN_OR_RETURN(std::string old_row,
                      storage::EncodeRow(*rep_->db, kind, id, *old));
  batch.Delete(storage::RowKey(kind, id));
  batch.Put(storage::HistoryKey(kind, id, revision + 1),
            Rep::Change(kind, id, revision + 1, v1::ChangeRecord::OP_DELETE,
                        now, options, std::move(old_row))
                .SerializeAsString());
  batch.Put(CountKey(kind), EncodeU64(rep_->count[kind] - 1));
  rep_->audit.Begin();
  rep_->audit.Append(
      privacy::ChangeEntry(v1::AuditEntry::ACTION_DELETE, kind, id,
                           revision + 1, FromTimestamp(now), options.actor,
                           privacy::ChangedFields(old.get(), nullptr)),
      &batch);
  if (absl::Status st = rep_->db->Write(&batch, rep_->Sync(options));
      !st.ok()) {
    rep_->audit.Rollback();
    return st;
  }
  rep_->audit.Commit();
  --rep_->count[kind];
  return absl::OkStatus();
}

absl::Status Store::Scan(
    Kind kind, uint64_t start_id,
    const std::function<bool(const google::protobuf::Message&)>& fn) const {
  QL_RETURN_IF_ERROR(CheckKind(kind));
  storage::Snapshot snap(rep_->db->raw());
  const leveldb::ReadOptions ro = storage::ReadOpts(snap.get(), false);
  std::unique_ptr<leveldb::Iterator> it(rep_->db->raw()->NewIterator(ro));
  const std::string prefix = storage::RowPrefix(kind);
  std::unique_ptr<google::protobuf::Message> record = NewRecord(kind);
  for (it->Seek(storage::RowKey(kind, start_id));
       it->Valid() && it->key().starts_with(prefix); it->Next()) {
    storage::RowKeyParts parts;
    const absl::string_view key(it->key().data(), it->key().size());
    if (!storage::DecodeRowKey(key, &parts)) {
      return absl::DataLossError(absl::StrCat(
          "store ", path(), ": malformed key ", storage::DescribeKey(key)));
    }
    QL_RETURN_IF_ERROR(storage::DecodeRow(
        *rep_->db, kind, parts.id,
        absl::string_view(it->value().data(), it->value().size()),
        record.get()));
    if (!fn(*record)) break;
  }
  return storage::FromLevelDb(it->status(),
                              absl::StrCat("scanning ", KindName(kind)));
}

struct StoreSnapshot::Rep {
  const Store* store;
  storage::Snapshot snap;
};

StoreSnapshot::StoreSnapshot(std::unique_ptr<Rep> rep) : rep_(std::move(rep)) {}
StoreSnapshot::~StoreSnapshot() = default;

const Store& StoreSnapshot::store() const { return *rep_->store; }

absl::Status StoreSnapshot::Get(Kind kind, uint64_t id,
                                google::protobuf::Message* out) const {
  QL_RETURN_IF_ERROR(CheckKind(kind));
  if (out->GetDescriptor() != DescriptorOf(kind)) {
    return absl::InvalidArgumentError(
        absl::StrCat("cannot read a ", KindName(kind), " into a ",
                     out->GetDescriptor()->full_name()));
  }
  return rep_->store->rep_->ReadRow(kind, id, out, rep_->snap.get());
}

std::unique_ptr<StoreSnapshot> Store::NewSnapshot() const {
  return std::unique_ptr<StoreSnapshot>(
      new StoreSnapshot(std::unique_ptr<StoreSnapshot::Rep>(
          new StoreSnapshot::Rep{this, storage::Snapshot(rep_->db->raw())})));
}

absl::StatusOr<const leveldb::Snapshot*> Store::SnapshotOf(
    const QueryOptions& options) const {
  if (options.snapshot == nullptr) {
    return static_cast<const leveldb::Snapshot*>(nullptr);
  }
  if (options.snapshot->rep_->store != this) {
    return absl::InvalidArgumentError(
        "QueryOptions::snapshot was taken from another store");
  }
  return options.snapshot->rep_->snap.get();
}

absl::StatusOr<QueryPage> Store::Query(absl::string_view text,
                                       const QueryOptions& options) const {
  QL_ASSIGN_OR_RETURN(const leveldb::Snapshot* at, SnapshotOf(options));
  return query::RunQuery(*rep_->db, *rep_->Readable(), text, options, at);
}

absl::StatusOr<AggregateResult> Store::Aggregate(
    absl::string_view text, const QueryOptions& options) const {
  QL_ASSIGN_OR_RETURN(const leveldb::Snapshot* at, SnapshotOf(options));
  return query::RunAggregate(*rep_->db, *rep_->Readable(), text, options, at);
}

absl::StatusOr<std::string> Store::Explain(absl::string_view text,
                                           const QueryOptions& options) const {
  QL_ASSIGN_OR_RETURN(const leveldb::Snapshot* at, SnapshotOf(options));
  return query::Explain(*rep_->db, *rep_->Readable(), text, options, at);
}

absl::StatusOr<VerifyReport> Store::Verify() const {
  std::vector<uint16_t> building;
  std::shared_ptr<const model::IndexRegistry> readable =
      rep_->Readable(&building);
  return internal::Verify(*rep_->db, *readable, building);
}

namespace {
// Every table into one level (LevelDB's CompactRange over all keys), then
// an empty synced write: a compaction that failed (disk full, I/O error)
// shows there.
absl::Status CompactTables(storage::Db& db) {
  db.raw()->CompactRange(nullptr, nullptr);
  leveldb::WriteBatch nothing;
  return db.Write(&nothing, /*sync=*/true);
}
}  // namespace

absl::Status Store::Reindex() {
  QL_RETURN_IF_ERROR(rep_->CheckWritable());
  {
    absl::MutexLock lock(&rep_->write_mu);
    if (rep_->deferred != nullptr) {
      return absl::FailedPreconditionError(
          "an import is building indexes; reindex after it finishes");
    }
    QL_RETURN_IF_ERROR(internal::Reindex(rep_->db.get(), *rep_->indexes));
  }
  // Then one level, as after a bulk load: every index entry was written
  // again, and would otherwise be spread over the levels.
  return CompactTables(*rep_->db);
}

namespace {
uint64_t DirectoryBytes(const std::string& dir) {
  uint64_t total = 0;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    std::error_code size_ec;
    if (e.is_regular_file(size_ec)) {
      const uintmax_t n = e.file_size(size_ec);
      if (!size_ec) total += n;
    }
  }
  return total;
}
}  // namespace

absl::StatusOr<CompactReport> Store::Compact() {
  QL_RETURN_IF_ERROR(rep_->CheckWritable());
  CompactReport report;
  report.bytes_before = DirectoryBytes(path());
  {
    // Pack the search postings written one record at a time, unless an
    // import is building indexes (its FinishDeferred packs its own).
    absl::MutexLock lock(&rep_->write_mu);
    if (rep_->deferred == nullptr) {
      QL_ASSIGN_OR_RETURN(
          report.postings_packed,
          internal::PackPostings(rep_->db.get(), *rep_->indexes));
    }
  }
  QL_RETURN_IF_ERROR(CompactTables(*rep_->db));
  report.bytes_after = DirectoryBytes(path());
  return report;
}

absl::StatusOr<uint64_t> Store::Count(Kind kind) const {
  QL_RETURN_IF_ERROR(CheckKind(kind));
  return ReadCounter(*rep_->db, CountKey(kind));
}

absl::StatusOr<std::vector<v1::ChangeRecord>> Store::History(
    Kind kind, uint64_t id) const {
  QL_RETURN_IF_ERROR(CheckKind(kind));
  storage::Snapshot snap(rep_->db->raw());
  const leveldb::ReadOptions ro = storage::ReadOpts(snap.get());
  std::unique_ptr<leveldb::Iterator> it(rep_->db->raw()->NewIterator(ro));
  const std::string prefix = storage::HistoryPrefix(kind, id);
  std::vector<v1::ChangeRecord> out;
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix);
       it->Next()) {
    v1::ChangeRecord c;
    if (!c.ParseFromArray(it->value().data(),
                          static_cast<int>(it->value().size()))) {
      return absl::DataLossError(
          absl::StrCat("store ", path(), ": unreadable ",
                       storage::DescribeKey(absl::string_view(
                           it->key().data(), it->key().size()))));
    }
    if (rep_->db->row_codec() != nullptr && !c.row().empty()) {
      // Callers get the record as written: values decrypted.
      std::unique_ptr<google::protobuf::Message> row = NewRecord(kind);
      QL_RETURN_IF_ERROR(
          storage::DecodeRow(*rep_->db, kind, id, c.row(), row.get()));
      c.set_row(row->SerializeAsString());
    }
    out.push_back(std::move(c));
  }
  QL_RETURN_IF_ERROR(storage::FromLevelDb(it->status(), "reading history"));
  if (out.empty()) {
    return absl::NotFoundError(
        absl::StrCat("no history for ", KindName(kind), " ", id));
  }
  return out;
}

namespace internal {

storage::Db& StoreAccess::db(const Store& s) { return *s.rep_->db; }
const model::IndexRegistry& StoreAccess::indexes(const Store& s) {
  return *s.rep_->indexes;
}
absl::Mutex& StoreAccess::write_mu(const Store& s) { return s.rep_->write_mu; }
privacy::AuditChain& StoreAccess::audit(const Store& s)
    ABSL_NO_THREAD_SAFETY_ANALYSIS {
  return s.rep_->audit;
}
uint64_t& StoreAccess::count(const Store& s,
                             Kind kind) ABSL_NO_THREAD_SAFETY_ANALYSIS {
  return s.rep_->count[kind];
}
uint64_t StoreAccess::NextId(const Store& s, Kind kind) {
  absl::MutexLock lock(&s.rep_->write_mu);
  return s.rep_->next_id[kind];
}
DeferredIndexes* StoreAccess::deferred(const Store& s)
    ABSL_NO_THREAD_SAFETY_ANALYSIS {
  return s.rep_->deferred.get();
}

absl::StatusOr<bool> StoreAccess::BeginBulkLoad(Store& s, Kind kind,
                                                absl::Span<const uint16_t> keep,
                                                size_t sort_memory_bytes,
                                                const std::string& sort_dir) {
  Store::Rep* rep = s.rep_.get();
  QL_RETURN_IF_ERROR(CheckKind(kind));
  QL_RETURN_IF_ERROR(rep->CheckWritable());
  absl::MutexLock lock(&rep->write_mu);
  if (rep->deferred != nullptr) return false;  // One load at a time.
  QL_ASSIGN_OR_RETURN(
      rep->deferred,
      DeferIndexes(rep->db.get(), *rep->indexes, kind, rep->next_id[kind], keep,
                   sort_memory_bytes, sort_dir));
  if (rep->deferred == nullptr) return false;
  std::vector<uint16_t> ids;
  for (const model::Index* idx : rep->deferred->indexes) {
    ids.push_back(idx->spec.id);
  }
  auto readable =
      std::make_shared<const model::IndexRegistry>(rep->indexes->Without(ids));
  absl::MutexLock read_lock(&rep->read_mu);
  rep->readable = std::move(readable);
  rep->building = std::move(ids);
  return true;
}

absl::StatusOr<uint64_t> StoreAccess::FinishBulkLoad(Store& s) {
  Store::Rep* rep = s.rep_.get();
  absl::MutexLock lock(&rep->write_mu);
  if (rep->deferred == nullptr) return uint64_t{0};
  std::unique_ptr<DeferredIndexes> d = std::move(rep->deferred);
  // On error the indexes stay out of queries' reach (and unbuilt: the next
  // open rebuilds them).
  QL_ASSIGN_OR_RETURN(uint64_t entries, FinishDeferred(rep->db.get(), d.get()));
  absl::MutexLock read_lock(&rep->read_mu);
  rep->readable.reset();
  rep->building.clear();
  return entries;
}

absl::Status StoreAccess::CompactAfterLoad(Store& s) {
  Store::Rep* rep = s.rep_.get();
  QL_RETURN_IF_ERROR(rep->CheckWritable());
  // Without write_mu: writers go on meanwhile (LevelDB compacts beside
  // them), and a kill leaves the tables LevelDB had.
  return CompactTables(*rep->db);
}

std::string StoreAccess::CountKey(Kind kind) {
  return qiaolian::CountKey(kind);
}
absl::Status StoreAccess::CheckWritable(const Store& s) {
  return s.rep_->CheckWritable();
}
bool StoreAccess::Sync(const Store& s, std::optional<bool> sync) {
  return sync.value_or(s.rep_->options.sync);
}

}  // namespace internal
}  // namespace qiaolian

// --- Library-internal access (src/api/store_access.h).
namespace qiaolian {
namespace internal {

const storage::Db& StoreAccess::Db(const Store& store) {
  return *store.rep_->db;
}

const model::IndexRegistry& StoreAccess::Indexes(const Store& store) {
  return *store.rep_->indexes;
}

absl::StatusOr<const leveldb::Snapshot*> StoreAccess::RawSnapshot(
    const Store& store, const StoreSnapshot& snapshot) {
  QueryOptions o;
  o.snapshot = &snapshot;
  return store.SnapshotOf(o);
}

absl::Status StoreAccess::Commit(
    Store& store, absl::Span<google::protobuf::Message* const> updates,
    absl::Span<const std::pair<Kind, uint64_t>> deletes,
    const WriteOptions& options,
    const std::function<void(v1::ChangeRecord*)>& annotate) {
  Store::Rep* rep = store.rep_.get();
  QL_RETURN_IF_ERROR(rep->CheckWritable());
  absl::MutexLock lock(&rep->write_mu);
  const google::protobuf::Timestamp now = ToTimestamp(absl::Now());
  leveldb::WriteBatch batch;
  IndexWriter index_writer(*rep->db, *rep->indexes, rep->deferred.get());
  std::array<uint64_t, kKindSlots> removed = {};
  // Every change is in the audit log too, in the same batch; the chain's
  // head moves only if the batch is written.
  rep->audit.Begin();
  struct RollbackUnlessWritten {
    privacy::AuditChain* chain;
    bool written = false;
    ~RollbackUnlessWritten() {
      if (!written) chain->Rollback();
    }
  } audit_guard{&rep->audit};
  auto history = [&](Kind kind, uint64_t id, uint64_t revision,
                     v1::ChangeRecord::Op op, std::string row) {
    v1::ChangeRecord c = Store::Rep::Change(kind, id, revision, op, now,
                                            options, std::move(row));
    if (annotate) annotate(&c);
    batch.Put(storage::HistoryKey(kind, id, revision), c.SerializeAsString());
  };
  auto deleted = [&](Kind kind, uint64_t id) {
    for (const auto& [k, i] : deletes) {
      if (k == kind && i == id) return true;
    }
    return false;
  };
  for (const auto& [kind, id] : deletes) {
    QL_RETURN_IF_ERROR(CheckKind(kind));
    std::unique_ptr<google::protobuf::Message> old = NewRecord(kind);
    QL_RETURN_IF_ERROR(rep->ReadRow(kind, id, old.get()));
    const uint64_t revision = MetaOf(*old).revision();
    QL_RETURN_IF_ERROR(
        index_writer.Apply(kind, id, old.get(), nullptr, &batch));
    QL_ASSIGN_OR_RETURN(std::string old_row,
                        storage::EncodeRow(*rep->db, kind, id, *old));
    batch.Delete(storage::RowKey(kind, id));
    history(kind, id, revision + 1, v1::ChangeRecord::OP_DELETE,
            std::move(old_row));
    rep->audit.Append(
        privacy::ChangeEntry(v1::AuditEntry::ACTION_DELETE, kind, id,
                             revision + 1, FromTimestamp(now), options.actor,
                             privacy::ChangedFields(old.get(), nullptr)),
        &batch);
    ++removed[kind];
  }
  std::vector<v1::RecordMeta> saved;
  absl::Status failure;
  for (google::protobuf::Message* record : updates) {
    if (record == nullptr) {
      failure = absl::InvalidArgumentError("record is null");
      break;
    }
    absl::StatusOr<Kind> kind = KindOf(*record);
    if (!kind.ok()) {
      failure = kind.status();
      break;
    }
    const uint64_t id = MetaOf(*record).id();
    std::unique_ptr<google::protobuf::Message> old = NewRecord(*kind);
    failure = rep->ReadRow(*kind, id, old.get());
    if (!failure.ok()) break;
    const v1::RecordMeta& old_meta = MetaOf(*old);
    if (MetaOf(*record).revision() != old_meta.revision()) {
      failure = absl::AbortedError(absl::StrCat(
          "conflict: ", KindName(*kind), " ", id, " is at revision ",
          old_meta.revision(), " but the change was based on revision ",
          MetaOf(*record).revision(), "; read it again and retry"));
      break;
    }
    failure = model::ValidateRecord(
        *record, [&](Kind k, uint64_t i) -> absl::StatusOr<bool> {
          if (deleted(k, i)) return false;
          return rep->RowExists(k, i);
        });
    if (!failure.ok()) break;
    saved.push_back(MetaOf(*record));
    v1::RecordMeta new_meta = old_meta;
    new_meta.set_revision(old_meta.revision() + 1);
    *new_meta.mutable_updated_at() = now;
    new_meta.set_updated_by(options.actor);
    *MutableMetaOf(record) = new_meta;
    failure = index_writer.Apply(*kind, id, old.get(), record, &batch);
    if (!failure.ok()) break;
    rep->audit.Append(
        privacy::ChangeEntry(v1::AuditEntry::ACTION_UPDATE, *kind, id,
                             new_meta.revision(), FromTimestamp(now),
                             options.actor,
                             privacy::ChangedFields(old.get(), record)),
        &batch);
    absl::StatusOr<std::string> row =
        storage::EncodeRow(*rep->db, *kind, id, *record);
    if (!row.ok()) {
      failure = row.status();
      break;
    }
    batch.Put(storage::RowKey(*kind, id), *row);
    history(*kind, id, new_meta.revision(), v1::ChangeRecord::OP_UPDATE,
            *std::move(row));
  }
  if (failure.ok()) {
    for (Kind k : kAllKinds) {
      if (removed[k] != 0) {
        batch.Put(CountKey(k), EncodeU64(rep->count[k] - removed[k]));
      }
    }
    failure = rep->db->Write(&batch, rep->Sync(options));
  }
  if (!failure.ok()) {
    for (size_t j = 0; j < saved.size(); ++j) {
      *MutableMetaOf(updates[j]) = saved[j];
    }
    return failure;
  }
  audit_guard.written = true;
  rep->audit.Commit();
  for (Kind k : kAllKinds) rep->count[k] -= removed[k];
  return absl::OkStatus();
}

}  // namespace internal
}  // namespace qiaolian
