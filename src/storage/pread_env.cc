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
#include <string>

namespace qiaolian {
namespace storage {
namespace {

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

class MappedFile final : public leveldb::RandomAccessFile {
 public:
  // `fd` is -1 when no descriptor is kept (reads are then in place only).
  MappedFile(std::string name, const char* base, size_t length, int fd)
      : name_(std::move(name)),
        base_(base),
        length_(length),
        fd_(fd),
        preads_(fd >= 0 ? new std::atomic<uint8_t>[length / kPage + 1]()
                        : nullptr) {}
  ~MappedFile() override {
    ::munmap(const_cast<char*>(base_), length_);
    MapLimiter().Release();
    if (fd_ >= 0) {
      ::close(fd_);
      FdLimiter().Release();
    }
  }

  leveldb::Status Read(uint64_t offset, size_t n, leveldb::Slice* result,
                       char* scratch) const override {
    if (offset + n > length_) {
      *result = leveldb::Slice();
      return PosixError(name_, EINVAL);
    }
    if (cold_reads > 0 && fd_ >= 0 && n <= kColdReadMaxBytes && n > 0 &&
        ReadWithPread(offset, n)) {
      return PreadAll(name_, fd_, offset, n, result, scratch);
    }
    *result = leveldb::Slice(base_ + offset, n);
    return leveldb::Status::OK();
  }

 private:
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

  static constexpr size_t kPage = 4096;
  static constexpr uint8_t kColdPreads = 5;
  const std::string name_;
  const char* const base_;
  const size_t length_;
  const int fd_;
  // How many cold reads of each page were made with pread (kept only with
  // a descriptor).
  const std::unique_ptr<std::atomic<uint8_t>[]> preads_;
};

class MappedEnv final : public leveldb::EnvWrapper {
 public:
  explicit MappedEnv(leveldb::Env* target) : leveldb::EnvWrapper(target) {}

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
    *result =
        new MappedFile(name, static_cast<const char*>(base), length, kept);
    return leveldb::Status::OK();
  }
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

std::unique_ptr<leveldb::Env> NewMappedEnv(leveldb::Env* target) {
  return std::make_unique<MappedEnv>(target);
}

ColdReads::ColdReads() { ++cold_reads; }
ColdReads::~ColdReads() { --cold_reads; }

}  // namespace storage
}  // namespace qiaolian
