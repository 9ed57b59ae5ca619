// Sets of 64-bit hashes for the importer, in memory that does not grow with
// the file (docs/import.md, "Memory"):
//
// - HashFilter answers "maybe" or "no" (a Bloom filter that adds layers of
//   twice the size as keys arrive, up to a byte budget; past it, the last
//   layer fills and "maybe" grows more frequent). For questions that have an
//   exact answer elsewhere (the store's natural-key index, the duplicate
//   check), where "maybe" only costs a look there.
// - HashSet answers exactly: a hash table in memory up to a number of
//   entries; when full, its hashes are sorted into a run file in a directory
//   of the caller's choice and the table starts again. A HashFilter in front
//   of the runs spares the disk for nearly every new hash; a lookup that gets
//   past it reads one 4 KiB block of each run.
//
// Not thread-safe: one caller at a time.
#ifndef QIAOLIAN_SRC_INGEST_HASH_SETS_H_
#define QIAOLIAN_SRC_INGEST_HASH_SETS_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace qiaolian {
namespace ingest {

class HashFilter {
 public:
  // At most `max_bytes` of bits (at least one 64 KiB layer).
  explicit HashFilter(size_t max_bytes);
  HashFilter(HashFilter&&) = default;
  HashFilter& operator=(HashFilter&&) = default;

  void Add(uint64_t h);
  // False only when `h` was never added.
  bool MayContain(uint64_t h) const;
  size_t bytes() const { return bytes_; }
  // Forgets every hash and frees the filter's memory (it may be used again).
  void Clear();

 private:
  struct Free {
    void operator()(uint64_t* p) const;
  };
  struct Layer {
    std::unique_ptr<uint64_t, Free> words;  // calloc'ed: untouched pages are
                                            // not resident.
    size_t blocks = 0;                      // 512-bit blocks, a power of two.
    size_t keys = 0;                        // Added to this layer.
    size_t capacity = 0;  // Keys before the next layer is added.
  };
  void AddLayer(size_t bytes);

  size_t max_bytes_;
  size_t bytes_ = 0;
  std::vector<Layer> layers_;
};

class HashSet {
 public:
  // Up to `memory_entries` hashes in memory (16 bytes each at most); run
  // files go to `spill_dir` (created there and unlinked at once: a crash
  // leaves nothing behind).
  HashSet(std::string spill_dir, size_t memory_entries = size_t{1} << 20);
  ~HashSet();
  HashSet(const HashSet&) = delete;
  HashSet& operator=(const HashSet&) = delete;

  // True when `h` was not in the set (it is now). UNAVAILABLE when a run
  // file cannot be written or read (naming the directory and the cause).
  absl::StatusOr<bool> Insert(uint64_t h);

  size_t size() const;
  size_t runs() const { return runs_.size(); }
  // Forgets every hash, frees the table and closes the run files.
  void Clear();

 private:
  struct Run {
    int fd = -1;
    size_t count = 0;
    std::vector<uint64_t> fences;  // The first hash of every block.
  };
  bool InTable(uint64_t h) const;
  void PutInTable(uint64_t h);
  absl::StatusOr<bool> InRuns(uint64_t h) const;
  absl::Status Spill();

  std::string spill_dir_;
  size_t memory_entries_;
  std::vector<uint64_t> slots_;  // Open addressing; 0 is empty (0 -> 1).
  size_t table_size_ = 0;
  std::vector<Run> runs_;
  HashFilter spilled_;  // Every hash in a run.
};

// How many row hashes an import keeps in memory before it spills them to
// run files (HashSet's `memory_entries`, 1,048,576 by default). For tests,
// which lower it to reach the spill path with small files; 0 restores the
// default.
size_t ImportRowHashMemoryEntries();
void SetImportRowHashMemoryEntriesForTesting(size_t entries);

}  // namespace ingest
}  // namespace qiaolian

#endif  // QIAOLIAN_SRC_INGEST_HASH_SETS_H_
