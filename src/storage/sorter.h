// An external sort of byte strings, for building index entries in key order
// (bulk loads, docs/import.md): keys are gathered in a bounded buffer; a full
// buffer is sorted on a background thread and written to a run file while
// the next one fills; Finish merges the runs with the last buffer and hands
// out each distinct key once, in byte order (LevelDB's order).
//
// Run files are created in a directory of the caller's choice (the store's,
// so that they use the store's disk rather than a RAM-backed /tmp) and
// unlinked as soon as they are open: a crash leaves nothing behind.
//
// Not thread-safe: one caller at a time. Memory: about `memory_bytes`
// (two buffers of half that), plus in Finish a read buffer per run: 64 KiB
// each, less when there are more than 128 runs (8 MiB together, down to
// 4 KiB a run).
#ifndef QIAOLIAN_SRC_STORAGE_SORTER_H_
#define QIAOLIAN_SRC_STORAGE_SORTER_H_

#include <cstdint>
#include <cstdio>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace qiaolian {
namespace storage {

// Creates a file for scratch data in `dir` and unlinks it at once (it lives
// until closed; a crash leaves nothing behind): its descriptor, or
// UNAVAILABLE naming `what`, the directory and the cause.
absl::StatusOr<int> CreateScratchFile(const std::string& dir,
                                      absl::string_view what);

class ExternalSorter {
 public:
  // `dir` must exist and be writable when the first run is spilled.
  ExternalSorter(std::string dir, size_t memory_bytes);
  ~ExternalSorter();
  ExternalSorter(const ExternalSorter&) = delete;
  ExternalSorter& operator=(const ExternalSorter&) = delete;

  // Adds a key (at most 4 GiB - 1 bytes). Errors (UNAVAILABLE: a run could
  // not be written, naming the directory and the cause) are sticky: every
  // later call returns the same error.
  absl::Status Add(absl::string_view key);

  // Calls `emit` with every distinct key added, in byte order; stops at the
  // first error `emit` returns and returns it. DATA_LOSS when a run file
  // reads back short. May be called once.
  absl::Status Finish(
      const std::function<absl::Status(absl::string_view)>& emit);

  uint64_t keys_added() const { return keys_added_; }
  // Runs written to disk so far.
  size_t runs() const { return runs_.size(); }

 private:
  struct Key {
    // The first 16 bytes, big-endian, zero-padded: most comparisons end
    // here, without reading `bytes` (a cache miss per key). Index keys
    // share their first 4-8 bytes (keyspace, index, the start of a gram).
    uint64_t high, low;
    uint32_t offset;  // In `bytes`.
    uint32_t length;
  };
  struct Buffer {
    std::string bytes;
    std::vector<Key> keys;
    size_t footprint() const {
      return bytes.size() + sizeof(Key) * keys.size();
    }
    void Sort();
  };
  struct FileCloser {
    void operator()(FILE* f) const {
      if (f != nullptr) fclose(f);
    }
  };
  using File = std::unique_ptr<FILE, FileCloser>;

  // Waits for the run being written, if any; its error becomes sticky.
  absl::Status WaitForSpill();
  // Writes `buf`, sorted, to a new run file (on the spill thread).
  absl::Status Spill(Buffer* buf, File* out);

  const std::string dir_;
  const size_t half_bytes_;
  Buffer filling_;
  Buffer spilling_;
  std::thread spill_thread_;
  absl::Status spill_status_;
  File spill_file_;
  std::vector<File> runs_;
  absl::Status sticky_;
  uint64_t keys_added_ = 0;
  bool finished_ = false;
};

}  // namespace storage
}  // namespace qiaolian

#endif  // QIAOLIAN_SRC_STORAGE_SORTER_H_
