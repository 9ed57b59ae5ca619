#include "src/storage/pread_env.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/strip.h"

namespace qiaolian {
namespace storage {
namespace {

constexpr size_t kPage = 4096;  // The memory page, for faults and counts.

leveldb::Status PosixError(const std::string& context, int err) {
  if (err == ENOENT) {
    return leveldb::Status::NotFound(context, std::strerror(err));
  }
  return leveldb::Status::IOError(context, std::strerror(err));
}

// Reads `n` bytes at `offset` of `fd` into `scratch`; fewer at the end of
// the file, as LevelDB expects.
leveldb::Status PreadAll(const std::string& name, int fd, uint64_t offset,
                         size_t n, leveldb::Slice* result, char* scratch) {
  size_t done = 0;
  while (done < n) {
    const ssize_t r = ::pread(fd, scratch + done, n - done,
                              static_cast<off_t>(offset + done));
    if (r < 0) {
      if (errno == EINTR) continue;
      *result = leveldb::Slice(scratch, 0);
      return PosixError(name, errno);
    }
    if (r == 0) break;
    done += static_cast<size_t>(r);
  }
  *result = leveldb::Slice(scratch, done);
  return leveldb::Status::OK();
}

class PreadFile final : public leveldb::RandomAccessFile {
 public:
  PreadFile(std::string name, int fd) : name_(std::move(name)), fd_(fd) {}
  ~PreadFile() override { ::close(fd_); }

  leveldb::Status Read(uint64_t offset, size_t n, leveldb::Slice* result,
                       char* scratch) const override {
    return PreadAll(name_, fd_, offset, n, result, scratch);
  }

 private:
  const std::string name_;
  const int fd_;
};

// Depth of the ColdReads scopes of this thread.
thread_local int cold_reads = 0;

// A process-wide count of held resources (mapped files, kept descriptors)
// with a ceiling, as LevelDB's Env limits its own.
class Limiter {
 public:
  explicit Limiter(int max) : left_(max) {}
  bool Acquire() {
    if (left_.fetch_sub(1, std::memory_order_acquire) > 0) return true;
    left_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  void Release() { left_.fetch_add(1, std::memory_order_release); }

 private:
  std::atomic<int> left_;
};

// At most 1,000 mapped files, LevelDB's limit on 64-bit hosts.
Limiter& MapLimiter() {
  static Limiter* l = new Limiter(1000);
  return *l;
}

// Descriptors kept open for cold reads: a fifth of the process's limit, as
// LevelDB keeps for the table files it reads with pread.
Limiter& FdLimiter() {
  static Limiter* l = [] {
    struct rlimit rl;
    int max = 50;
    if (::getrlimit(RLIMIT_NOFILE, &rl) == 0) {
      max = rl.rlim_cur == RLIM_INFINITY
                ? 1 << 20
                : static_cast<int>(std::min<rlim_t>(rl.rlim_cur / 5, 1 << 20));
    }
    return new Limiter(max);
  }();
  return *l;
}

constexpr size_t kHugePage = 2 << 20;

// `bytes` (a multiple of the page) of private memory starting on a 2 MiB
// boundary, where a huge page must start, asked for as huge pages (each
// whole 2 MiB of it; the rest is in pages); nullptr when it cannot be had.
// Freed with munmap.
char* MapHugePages(size_t bytes) {
  // 2 MiB more than asked for, to cut an aligned range out of it.
  void* raw = ::mmap(nullptr, bytes + kHugePage, PROT_READ | PROT_WRITE,
                     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (raw == MAP_FAILED) return nullptr;
  const uintptr_t start = reinterpret_cast<uintptr_t>(raw);
  const uintptr_t base = (start + kHugePage - 1) & ~uintptr_t{kHugePage - 1};
  if (base > start) ::munmap(raw, base - start);
  ::munmap(reinterpret_cast<void*>(base + bytes), start + kHugePage - base);
  char* p = reinterpret_cast<char*>(base);
  ::madvise(p, bytes, MADV_HUGEPAGE);
  return p;
}

// Memory for the blocks that searches read (NewMappedEnv): 2 MiB chunks,
// each asked for as one transparent huge page, handed out in order. A block
// stays where it was put until the file it came from is closed (LevelDB keeps
// a block it did not read into its own buffer for as long as the file is
// open), so nothing is evicted: once `budget` bytes of chunks are in use,
// Allocate says no. A chunk whose blocks have all been freed is used again.
class BlockArena {
 public:
  explicit BlockArena(size_t budget) : max_chunks_(budget / kChunk) {}
  ~BlockArena() {
    for (const Chunk& c : chunks_) ::munmap(c.base, kChunk);
  }
  BlockArena(const BlockArena&) = delete;
  BlockArena& operator=(const BlockArena&) = delete;

  // Room for `n` bytes (at most a chunk), and the chunk it is in; nullptr
  // when the budget is spent.
  char* Allocate(size_t n, uint32_t* chunk) {
    n = Rounded(n);
    if (n > kChunk) return nullptr;
    std::lock_guard<std::mutex> lock(mu_);
    if (current_ == kNone || chunks_[current_].used + n > kChunk) {
      if (!NextChunk()) return nullptr;
    }
    Chunk& c = chunks_[current_];
    char* p = c.base + c.used;
    c.used += n;
    c.live += n;
    *chunk = current_;
    return p;
  }

  // Takes chunks until `bytes` fit in those taken or the budget is spent,
  // each touched once, and keeps them for Allocate: the first touch of
  // fresh memory (a 2 MiB page zeroed, or 512 faults without huge pages) is
  // paid here instead of by the search that needs the chunk. Stops early
  // when `stop` turns true. Returns how many chunks it took.
  size_t Reserve(uint64_t bytes, const std::atomic<bool>& stop) {
    const uint64_t wanted = (bytes + kChunk - 1) / kChunk;
    size_t taken = 0;
    while (!stop.load(std::memory_order_relaxed)) {
      char* p = nullptr;
      uint32_t index = 0;
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (chunks_.size() >= wanted) break;
        p = TakeChunk();
        if (p == nullptr) break;
        index = static_cast<uint32_t>(chunks_.size() - 1);
      }
      // Outside the lock: no search waits for it. Populated writable (Linux
      // 5.14+); where the kernel does not know the advice, the pages are
      // touched instead.
      if (::madvise(p, kChunk, MADV_POPULATE_WRITE) != 0) {
        for (size_t i = 0; i < kChunk; i += kPage) p[i] = 0;
      }
      std::lock_guard<std::mutex> lock(mu_);
      free_.push_back(index);
      ++taken;
    }
    return taken;
  }

  // Gives back `n` bytes that Allocate handed out from `chunk` (in any
  // number of allocations, as their sizes were asked for).
  void Free(uint32_t chunk, size_t n) {
    std::lock_guard<std::mutex> lock(mu_);
    Chunk& c = chunks_[chunk];
    c.live -= n;
    if (c.live != 0) return;
    c.used = 0;
    if (chunk != current_) free_.push_back(chunk);
  }

  static size_t Rounded(size_t n) { return (n + 15) & ~size_t{15}; }

 private:
  static constexpr size_t kChunk = kHugePage;
  static constexpr uint32_t kNone = ~uint32_t{0};
  struct Chunk {
    char* base;
    size_t used;
    size_t live;
  };

  // Called with mu_ held.
  bool NextChunk() {
    if (!free_.empty()) {
      current_ = free_.back();
      free_.pop_back();
      return true;
    }
    if (TakeChunk() == nullptr) return false;
    current_ = static_cast<uint32_t>(chunks_.size() - 1);
    return true;
  }

  // A new chunk at the end of chunks_, or nullptr when the budget is spent
  // or the memory cannot be had. Called with mu_ held.
  char* TakeChunk() {
    if (chunks_.size() >= max_chunks_) return nullptr;
    // One fault a chunk instead of one a page, where the kernel has huge
    // pages to give (bench/RESULTS.md, "A search's blocks kept").
    char* p = MapHugePages(kChunk);
    if (p == nullptr) return nullptr;
    chunks_.push_back(Chunk{p, 0, 0});
    return p;
  }

  const size_t max_chunks_;
  // A std::mutex: a cold read takes the locks of its file and of the arena,
  // and Debian's absl::Mutex costs 45 ns a lock where this one costs 5.
  std::mutex mu_;
  std::vector<Chunk> chunks_;   // Guarded by mu_.
  std::vector<uint32_t> free_;  // Guarded by mu_.
  uint32_t current_ = kNone;    // Guarded by mu_.
};

// A file's memory map, shared by its MappedFile and, while it maps the
// file into memory, MapTableIntoMemory: unmapped when both are done. Once
// copied into memory (MapIntoMemory), the file is read from the copy.
class Mapping {
 public:
  // `name`: the file's, for errors and to open it again to copy it
  // (CopyIntoMemory).
  Mapping(std::string name, const char* base, size_t length)
      : name_(std::move(name)), base_(base), length_(length) {}
  ~Mapping() {
    if (char* copy = copy_.load(std::memory_order_relaxed); copy != nullptr) {
      ::munmap(copy, CopyBytes());
    }
    ::munmap(const_cast<char*>(base_), length_);
    MapLimiter().Release();
  }
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;

  // The file's bytes: the copy when there is one, else the map. A slice of
  // either stays valid while the Mapping lives.
  const char* base() const {
    const char* copy = copy_.load(std::memory_order_acquire);
    return copy != nullptr ? copy : base_;
  }
  size_t length() const { return length_; }
  const std::string& name() const { return name_; }
  bool in_memory() const { return in_memory_.load(std::memory_order_relaxed); }

  // Brings the whole file into the process's memory (reading from disk what
  // the page cache lacks), a 2 MiB step at a time until `stop`; true when
  // all of it is in (in_memory() from then on). Where the kernel offers
  // transparent huge pages, into a copy on huge pages (CopyIntoMemory),
  // else by mapping every page of the map.
  bool MapIntoMemory(const std::atomic<bool>& stop) {
    if (in_memory()) return true;
    // A file of less than a huge page would have none.
    if (length_ >= kHugePage && TransparentHugePagesOffered()) {
      if (std::optional<bool> copied = CopyIntoMemory(stop)) return *copied;
    }
    for (size_t at = 0; at < length_; at += kHugePage) {
      if (stop.load(std::memory_order_relaxed)) return false;
      const size_t n = std::min(kHugePage, length_ - at);
      char* p = const_cast<char*>(base_) + at;
      if (::madvise(p, n, kMadvPopulateRead) != 0) {
        // A kernel older than 5.14: a read of each page maps it.
        if (errno != EINVAL) return false;
        for (size_t i = 0; i < n; i += kPage) {
          (void)*static_cast<volatile const char*>(p + i);
        }
      }
    }
    in_memory_.store(true, std::memory_order_relaxed);
    return true;
  }

 private:
  // MADV_POPULATE_READ (Linux 5.14), which Debian 12's headers lack.
  static constexpr int kMadvPopulateRead = 22;

  size_t CopyBytes() const { return (length_ + kPage - 1) & ~(kPage - 1); }

  // Copies the file into memory of its own, on 2 MiB huge pages where the
  // kernel has them (the tail past the last whole 2 MiB on 4 KiB pages). A
  // search's first read of a block on the page cache's 4 KiB pages misses
  // the TLB and, in a virtual machine, walks two levels of page tables,
  // which cost more than the rest of the read; one huge page is one TLB
  // entry for 512 of them (bench/RESULTS.md, "Search indexes copied onto
  // huge pages"). Unlike the page cache's pages, the kernel cannot take the
  // copy back: it is the process's memory until the file is closed. Reads
  // made before the copy is published keep their slices of the map, which
  // stays (LevelDB's index block of the table among them). nullopt when the
  // file cannot be opened again or read, or the memory cannot be had (the
  // map is used then); false when stopped.
  std::optional<bool> CopyIntoMemory(const std::atomic<bool>& stop) {
    const int fd = ::open(name_.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return std::nullopt;
    char* copy = MapHugePages(CopyBytes());
    if (copy == nullptr) {
      ::close(fd);
      return std::nullopt;
    }
    bool stopped = false, failed = false;
    for (size_t at = 0; at < length_ && !stopped && !failed; at += kHugePage) {
      const size_t n = std::min(kHugePage, length_ - at);
      leveldb::Slice read;
      stopped = stop.load(std::memory_order_relaxed);
      failed =
          !stopped && (!PreadAll(name_, fd, at, n, &read, copy + at).ok() ||
                       read.size() != n);
    }
    ::close(fd);
    if (stopped || failed) {
      ::munmap(copy, CopyBytes());
      return failed ? std::nullopt : std::optional<bool>(false);
    }
    copy_.store(copy, std::memory_order_release);
    in_memory_.store(true, std::memory_order_relaxed);
    return true;
  }

  const std::string name_;
  const char* const base_;
  const size_t length_;
  std::atomic<char*> copy_{nullptr};
  std::atomic<bool> in_memory_{false};
};

// The mappings of the table files a MappedEnv has open, by file number
// (MapTableIntoMemory).
class OpenTables {
 public:
  void Add(uint64_t number, std::shared_ptr<Mapping> m) {
    std::lock_guard<std::mutex> lock(mu_);
    files_[number] = std::move(m);
  }
  void Remove(uint64_t number, const Mapping* m) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = files_.find(number);
    if (it != files_.end() && it->second.get() == m) files_.erase(it);
  }
  // The mapping of the open table `number`, or null.
  std::shared_ptr<Mapping> Find(uint64_t number) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = files_.find(number);
    return it == files_.end() ? nullptr : it->second;
  }

 private:
  std::mutex mu_;
  absl::flat_hash_map<uint64_t, std::shared_ptr<Mapping>> files_;  // mu_.
};

// The number of a table file ("/dir/000123.ldb" -> 123), or 0.
uint64_t TableNumber(absl::string_view name) {
  absl::string_view base = name.substr(name.find_last_of('/') + 1);
  uint64_t n = 0;
  return (absl::ConsumeSuffix(&base, ".ldb") ||
          absl::ConsumeSuffix(&base, ".sst")) &&
                 absl::SimpleAtoi(base, &n)
             ? n
             : 0;
}

class MappedFile final : public leveldb::RandomAccessFile {
 public:
  // `fd` is -1 when no descriptor is kept (reads are then in place only).
  // `arena` (may be null) keeps blocks of cold reads. `tables` (may be
  // null) lists the file under `number` while it is open.
  MappedFile(std::string name, const char* base, size_t length, int fd,
             BlockArena* arena, OpenTables* tables, uint64_t number)
      : mapping_(std::make_shared<Mapping>(std::move(name), base, length)),
        fd_(fd),
        arena_(fd >= 0 ? arena : nullptr),
        preads_(fd >= 0 ? new std::atomic<uint8_t>[length / kPage + 1]()
                        : nullptr),
        tables_(number != 0 ? tables : nullptr),
        number_(number) {
    if (tables_ != nullptr) tables_->Add(number_, mapping_);
  }
  ~MappedFile() override {
    if (tables_ != nullptr) tables_->Remove(number_, mapping_.get());
    for (const auto& [chunk, bytes] : held_) arena_->Free(chunk, bytes);
    if (fd_ >= 0) {
      ::close(fd_);
      FdLimiter().Release();
    }
  }

  leveldb::Status Read(uint64_t offset, size_t n, leveldb::Slice* result,
                       char* scratch) const override {
    if (offset + n > mapping_->length()) {
      *result = leveldb::Slice();
      return PosixError(mapping_->name(), EINVAL);
    }
    if (cold_reads > 0 && fd_ >= 0 && n <= kColdReadMaxBytes && n > 0 &&
        !mapping_->in_memory()) {
      if (arena_ != nullptr) {
        bool kept = false;
        leveldb::Status s = ReadKept(offset, n, result, scratch, &kept);
        if (kept || !s.ok()) return s;
      }
      if (ReadWithPread(offset, n)) {
        return PreadAll(mapping_->name(), fd_, offset, n, result, scratch);
      }
    }
    *result = leveldb::Slice(mapping_->base() + offset, n);
    return leveldb::Status::OK();
  }

 private:
  // A cold read served from the arena: the block kept there, or read with
  // pread into room of the arena and kept (`*kept` true either way). Not
  // kept when the arena is full: the caller reads it otherwise.
  leveldb::Status ReadKept(uint64_t offset, size_t n, leveldb::Slice* result,
                           char* scratch, bool* kept) const {
    {
      std::shared_lock<std::shared_mutex> lock(mu_);
      auto it = blocks_.find(offset);
      if (it != blocks_.end() && it->second.second >= n) {
        *result = leveldb::Slice(it->second.first, n);
        *kept = true;
        return leveldb::Status::OK();
      }
    }
    uint32_t chunk = 0;
    char* room = arena_->Allocate(n, &chunk);
    if (room == nullptr) return leveldb::Status::OK();
    leveldb::Status s =
        PreadAll(mapping_->name(), fd_, offset, n, result, room);
    if (!s.ok() || result->size() != n) {
      // The end of the file, or an error: nothing kept.
      if (s.ok()) {
        std::memcpy(scratch, room, result->size());
        *result = leveldb::Slice(scratch, result->size());
      }
      arena_->Free(chunk, BlockArena::Rounded(n));
      *kept = true;
      return s;
    }
    *kept = true;
    std::lock_guard<std::shared_mutex> lock(mu_);
    auto [it, added] = blocks_.try_emplace(offset, room, n);
    if (!added) {
      // Another thread kept the block first (or a shorter read of it).
      if (it->second.second >= n) {
        arena_->Free(chunk, BlockArena::Rounded(n));
        *result = leveldb::Slice(it->second.first, n);
        return s;
      }
      it->second = {room, n};
    }
    if (!held_.empty() && held_.back().first == chunk) {
      held_.back().second += BlockArena::Rounded(n);
    } else {
      held_.emplace_back(chunk, BlockArena::Rounded(n));
    }
    return s;
  }

  // Whether a cold read of [offset, offset + n) is to be made with pread:
  // while one of its pages has been read so fewer than kColdPreads times.
  // A pread of a block costs 1.4-2.9 µs, the fault of a page's first read in
  // place 4-8 µs (about three preads: bench/RESULTS.md, "Cold reads"), after
  // which the page's reads cost nothing. A 4 KiB block starts anywhere in a
  // page, so it spans two pages nearly always and its first read in place
  // faults twice: about six preads. Paying for preads until they add up to
  // that, then reading in place, is the rent-or-buy rule (never more than
  // twice the cost of the best choice made knowing how often the block will
  // be read).
  bool ReadWithPread(uint64_t offset, size_t n) const {
    const size_t first = offset / kPage, last = (offset + n - 1) / kPage;
    bool pread = false;
    for (size_t p = first; p <= last; ++p) {
      uint8_t seen = preads_[p].load(std::memory_order_relaxed);
      if (seen < kColdPreads) {
        // A lost race counts one pread too few or too many: harmless.
        preads_[p].store(seen + 1, std::memory_order_relaxed);
        pread = true;
      }
    }
    return pread;
  }

  static constexpr uint8_t kColdPreads = 5;

  // Unmapped when the file closes, or after a MapTableIntoMemory that is
  // mapping it. Holds the file's name.
  const std::shared_ptr<Mapping> mapping_;
  const int fd_;
  BlockArena* const arena_;
  // How many cold reads of each page were made with pread (kept only with
  // a descriptor).
  const std::unique_ptr<std::atomic<uint8_t>[]> preads_;
  // Guards blocks_ and held_ (shared to look a block up).
  mutable std::shared_mutex mu_;
  // Blocks kept in the arena: offset -> (data, size).
  mutable absl::flat_hash_map<uint64_t, std::pair<const char*, size_t>> blocks_;
  // The arena's room this file holds: (chunk, bytes), in order.
  mutable std::vector<std::pair<uint32_t, size_t>> held_;
  OpenTables* const tables_;
  const uint64_t number_;
};

class MappedEnv final : public leveldb::EnvWrapper {
 public:
  MappedEnv(leveldb::Env* target, size_t search_cache_bytes)
      : leveldb::EnvWrapper(target),
        arena_(search_cache_bytes > 0
                   ? std::make_unique<BlockArena>(search_cache_bytes)
                   : nullptr) {}

  leveldb::Status NewRandomAccessFile(
      const std::string& name, leveldb::RandomAccessFile** result) override {
    *result = nullptr;
    const int fd = ::open(name.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return PosixError(name, errno);
    struct stat st;
    if (::fstat(fd, &st) != 0) {
      const int err = errno;
      ::close(fd);
      return PosixError(name, err);
    }
    const size_t length = static_cast<size_t>(st.st_size);
    // Past the limit of mapped files (or a file that cannot be mapped), the
    // target's own file, which LevelDB's Env reads with pread under its own
    // limit of open descriptors.
    if (length == 0 || !MapLimiter().Acquire()) {
      ::close(fd);
      return target()->NewRandomAccessFile(name, result);
    }
    void* base = ::mmap(nullptr, length, PROT_READ, MAP_SHARED, fd, 0);
    if (base == MAP_FAILED) {
      MapLimiter().Release();
      ::close(fd);
      return target()->NewRandomAccessFile(name, result);
    }
    int kept = -1;
    if (FdLimiter().Acquire()) {
      kept = fd;
    } else {
      ::close(fd);
    }
    *result = new MappedFile(name, static_cast<const char*>(base), length, kept,
                             arena_.get(), &tables_, TableNumber(name));
    return leveldb::Status::OK();
  }

  size_t ReserveSearchCache(uint64_t bytes, const std::atomic<bool>& stop) {
    return arena_ != nullptr ? arena_->Reserve(bytes, stop) : 0;
  }

  uint64_t MapTableIntoMemory(uint64_t number, const std::atomic<bool>& stop) {
    std::shared_ptr<Mapping> m = tables_.Find(number);
    return m != nullptr && m->MapIntoMemory(stop) ? m->length() : 0;
  }

 private:
  // Both outlive the files (LevelDB closes them before its Env goes).
  const std::unique_ptr<BlockArena> arena_;
  OpenTables tables_;
};

class PreadEnv final : public leveldb::EnvWrapper {
 public:
  explicit PreadEnv(leveldb::Env* target) : leveldb::EnvWrapper(target) {}

  leveldb::Status NewRandomAccessFile(
      const std::string& name, leveldb::RandomAccessFile** result) override {
    *result = nullptr;
    const int fd = ::open(name.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return PosixError(name, errno);
    *result = new PreadFile(name, fd);
    return leveldb::Status::OK();
  }
};

}  // namespace

std::unique_ptr<leveldb::Env> NewPreadEnv(leveldb::Env* target) {
  return std::make_unique<PreadEnv>(target);
}

std::unique_ptr<leveldb::Env> NewMappedEnv(leveldb::Env* target,
                                           size_t search_cache_bytes) {
  return std::make_unique<MappedEnv>(target, search_cache_bytes);
}

size_t ReserveSearchCache(leveldb::Env* mapped_env, uint64_t bytes,
                          const std::atomic<bool>& stop) {
  return static_cast<MappedEnv*>(mapped_env)->ReserveSearchCache(bytes, stop);
}

uint64_t MapTableIntoMemory(leveldb::Env* mapped_env, uint64_t file_number,
                            const std::atomic<bool>& stop) {
  return static_cast<MappedEnv*>(mapped_env)
      ->MapTableIntoMemory(file_number, stop);
}

bool TransparentHugePagesOffered() {
  static const bool offered = [] {
    std::ifstream in("/sys/kernel/mm/transparent_hugepage/enabled");
    std::string line;
    if (!std::getline(in, line)) return false;
    return line.find("[always]") != std::string::npos ||
           line.find("[madvise]") != std::string::npos;
  }();
  return offered;
}

ColdReads::ColdReads() { ++cold_reads; }
ColdReads::~ColdReads() { --cold_reads; }

}  // namespace storage
}  // namespace qiaolian
