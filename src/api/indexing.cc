#include "src/api/indexing.h"

#include <algorithm>
#include <memory>
#include <set>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "qiaolian/record.h"
#include "src/storage/key_codec.h"
#include "src/util/status_macros.h"

namespace qiaolian {
namespace internal {
namespace {

using google::protobuf::Message;

constexpr size_t kBuildBatchRows = 5000;

std::string IndexStateKey(uint16_t id) {
  return storage::MetaKey(absl::StrCat("index/", id));
}

std::string EntryKey(uint16_t index_id, absl::string_view tuple, uint64_t id) {
  std::string k = storage::IndexPrefix(index_id);
  k.append(tuple.data(), tuple.size());
  storage::PutU64(&k, id);
  return k;
}

std::string UniqueKey(uint16_t index_id, absl::string_view tuple) {
  std::string k = storage::UniquePrefix(index_id);
  k.append(tuple.data(), tuple.size());
  return k;
}

std::string EncodeId(uint64_t id) {
  std::string s;
  storage::PutU64(&s, id);
  return s;
}

absl::StatusOr<uint64_t> DecodeId(absl::string_view v) {
  uint64_t id = 0;
  if (!storage::GetU64(&v, &id) || !v.empty()) {
    return absl::DataLossError("unique key value is not an id");
  }
  return id;
}

// Deletes every key in [begin, end) in batches.
absl::Status DeleteRange(storage::Db* db, const std::string& begin,
                         const std::string& end) {
  std::unique_ptr<leveldb::Iterator> it(
      db->raw()->NewIterator(storage::ReadOpts()));
  leveldb::WriteBatch batch;
  size_t n = 0;
  for (it->Seek(begin);
       it->Valid() && (end.empty() || it->key().ToString() < end); it->Next()) {
    batch.Delete(it->key());
    if (++n % 10000 == 0) {
      QL_RETURN_IF_ERROR(db->Write(&batch, false));
      batch.Clear();
    }
  }
  QL_RETURN_IF_ERROR(storage::FromLevelDb(it->status(), "deleting index"));
  return db->Write(&batch, false);
}

// Builds the entries of `indexes` (all of one kind) from the rows, then marks
// them built.
absl::Status BuildIndexes(storage::Db* db, v1::Kind kind,
                          const std::vector<const model::Index*>& indexes,
                          uint64_t* entries = nullptr) {
  if (indexes.empty()) return absl::OkStatus();
  const leveldb::ReadOptions ro = storage::ReadOpts(nullptr, false);
  std::unique_ptr<leveldb::Iterator> it(db->raw()->NewIterator(ro));
  const std::string prefix = storage::RowPrefix(kind);
  std::unique_ptr<Message> record = NewRecord(kind);
  leveldb::WriteBatch batch;
  size_t rows = 0;
  // Within a build the first record to claim a unique value keeps it; later
  // duplicates (data written before the index existed) are left for verify
  // to report.
  std::set<std::string> claimed;
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix);
       it->Next()) {
    storage::RowKeyParts parts;
    absl::string_view key(it->key().data(), it->key().size());
    if (!storage::DecodeRowKey(key, &parts)) {
      return absl::DataLossError(
          absl::StrCat("unreadable row ", storage::DescribeKey(key)));
    }
    QL_RETURN_IF_ERROR(storage::DecodeRow(
        *db, kind, parts.id,
        absl::string_view(it->value().data(), it->value().size()),
        record.get()));
    for (const model::Index* idx : indexes) {
      for (const std::string& t : model::IndexTuples(*idx, *record)) {
        batch.Put(EntryKey(idx->spec.id, t, parts.id), "");
        if (entries != nullptr) ++*entries;
        if (idx->spec.unique && !model::TupleHasNull(t)) {
          std::string uk = UniqueKey(idx->spec.id, t);
          if (claimed.insert(uk).second) batch.Put(uk, EncodeId(parts.id));
        }
      }
    }
    if (++rows % kBuildBatchRows == 0) {
      QL_RETURN_IF_ERROR(db->Write(&batch, false));
      batch.Clear();
    }
  }
  QL_RETURN_IF_ERROR(storage::FromLevelDb(it->status(), "building indexes"));
  for (const model::Index* idx : indexes) {
    batch.Put(IndexStateKey(idx->spec.id), idx->fingerprint);
  }
  return db->Write(&batch, /*sync=*/true);
}

}  // namespace

std::string TupleToString(absl::string_view tuple) {
  std::vector<std::string> parts;
  while (!tuple.empty()) {
    storage::Component c;
    storage::Direction dir;
    if (!storage::GetComponent(&tuple, &c, &dir)) {
      parts.push_back("?");
      break;
    }
    if (std::holds_alternative<storage::Null>(c)) {
      parts.push_back("null");
    } else if (const auto* i = std::get_if<int64_t>(&c)) {
      parts.push_back(absl::StrCat(*i));
    } else if (const auto* u = std::get_if<uint64_t>(&c)) {
      parts.push_back(absl::StrCat(*u));
    } else {
      parts.push_back(absl::StrCat(
          "\"", absl::Utf8SafeCHexEscape(std::get<std::string>(c)), "\""));
    }
  }
  return absl::StrJoin(parts, ", ");
}

absl::Status IndexWriter::Apply(v1::Kind kind, uint64_t id, const Message* old,
                                const Message* now,
                                leveldb::WriteBatch* batch) {
  std::vector<std::pair<std::string, std::string>> puts;  // key, value
  std::vector<std::string> deletes;
  std::map<std::string, uint64_t> unique_changes;
  for (const model::Index* idx : registry_.OfKind(kind)) {
    // A record of the load: its entries go to the sorter, or if it
    // changes again FinishDeferred redoes them from its row. An older
    // record's entries are in the index and kept up to date below.
    if (deferred_ != nullptr && deferred_->Defers(kind, idx)) {
      if (old == nullptr && now != nullptr) {
        for (const std::string& t : model::IndexTuples(*idx, *now)) {
          held_.push_back(EntryKey(idx->spec.id, t, id));
        }
        continue;
      }
      if (id >= deferred_->first_id) {
        deferred_->touched.insert(id);
        continue;
      }
    }
    std::vector<std::string> before, after;
    if (old != nullptr) before = model::IndexTuples(*idx, *old);
    if (now != nullptr) after = model::IndexTuples(*idx, *now);
    std::vector<std::string> gone, added;
    std::set_difference(before.begin(), before.end(), after.begin(),
                        after.end(), std::back_inserter(gone));
    std::set_difference(after.begin(), after.end(), before.begin(),
                        before.end(), std::back_inserter(added));
    for (const std::string& t : gone) {
      deletes.push_back(EntryKey(idx->spec.id, t, id));
      if (idx->spec.unique && !model::TupleHasNull(t)) {
        std::string uk = UniqueKey(idx->spec.id, t);
        deletes.push_back(uk);
        unique_changes[uk] = 0;
      }
    }
    for (const std::string& t : added) {
      puts.emplace_back(EntryKey(idx->spec.id, t, id), "");
      if (!idx->spec.unique || model::TupleHasNull(t)) continue;
      std::string uk = UniqueKey(idx->spec.id, t);
      uint64_t holder = 0;
      auto pending = pending_unique_.find(uk);
      if (pending != pending_unique_.end()) {
        holder = pending->second;
      } else {
        QL_ASSIGN_OR_RETURN(std::optional<std::string> v, db_.Get(uk));
        if (v.has_value()) {
          QL_ASSIGN_OR_RETURN(holder, DecodeId(*v));
        }
      }
      if (holder != 0 && holder != id) {
        return absl::AlreadyExistsError(
            absl::StrCat(idx->name, ": ", TupleToString(t),
                         " is already used by ", KindName(kind), " ", holder));
      }
      puts.emplace_back(uk, EncodeId(id));
      unique_changes[uk] = id;
    }
  }
  for (const std::string& k : deletes) batch->Delete(k);
  for (const auto& [k, v] : puts) batch->Put(k, v);
  for (const auto& [k, v] : unique_changes) pending_unique_[k] = v;
  return absl::OkStatus();
}

void IndexWriter::Committed() {
  if (deferred_ == nullptr) return;
  storage::ExternalSorter* sorter = deferred_->sorter.get();
  for (const std::string& k : held_) {
    if (sorter == nullptr) break;
    if (!sorter->Add(k).ok()) {
      deferred_->sorter.reset();  // FinishDeferred rebuilds from the rows.
      sorter = nullptr;
    }
  }
  held_.clear();
}

bool DeferredIndexes::Defers(v1::Kind k, const model::Index* idx) const {
  return k == kind &&
         std::find(indexes.begin(), indexes.end(), idx) != indexes.end();
}

absl::StatusOr<std::unique_ptr<DeferredIndexes>> DeferIndexes(
    storage::Db* db, const model::IndexRegistry& registry, v1::Kind kind,
    uint64_t first_id, absl::Span<const uint16_t> keep,
    size_t sort_memory_bytes, const std::string& sort_dir) {
  auto d = std::make_unique<DeferredIndexes>();
  d->kind = kind;
  d->first_id = first_id;
  leveldb::WriteBatch unmark;
  for (const model::Index* idx : registry.OfKind(kind)) {
    if (idx->spec.unique ||
        std::find(keep.begin(), keep.end(), idx->spec.id) != keep.end() ||
        (idx->paths.size() == 1 &&
         idx->paths[0].leaf == model::LeafType::kRef)) {
      continue;
    }
    d->indexes.push_back(idx);
    unmark.Delete(IndexStateKey(idx->spec.id));
  }
  if (d->indexes.empty()) return nullptr;
  QL_RETURN_IF_ERROR(db->Write(&unmark, /*sync=*/true));
  d->sorter = std::make_unique<storage::ExternalSorter>(
      sort_dir.empty() ? db->path() : sort_dir, sort_memory_bytes);
  return d;
}

absl::StatusOr<uint64_t> FinishDeferred(storage::Db* db, DeferredIndexes* d) {
  constexpr size_t kBatchBytes = 1 << 20;
  uint64_t entries = 0;
  leveldb::WriteBatch batch;
  absl::Status written;  // A failed write to the store: no fallback.
  absl::Status sorted = absl::UnavailableError("the sorter failed earlier");
  if (d->sorter != nullptr) {
    sorted = d->sorter->Finish([&](absl::string_view key) -> absl::Status {
      // Every entry key ends with the record id (EntryKey).
      absl::string_view tail =
          key.size() >= 8 ? key.substr(key.size() - 8) : absl::string_view();
      uint64_t id = 0;
      if (storage::GetU64(&tail, &id) && d->touched.count(id) != 0) {
        return absl::OkStatus();
      }
      batch.Put(leveldb::Slice(key.data(), key.size()), leveldb::Slice());
      ++entries;
      if (batch.ApproximateSize() < kBatchBytes) return absl::OkStatus();
      written = db->Write(&batch, false);
      batch.Clear();
      return written;
    });
    d->sorter.reset();
  }
  QL_RETURN_IF_ERROR(written);
  if (!sorted.ok()) {
    // The sorter failed (its run files): build from the rows, as at open.
    batch.Clear();
    entries = 0;
    for (const model::Index* idx : d->indexes) {
      QL_RETURN_IF_ERROR(DeleteRange(db, storage::IndexPrefix(idx->spec.id),
                                     storage::IndexPrefix(idx->spec.id + 1)));
    }
    QL_RETURN_IF_ERROR(BuildIndexes(db, d->kind, d->indexes, &entries));
    return entries;
  }
  // The records changed during the load, as they are now.
  std::unique_ptr<Message> record = NewRecord(d->kind);
  for (uint64_t id : d->touched) {
    QL_ASSIGN_OR_RETURN(std::optional<std::string> row,
                        db->Get(storage::RowKey(d->kind, id)));
    if (!row.has_value()) continue;
    QL_RETURN_IF_ERROR(
        storage::DecodeRow(*db, d->kind, id, *row, record.get()));
    for (const model::Index* idx : d->indexes) {
      for (const std::string& t : model::IndexTuples(*idx, *record)) {
        batch.Put(EntryKey(idx->spec.id, t, id), "");
        ++entries;
      }
    }
  }
  for (const model::Index* idx : d->indexes) {
    batch.Put(IndexStateKey(idx->spec.id), idx->fingerprint);
  }
  QL_RETURN_IF_ERROR(db->Write(&batch, /*sync=*/true));
  return entries;
}

absl::Status CheckNotReferenced(const storage::Db& db,
                                const model::IndexRegistry& registry,
                                v1::Kind kind, uint64_t id) {
  std::string value;
  storage::PutInt64(&value, kind);
  storage::PutUint64(&value, id);
  std::unique_ptr<leveldb::Iterator> it(
      db.raw()->NewIterator(storage::ReadOpts()));
  for (const model::Index& idx : registry.all()) {
    if (idx.paths.size() != 1 || idx.paths[0].leaf != model::LeafType::kRef) {
      continue;
    }
    const std::string prefix = storage::IndexPrefix(idx.spec.id) + value;
    it->Seek(prefix);
    if (it->Valid() && it->key().starts_with(prefix)) {
      absl::string_view key(it->key().data(), it->key().size());
      key.remove_prefix(prefix.size());
      uint64_t holder = 0;
      if (!storage::GetU64(&key, &holder)) {
        return absl::DataLossError("malformed index entry");
      }
      return absl::FailedPreconditionError(
          absl::StrCat(KindName(kind), " ", id, " is referenced by ",
                       KindName(idx.spec.kind), " ", holder, " (",
                       idx.paths[0].text, "); remove the reference first"));
    }
  }
  return storage::FromLevelDb(it->status(), "checking references");
}

absl::Status SyncIndexes(storage::Db* db,
                         const model::IndexRegistry& registry) {
  // Drop indexes that are no longer declared.
  const std::string state_prefix = storage::MetaKey("index/");
  std::vector<uint16_t> stale;
  {
    std::unique_ptr<leveldb::Iterator> it(
        db->raw()->NewIterator(storage::ReadOpts()));
    for (it->Seek(state_prefix);
         it->Valid() && it->key().starts_with(state_prefix); it->Next()) {
      int id = 0;
      std::string name = it->key().ToString().substr(state_prefix.size());
      if (absl::SimpleAtoi(name, &id) && registry.Find(id) == nullptr) {
        stale.push_back(static_cast<uint16_t>(id));
      }
    }
    QL_RETURN_IF_ERROR(storage::FromLevelDb(it->status(), "reading indexes"));
  }
  for (uint16_t id : stale) {
    QL_RETURN_IF_ERROR(DeleteRange(db, storage::IndexPrefix(id),
                                   storage::IndexPrefix(id + 1)));
    QL_RETURN_IF_ERROR(DeleteRange(db, storage::UniquePrefix(id),
                                   storage::UniquePrefix(id + 1)));
    leveldb::WriteBatch b;
    b.Delete(IndexStateKey(id));
    QL_RETURN_IF_ERROR(db->Write(&b, true));
  }
  // Build what is new or changed, one pass over the rows per kind.
  for (Kind kind : kAllKinds) {
    std::vector<const model::Index*> todo;
    for (const model::Index* idx : registry.OfKind(kind)) {
      QL_ASSIGN_OR_RETURN(std::optional<std::string> state,
                          db->Get(IndexStateKey(idx->spec.id)));
      if (state.has_value() && *state == idx->fingerprint) continue;
      // Partial or outdated entries go first.
      QL_RETURN_IF_ERROR(DeleteRange(db, storage::IndexPrefix(idx->spec.id),
                                     storage::IndexPrefix(idx->spec.id + 1)));
      QL_RETURN_IF_ERROR(DeleteRange(db, storage::UniquePrefix(idx->spec.id),
                                     storage::UniquePrefix(idx->spec.id + 1)));
      todo.push_back(idx);
    }
    QL_RETURN_IF_ERROR(BuildIndexes(db, kind, todo));
  }
  return absl::OkStatus();
}

absl::Status Reindex(storage::Db* db, const model::IndexRegistry& registry) {
  // Unmark every index first (synced), so that a crash in the middle of the
  // rebuild leaves indexes that the next open rebuilds rather than partial
  // ones marked built.
  {
    leveldb::WriteBatch unmark;
    const std::string state_prefix = storage::MetaKey("index/");
    std::unique_ptr<leveldb::Iterator> it(
        db->raw()->NewIterator(storage::ReadOpts()));
    for (it->Seek(state_prefix);
         it->Valid() && it->key().starts_with(state_prefix); it->Next()) {
      unmark.Delete(it->key());
    }
    QL_RETURN_IF_ERROR(storage::FromLevelDb(it->status(), "reading indexes"));
    QL_RETURN_IF_ERROR(db->Write(&unmark, /*sync=*/true));
  }
  QL_RETURN_IF_ERROR(DeleteRange(
      db, std::string(1, static_cast<char>(storage::Keyspace::kIndex)),
      std::string(1, static_cast<char>(storage::Keyspace::kHistory))));
  for (Kind kind : kAllKinds) {
    QL_RETURN_IF_ERROR(BuildIndexes(db, kind, registry.OfKind(kind)));
  }
  return absl::OkStatus();
}

absl::StatusOr<VerifyReport> Verify(const storage::Db& db,
                                    const model::IndexRegistry& registry,
                                    absl::Span<const uint16_t> building) {
  VerifyReport report;
  storage::Snapshot snap(db.raw());
  const leveldb::ReadOptions ro = storage::ReadOpts(snap.get(), false);
  constexpr size_t kMaxProblems = 100;
  auto problem = [&](std::string p) {
    if (report.problems.size() < kMaxProblems) {
      report.problems.push_back(std::move(p));
    }
  };
  std::map<uint16_t, uint64_t> expected_entries, expected_unique;
  // Indexes with a missing entry: a stray one may make the count agree.
  std::set<uint16_t> incomplete;

  // Rows -> entries.
  for (Kind kind : kAllKinds) {
    std::unique_ptr<leveldb::Iterator> it(db.raw()->NewIterator(ro));
    const std::string prefix = storage::RowPrefix(kind);
    std::unique_ptr<Message> record = NewRecord(kind);
    std::vector<const model::Index*> indexes = registry.OfKind(kind);
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix);
         it->Next()) {
      absl::string_view key(it->key().data(), it->key().size());
      storage::RowKeyParts parts;
      if (!storage::DecodeRowKey(key, &parts)) {
        problem(absl::StrCat("unreadable row ", storage::DescribeKey(key)));
        continue;
      }
      if (absl::Status st = storage::DecodeRow(
              db, kind, parts.id,
              absl::string_view(it->value().data(), it->value().size()),
              record.get());
          !st.ok()) {
        problem(absl::StrCat("unreadable row ", storage::DescribeKey(key), ": ",
                             st.message()));
        continue;
      }
      ++report.rows;
      for (const model::Index* idx : indexes) {
        for (const std::string& t : model::IndexTuples(*idx, *record)) {
          ++expected_entries[idx->spec.id];
          ++report.index_entries;
          const std::string ek = EntryKey(idx->spec.id, t, parts.id);
          QL_ASSIGN_OR_RETURN(std::optional<std::string> v,
                              db.Get(ek, snap.get()));
          if (!v.has_value()) {
            incomplete.insert(idx->spec.id);
            problem(absl::StrCat("missing ", storage::DescribeKey(ek), " for ",
                                 KindName(kind), " ", parts.id, " (", idx->name,
                                 ")"));
          }
          if (!idx->spec.unique || model::TupleHasNull(t)) continue;
          ++expected_unique[idx->spec.id];
          ++report.unique_entries;
          const std::string uk = UniqueKey(idx->spec.id, t);
          QL_ASSIGN_OR_RETURN(std::optional<std::string> u,
                              db.Get(uk, snap.get()));
          if (!u.has_value()) {
            problem(absl::StrCat("missing ", storage::DescribeKey(uk), " for ",
                                 KindName(kind), " ", parts.id));
          } else {
            absl::StatusOr<uint64_t> holder = DecodeId(*u);
            if (!holder.ok() || *holder != parts.id) {
              problem(absl::StrCat(
                  idx->name, ": ", TupleToString(t), " is used by ",
                  KindName(kind), " ", parts.id, " but held by ",
                  holder.ok() ? absl::StrCat(KindName(kind), " ", *holder)
                              : std::string("a malformed value")));
            }
          }
        }
      }
    }
    QL_RETURN_IF_ERROR(storage::FromLevelDb(it->status(), "verifying rows"));
  }

  // Entries -> rows: every entry must be one the rows call for. Counting is
  // enough where all expected entries exist (a subset of equal size is the
  // set); otherwise, or on a count mismatch, each entry is checked.
  auto check_keyspace = [&](storage::Keyspace space,
                            std::map<uint16_t, uint64_t>& expected,
                            const char* what) -> absl::Status {
    std::unique_ptr<leveldb::Iterator> it(db.raw()->NewIterator(ro));
    const std::string begin(1, static_cast<char>(space));
    std::map<uint16_t, uint64_t> actual;
    for (it->Seek(begin); it->Valid() && it->key()[0] == begin[0]; it->Next()) {
      absl::string_view key(it->key().data(), it->key().size());
      absl::string_view rest = key.substr(1);
      uint16_t index_id = 0;
      if (!storage::GetU16(&rest, &index_id)) {
        problem(absl::StrCat("malformed key ", storage::DescribeKey(key)));
        continue;
      }
      const model::Index* idx = registry.Find(index_id);
      if (idx == nullptr && std::find(building.begin(), building.end(),
                                      index_id) != building.end()) {
        continue;  // Being built by a bulk load.
      }
      if (idx == nullptr) {
        problem(absl::StrCat("entry of undeclared index: ",
                             storage::DescribeKey(key)));
        continue;
      }
      ++actual[index_id];
    }
    QL_RETURN_IF_ERROR(storage::FromLevelDb(it->status(), "verifying"));
    for (const model::Index& idx : registry.all()) {
      uint64_t want = expected[idx.spec.id], have = actual[idx.spec.id];
      const bool missing = space == storage::Keyspace::kIndex &&
                           incomplete.count(idx.spec.id) != 0;
      if (want == have && !missing) continue;
      if (want != have) {
        problem(absl::StrCat(idx.name, ": ", have, " ", what,
                             " but the rows call for ", want));
      }
      // Find the extra ones.
      if (space != storage::Keyspace::kIndex) continue;
      const std::string prefix = storage::IndexPrefix(idx.spec.id);
      std::unique_ptr<Message> record = NewRecord(idx.spec.kind);
      for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix);
           it->Next()) {
        absl::string_view key(it->key().data(), it->key().size());
        absl::string_view tail = key.substr(key.size() - 8);
        absl::string_view tuple =
            key.substr(prefix.size(), key.size() - prefix.size() - 8);
        uint64_t id = 0;
        if (!storage::GetU64(&tail, &id)) continue;
        QL_ASSIGN_OR_RETURN(
            std::optional<std::string> row,
            db.Get(storage::RowKey(idx.spec.kind, id), snap.get()));
        bool wanted = false;
        if (row.has_value() &&
            storage::DecodeRow(db, idx.spec.kind, id, *row, record.get())
                .ok()) {
          std::vector<std::string> ts = model::IndexTuples(idx, *record);
          wanted = std::binary_search(ts.begin(), ts.end(), std::string(tuple));
        }
        if (!wanted) {
          problem(absl::StrCat("stray ", storage::DescribeKey(key),
                               row.has_value() ? "" : " (no such row)"));
        }
      }
    }
    return absl::OkStatus();
  };
  QL_RETURN_IF_ERROR(
      check_keyspace(storage::Keyspace::kIndex, expected_entries, "entries"));
  QL_RETURN_IF_ERROR(check_keyspace(storage::Keyspace::kUnique, expected_unique,
                                    "unique keys"));
  return report;
}

}  // namespace internal
}  // namespace qiaolian
