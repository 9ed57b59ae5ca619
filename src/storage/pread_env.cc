#include "src/storage/pread_env.h"

#include <fcntl.h>
#include <unistd.h>

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

class PreadFile final : public leveldb::RandomAccessFile {
 public:
  PreadFile(std::string name, int fd) : name_(std::move(name)), fd_(fd) {}
  ~PreadFile() override { ::close(fd_); }

  leveldb::Status Read(uint64_t offset, size_t n, leveldb::Slice* result,
                       char* scratch) const override {
    size_t done = 0;
    while (done < n) {
      const ssize_t r = ::pread(fd_, scratch + done, n - done,
                                static_cast<off_t>(offset + done));
      if (r < 0) {
        if (errno == EINTR) continue;
        *result = leveldb::Slice(scratch, 0);
        return PosixError(name_, errno);
      }
      if (r == 0) break;  // End of file: a short read, as LevelDB expects.
      done += static_cast<size_t>(r);
    }
    *result = leveldb::Slice(scratch, done);
    return leveldb::Status::OK();
  }

 private:
  const std::string name_;
  const int fd_;
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

}  // namespace storage
}  // namespace qiaolian
