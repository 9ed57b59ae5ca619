// How a store reads its table files: two leveldb::Env wrappers, and a scope
// for reads that touch each block once.
//
// NewPreadEnv: table files read with pread(2) instead of mapped into memory
// (StoreOptions::map_tables = false).
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

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "leveldb/env.h"

namespace qiaolian {
namespace storage {

// Every call goes to `target` (not owned; must outlive the result) except
// NewRandomAccessFile, which opens the file for pread.
std::unique_ptr<leveldb::Env> NewPreadEnv(leveldb::Env* target);

// Table files memory-mapped and read in place, as LevelDB's default Env
// reads them (StoreOptions::map_tables, the default), except the first
// reads of a block that threads make inside a ColdReads scope: a block of at
// most kColdReadMaxBytes (a data block) is then read with pread into
// LevelDB's buffer, the first five times. Read a sixth time, it is read in
// place, its pages mapped from then on. The first touch of a page of a mapping
// costs a page fault, about 3 times a pread of a block on the machines
// measured, and nothing after; a block spans two pages, so reading it in
// place the first time costs about six preads (bench/RESULTS.md, "Cold
// reads"): preads until they have cost about that, then the faults (the
// rent-or-buy rule). A search over a large store reads most of its blocks a
// few times, and a fault for each made a store's first searches slower than
// later ones, while the blocks searched again and again (a small store,
// common names) end up mapped and read with no system call. A byte a page of
// the mapped files counts its preads. As in LevelDB's Env, at most 1,000 files
// are mapped at a time (others are the target's files: LevelDB's Env reads them
// with pread under its own limit of open descriptors), and a mapped file keeps
// its descriptor for cold reads only while fewer than a fifth of the process's
// limit of file descriptors are kept so (the others are read in place even in a
// scope). Every other call goes to `target`.
//
// With `search_cache_bytes` > 0, a cold read of a block first looks for it
// in memory of the Env's own: a block read there once (with pread) is served
// from there, with no system call, copy or fault, until its file closes.
// LevelDB relies on a block its file returns from memory other than its own
// buffer for as long as the file is open, as it does on a mapped one, so a
// kept block is never evicted: once that memory is spent, cold reads are
// made as above. It is taken in 2 MiB chunks advised as transparent huge
// pages (one fault a chunk, where a block cache's buffers take one a
// block), as searches need it or all at once ahead of them
// (ReserveSearchCache), and a closed file's room is used again.
std::unique_ptr<leveldb::Env> NewMappedEnv(leveldb::Env* target,
                                           size_t search_cache_bytes = 0);

// Takes memory for kept blocks of `mapped_env` (which NewMappedEnv made)
// ahead of the searches, touching each 2 MiB chunk once, so that the
// searches that fill it do not pay for its first touch (a 2 MiB page
// zeroed: 0.1-0.3 ms, and up to 3.5 ms on memory the machine has not used
// before; bench/RESULTS.md, session 25): chunks until the memory taken
// holds `bytes` (the size of the tables whose blocks it may keep) or the
// budget is spent. Stops between chunks when `stop` is true. Returns the
// number of chunks taken. Thread-safe.
size_t ReserveSearchCache(leveldb::Env* mapped_env, uint64_t bytes,
                          const std::atomic<bool>& stop);

// Brings the table file `file_number` of `mapped_env` (which NewMappedEnv
// made) into the process's memory, if the file is open (a table LevelDB has
// opened, and not yet closed), reading from disk what the page cache lacks:
// from then on its reads are in place, with no system call or copy, inside a
// ColdReads scope too. Where the kernel offers transparent huge pages
// (TransparentHugePagesOffered), into a copy of the file on 2 MiB pages
// (each a TLB entry where the page cache's 4 KiB pages take 512), memory of
// the process's own until the file closes: the kernel cannot take it back.
// Else by mapping every page of the file's map (MADV_POPULATE_READ, Linux
// 5.14, else a read of each page): the pages count in the process's resident
// size as the page cache's (the kernel may take them back, and a read then
// faults them in again). Stops between 2 MiB steps when `stop` is true.
// Returns the file's size when all of it is in memory, else 0. Thread-safe:
// a file LevelDB closes meanwhile stays mapped until it returns, and reads
// made before keep their bytes.
uint64_t MapTableIntoMemory(leveldb::Env* mapped_env, uint64_t file_number,
                            const std::atomic<bool>& stop);

// Whether the kernel gives transparent huge pages to memory that asks for
// them (MADV_HUGEPAGE): /sys/kernel/mm/transparent_hugepage/enabled shows
// [always] or [madvise]. Read once.
bool TransparentHugePagesOffered();

inline constexpr size_t kColdReadMaxBytes = 16 << 10;

// While one is alive, the reads of this thread from mapped tables are cold
// reads (NewMappedEnv). Scopes nest. The reads should not fill the block
// cache (leveldb::ReadOptions::fill_cache = false): a block read into a
// buffer that is freed at once reuses the same memory, where a block kept
// in the cache takes a fresh page of memory, and a fault, of its own.
class ColdReads {
 public:
  ColdReads();
  ~ColdReads();
  ColdReads(const ColdReads&) = delete;
  ColdReads& operator=(const ColdReads&) = delete;
};

}  // namespace storage
}  // namespace qiaolian

#endif  // QIAOLIAN_SRC_STORAGE_PREAD_ENV_H_
