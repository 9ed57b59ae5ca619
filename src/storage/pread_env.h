// A leveldb::Env that reads table files with pread(2) instead of mapping
// them into memory (StoreOptions::map_tables = false).
//
// LevelDB's default Env memory-maps up to 1000 table files and reads their
// blocks in place: fast, but every page a read touches (compaction inputs,
// lookups) counts in the process's resident memory as file-backed page
// cache, which grows with the store (411 MB at the peak of a 1M-row import,
// bench/RESULTS.md). Through this Env a block is read into a heap buffer,
// kept in the block cache (StoreOptions::block_cache_bytes) when the read
// asks for it, and an open table keeps only its index and filter blocks:
// resident memory is bounded by the block cache and the number of open
// tables (leveldb::Options::max_open_files), whatever the store's size, at
// the price of a system call and a copy per block read.
#ifndef QIAOLIAN_SRC_STORAGE_PREAD_ENV_H_
#define QIAOLIAN_SRC_STORAGE_PREAD_ENV_H_

#include <memory>

#include "leveldb/env.h"

namespace qiaolian {
namespace storage {

// Every call goes to `target` (not owned; must outlive the result) except
// NewRandomAccessFile, which opens the file for pread.
std::unique_ptr<leveldb::Env> NewPreadEnv(leveldb::Env* target);

}  // namespace storage
}  // namespace qiaolian

#endif  // QIAOLIAN_SRC_STORAGE_PREAD_ENV_H_
