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
#include "src/storage/postings.h"
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

// A packed index's entry key: its head and posting.
absl::Status ParseEntry(absl::string_view key, absl::string_view* head,
                        storage::Posting* p) {
  bool block = false;
  if (!storage::ParsePostingKey(key, head, p, &block) || block) {
    return absl::DataLossError(absl::StrCat(
        "malformed posting entry ", storage::DescribeKey(key),
        " (expected components uint64 id, int64 code at the end)"));
  }
  return absl::OkStatus();
}

// The postings of block `key` in the store (empty when there is none).
absl::StatusOr<std::vector<storage::Posting>> ReadBlock(
    const storage::Db& db, const std::string& key,
    const leveldb::Snapshot* snap = nullptr) {
  std::vector<storage::Posting> out;
  QL_ASSIGN_OR_RETURN(std::optional<std::string> v, db.Get(key, snap));
  if (v.has_value()) QL_RETURN_IF_ERROR(storage::PostingsAt(key, *v, &out));
  return out;
}

// The postings under the key `it` is at, in a packed index.
absl::Status PostingsOf(const leveldb::Iterator& it,
                        std::vector<storage::Posting>* out) {
  return storage::PostingsAt(
      absl::string_view(it.key().data(), it.key().size()),
      absl::string_view(it.value().data(), it.value().size()), out);
}

// Gathers the postings of packed indexes for records that come in id order
// (an index build) and writes them as one block per head and id range.
class RangePacker {
 public:
  explicit RangePacker(leveldb::WriteBatch* batch) : batch_(batch) {}
  // Adds the entry `key` of record `id`; flushes the previous range first.
  absl::Status Add(const std::string& key, uint64_t id) {
    if (storage::PostingRangeStart(id) != start_) Flush();
    start_ = storage::PostingRangeStart(id);
    absl::string_view head;
    storage::Posting p;
    QL_RETURN_IF_ERROR(ParseEntry(key, &head, &p));
    blocks_[storage::PostingBlockKey(head, p.id)].push_back(p);
    return absl::OkStatus();
  }
  void Flush() {
    for (auto& [key, postings] : blocks_) {
      std::sort(postings.begin(), postings.end());
      batch_->Put(key, storage::EncodePostings(postings));
    }
    blocks_.clear();
  }

 private:
  leveldb::WriteBatch* batch_;
  uint64_t start_ = 0;
  std::map<std::string, std::vector<storage::Posting>> blocks_;
};

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
  RangePacker packer(&batch);
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
        if (entries != nullptr) ++*entries;
        if (idx->spec.packed) {
          QL_RETURN_IF_ERROR(
              packer.Add(EntryKey(idx->spec.id, t, parts.id), parts.id));
          continue;
        }
        batch.Put(EntryKey(idx->spec.id, t, parts.id), "");
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
  packer.Flush();
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
  Blocks staged;  // Posting blocks this record changes.
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
      if (idx->spec.packed) {
        // The posting is an entry of its own (deleted above) or in the
        // block of its range.
        absl::string_view head;
        storage::Posting p;
        QL_RETURN_IF_ERROR(ParseEntry(deletes.back(), &head, &p));
        QL_ASSIGN_OR_RETURN(
            Block * block,
            StagedBlock(storage::PostingBlockKey(head, p.id), &staged));
        auto at =
            std::lower_bound(block->postings.begin(), block->postings.end(), p);
        if (at != block->postings.end() && *at == p) {
          block->postings.erase(at);
          block->changed = true;
        }
      }
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
  CommitBlocks(&staged, batch);
  return absl::OkStatus();
}

absl::StatusOr<IndexWriter::Block*> IndexWriter::StagedBlock(
    const std::string& key, Blocks* staged) {
  auto at = staged->find(key);
  if (at != staged->end()) return &at->second;
  auto earlier = blocks_.find(key);
  Block b;
  if (earlier != blocks_.end()) {
    b.postings = earlier->second.postings;
  } else {
    QL_ASSIGN_OR_RETURN(b.postings, ReadBlock(db_, key));
  }
  return &staged->emplace(key, std::move(b)).first->second;
}

void IndexWriter::CommitBlocks(Blocks* staged, leveldb::WriteBatch* batch) {
  for (auto& [key, b] : *staged) {
    if (!b.changed) continue;
    if (b.postings.empty()) {
      batch->Delete(key);
    } else {
      batch->Put(key, storage::EncodePostings(b.postings));
    }
    b.changed = false;
    blocks_[key] = std::move(b);
  }
  staged->clear();
}

absl::StatusOr<size_t> IndexWriter::ErasePostings(const std::string& block_key,
                                                  uint64_t id,
                                                  leveldb::WriteBatch* batch) {
  Blocks staged;
  QL_ASSIGN_OR_RETURN(Block * block, StagedBlock(block_key, &staged));
  std::vector<storage::Posting>& ps = block->postings;
  const size_t before = ps.size();
  ps.erase(
      std::remove_if(ps.begin(), ps.end(),
                     [id](const storage::Posting& p) { return p.id == id; }),
      ps.end());
  const size_t removed = before - ps.size();
  block->changed = removed > 0;
  CommitBlocks(&staged, batch);
  return removed;
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
  auto flush_if_full = [&]() -> absl::Status {
    if (batch.ApproximateSize() < kBatchBytes) return absl::OkStatus();
    written = db->Write(&batch, false);
    batch.Clear();
    return written;
  };
  // The postings of packed indexes go into blocks; the block of the range
  // holding first_id may already have postings of older records.
  std::set<uint16_t> packed;
  for (const model::Index* idx : d->indexes) {
    if (idx->spec.packed) packed.insert(idx->spec.id);
  }
  storage::PostingPacker packer(
      [&](const std::string& key, const std::string& value) {
        batch.Put(key, value);
        return flush_if_full();
      },
      [&](const std::string& key)
          -> absl::StatusOr<std::vector<storage::Posting>> {
        // Older records can share only the block of first_id's range.
        absl::string_view head;
        storage::Posting start;
        bool block = false;
        if (storage::ParsePostingKey(key, &head, &start, &block) &&
            start.id < d->first_id &&
            start.id == storage::PostingRangeStart(d->first_id)) {
          return ReadBlock(*db, key);
        }
        return std::vector<storage::Posting>();
      });
  if (d->sorter != nullptr) {
    sorted = d->sorter->Finish([&](absl::string_view key) -> absl::Status {
      // Every entry key ends with the record id (EntryKey).
      absl::string_view tail =
          key.size() >= 8 ? key.substr(key.size() - 8) : absl::string_view();
      uint64_t id = 0;
      if (storage::GetU64(&tail, &id) && d->touched.count(id) != 0) {
        return absl::OkStatus();
      }
      ++entries;
      absl::string_view index_bytes = key.substr(1);  // After the keyspace.
      uint16_t index_id = 0;
      if (storage::GetU16(&index_bytes, &index_id) &&
          packed.count(index_id) != 0) {
        absl::string_view head;
        storage::Posting p;
        QL_RETURN_IF_ERROR(ParseEntry(key, &head, &p));
        return packer.Add(head, p);
      }
      batch.Put(leveldb::Slice(key.data(), key.size()), leveldb::Slice());
      return flush_if_full();
    });
    if (sorted.ok()) sorted = packer.Flush();
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

absl::StatusOr<uint64_t> PackPostings(storage::Db* db,
                                      const model::IndexRegistry& registry) {
  constexpr size_t kBatchBytes = 1 << 20;
  uint64_t moved = 0;
  leveldb::WriteBatch batch;
  for (const model::Index& idx : registry.all()) {
    if (!idx.spec.packed) continue;
    const std::string prefix = storage::IndexPrefix(idx.spec.id);
    std::unique_ptr<leveldb::Iterator> it(
        db->raw()->NewIterator(storage::ReadOpts(nullptr, false)));
    // The keys of one head and range: its postings, and the single entries
    // among them.
    std::string head;
    uint64_t start = 0;
    std::vector<storage::Posting> postings;
    std::vector<std::string> singles;
    auto flush = [&]() -> absl::Status {
      if (!singles.empty()) {
        std::sort(postings.begin(), postings.end());
        postings.erase(std::unique(postings.begin(), postings.end()),
                       postings.end());
        batch.Put(storage::PostingBlockKey(head, start),
                  storage::EncodePostings(postings));
        for (const std::string& k : singles) batch.Delete(k);
        moved += singles.size();
        if (batch.ApproximateSize() >= kBatchBytes) {
          QL_RETURN_IF_ERROR(db->Write(&batch, false));
          batch.Clear();
        }
      }
      postings.clear();
      singles.clear();
      return absl::OkStatus();
    };
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix);
         it->Next()) {
      absl::string_view key(it->key().data(), it->key().size());
      absl::string_view h;
      storage::Posting p;
      bool block = false;
      if (!storage::ParsePostingKey(key, &h, &p, &block)) {
        return absl::DataLossError(absl::StrCat("malformed posting entry ",
                                                storage::DescribeKey(key)));
      }
      if (h != head || storage::PostingRangeStart(p.id) != start) {
        QL_RETURN_IF_ERROR(flush());
        head.assign(h.data(), h.size());
        start = storage::PostingRangeStart(p.id);
      }
      QL_RETURN_IF_ERROR(PostingsOf(*it, &postings));
      if (!block) singles.emplace_back(key);
    }
    QL_RETURN_IF_ERROR(storage::FromLevelDb(it->status(), "packing postings"));
    QL_RETURN_IF_ERROR(flush());
  }
  QL_RETURN_IF_ERROR(db->Write(&batch, false));
  return moved;
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

  // Whether a packed index holds the posting of entry `ek`: as an entry of
  // its own or in its range's block. Rows come in id order, so the blocks of
  // one range are read once.
  std::map<std::string, std::vector<storage::Posting>> blocks;
  uint64_t blocks_range = ~uint64_t{0};
  auto has_posting = [&](const std::string& ek) -> absl::StatusOr<bool> {
    absl::string_view head;
    storage::Posting p;
    QL_RETURN_IF_ERROR(ParseEntry(ek, &head, &p));
    if (storage::PostingRangeStart(p.id) != blocks_range) {
      blocks.clear();
      blocks_range = storage::PostingRangeStart(p.id);
    }
    const std::string bk = storage::PostingBlockKey(head, p.id);
    auto at = blocks.find(bk);
    if (at == blocks.end()) {
      absl::StatusOr<std::vector<storage::Posting>> b =
          ReadBlock(db, bk, snap.get());
      if (!b.ok()) {
        problem(std::string(b.status().message()));
        b = std::vector<storage::Posting>();
      }
      at = blocks.emplace(bk, *std::move(b)).first;
    }
    if (std::binary_search(at->second.begin(), at->second.end(), p)) {
      return true;
    }
    QL_ASSIGN_OR_RETURN(std::optional<std::string> v, db.Get(ek, snap.get()));
    return v.has_value();
  };

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
          bool has = false;
          if (idx->spec.packed) {
            QL_ASSIGN_OR_RETURN(has, has_posting(ek));
          } else {
            QL_ASSIGN_OR_RETURN(std::optional<std::string> v,
                                db.Get(ek, snap.get()));
            has = v.has_value();
          }
          if (!has) {
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
      std::vector<storage::Posting> postings;
      if (space == storage::Keyspace::kIndex && idx->spec.packed) {
        absl::Status st = PostingsOf(*it, &postings);
        if (!st.ok()) {
          problem(std::string(st.message()));
          continue;
        }
        actual[index_id] += postings.size();
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
        // The entry keys here: the key itself, or a block's postings.
        std::vector<std::string> keys;
        std::vector<storage::Posting> postings;
        if (idx.spec.packed && PostingsOf(*it, &postings).ok()) {
          absl::string_view head;
          storage::Posting first;
          bool block = false;
          (void)storage::ParsePostingKey(
              absl::string_view(it->key().data(), it->key().size()), &head,
              &first, &block);
          for (const storage::Posting& p : postings) {
            keys.push_back(storage::PostingKey(head, p));
          }
        } else {
          keys.push_back(it->key().ToString());
        }
        for (const std::string& k : keys) {
          absl::string_view key(k);
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
            wanted =
                std::binary_search(ts.begin(), ts.end(), std::string(tuple));
          }
          if (!wanted) {
            problem(absl::StrCat("stray ", storage::DescribeKey(key),
                                 row.has_value() ? "" : " (no such row)"));
          }
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
