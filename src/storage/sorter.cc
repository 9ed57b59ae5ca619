#include "src/storage/sorter.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cerrno>
#include <cstring>
#include <queue>
#include <utility>

#include "absl/strings/str_cat.h"

namespace qiaolian {
namespace storage {
namespace {

constexpr size_t kRunIoBuffer = 64 << 10;
// What the merge's read buffers may take together: a buffer of
// kRunIoBuffer per run while there are few runs, smaller ones (down to
// kMinRunReadBuffer) when there are many, so that the memory of a merge
// does not grow with the number of runs (the size of the load).
constexpr size_t kMergeReadBudget = 8 << 20;
constexpr size_t kMinRunReadBuffer = 4 << 10;

std::atomic<uint64_t> next_run_file{0};

void PutLength(std::string* dst, uint32_t n) {
  char b[4];
  for (int i = 0; i < 4; ++i) b[i] = static_cast<char>(n >> (8 * i));
  dst->append(b, 4);
}

// Reads one run back, key by key.
class RunReader {
 public:
  RunReader(FILE* f, size_t buffer_bytes) : f_(f), buffer_(buffer_bytes) {
    setvbuf(f_, buffer_.data(), _IOFBF, buffer_.size());
  }
  // False at the end of the run; DATA_LOSS in `*st` on a short read.
  bool Next(absl::Status* st) {
    unsigned char b[4];
    size_t got = fread(b, 1, 4, f_);
    if (got == 0 && feof(f_)) return false;
    if (got != 4) {
      *st = absl::DataLossError("sort run file: truncated key length");
      return false;
    }
    const uint32_t n =
        b[0] | b[1] << 8 | b[2] << 16 | static_cast<uint32_t>(b[3]) << 24;
    key_.resize(n);
    if (n != 0 && fread(key_.data(), 1, n, f_) != n) {
      *st = absl::DataLossError("sort run file: truncated key");
      return false;
    }
    return true;
  }
  absl::string_view key() const { return key_; }

 private:
  FILE* f_;
  std::vector<char> buffer_;
  std::string key_;
};

// `v` as read from memory, taken as a big-endian number.
uint64_t BigEndian(uint64_t v) {
  if constexpr (std::endian::native == std::endian::little) {
    return __builtin_bswap64(v);
  }
  return v;
}

}  // namespace

absl::StatusOr<int> CreateScratchFile(const std::string& dir,
                                      absl::string_view what) {
  const std::string path =
      absl::StrCat(dir, "/qiaolian-scratch-", getpid(), "-",
                   next_run_file.fetch_add(1), ".tmp");
  const int fd =
      open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    return absl::UnavailableError(absl::StrCat(
        "cannot create a ", what, " file in ", dir, ": ", strerror(errno)));
  }
  unlink(path.c_str());  // Lives until closed; a crash leaves nothing.
  return fd;
}

void ExternalSorter::Buffer::Sort() {
  const char* base = bytes.data();
  // Zero padding keeps the prefixes in byte order (a key sorts before its
  // extensions); equal prefixes fall back to the rest of the keys, or to
  // the whole keys when one is shorter than its prefix (padding or zeros).
  std::sort(keys.begin(), keys.end(), [base](const Key& a, const Key& b) {
    if (a.high != b.high) return a.high < b.high;
    if (a.low != b.low) return a.low < b.low;
    const size_t skip = a.length >= 16 && b.length >= 16 ? 16 : 0;
    return absl::string_view(base + a.offset + skip, a.length - skip) <
           absl::string_view(base + b.offset + skip, b.length - skip);
  });
}

ExternalSorter::ExternalSorter(std::string dir, size_t memory_bytes)
    : dir_(std::move(dir)), half_bytes_(std::max<size_t>(memory_bytes / 2, 1)) {
  // The whole half at once: growing by doubling would hold the old and the
  // new copy together (1.5x the memory) and overshoot to the next power of
  // two. Pages not yet written are not resident.
  filling_.bytes.reserve(half_bytes_);
}

ExternalSorter::~ExternalSorter() {
  if (spill_thread_.joinable()) spill_thread_.join();
}

absl::Status ExternalSorter::WaitForSpill() {
  if (spill_thread_.joinable()) {
    spill_thread_.join();
    if (!spill_status_.ok()) {
      sticky_ = spill_status_;
    } else {
      runs_.push_back(std::move(spill_file_));
    }
    spilling_.bytes.clear();
    spilling_.keys.clear();
  }
  return sticky_;
}

absl::Status ExternalSorter::Spill(Buffer* buf, File* out) {
  buf->Sort();
  absl::StatusOr<int> fd = CreateScratchFile(dir_, "sort run");
  if (!fd.ok()) return fd.status();
  File f(fdopen(*fd, "w+b"));
  if (f == nullptr) {
    close(*fd);
    return absl::UnavailableError(absl::StrCat(
        "cannot open a sort run file in ", dir_, ": ", strerror(errno)));
  }
  std::string chunk;
  chunk.reserve(kRunIoBuffer * 4);
  absl::string_view last;
  bool have_last = false;
  auto flush = [&]() -> bool {
    if (chunk.empty()) return true;
    const bool ok =
        fwrite(chunk.data(), 1, chunk.size(), f.get()) == chunk.size();
    chunk.clear();
    return ok;
  };
  for (const Key& key : buf->keys) {
    const uint32_t len = key.length;
    absl::string_view k(buf->bytes.data() + key.offset, len);
    if (have_last && k == last) continue;
    PutLength(&chunk, len);
    chunk.append(k.data(), k.size());
    last = k;
    have_last = true;
    if (chunk.size() >= kRunIoBuffer * 3 && !flush()) break;
  }
  if (!flush() || fflush(f.get()) != 0 || ferror(f.get())) {
    return absl::UnavailableError(absl::StrCat(
        "cannot write a sort run file in ", dir_, ": ", strerror(errno)));
  }
  rewind(f.get());
  *out = std::move(f);
  return absl::OkStatus();
}

absl::Status ExternalSorter::Add(absl::string_view key) {
  if (!sticky_.ok()) return sticky_;
  if (finished_) return absl::FailedPreconditionError("sorter is finished");
  if (key.size() > 0xFFFFFFFEu) {
    return absl::InvalidArgumentError("sort key longer than 4 GiB");
  }
  if (filling_.footprint() + key.size() + 8 > half_bytes_ &&
      !filling_.keys.empty()) {
    if (absl::Status st = WaitForSpill(); !st.ok()) return st;
    std::swap(filling_, spilling_);
    spill_thread_ = std::thread(
        [this] { spill_status_ = Spill(&spilling_, &spill_file_); });
    filling_.bytes.reserve(half_bytes_);
  }
  if (filling_.bytes.size() + key.size() > 0xFFFFFFFFu) {
    return absl::ResourceExhaustedError("sort buffer larger than 4 GiB");
  }
  uint64_t half[2] = {0, 0};
  if (key.size() >= 16) {
    std::memcpy(half, key.data(), 16);
    half[0] = BigEndian(half[0]);
    half[1] = BigEndian(half[1]);
  } else {
    for (size_t i = 0; i < key.size(); ++i) {
      half[i / 8] |= uint64_t{static_cast<unsigned char>(key[i])}
                     << (56 - 8 * (i % 8));
    }
  }
  filling_.keys.push_back(Key{half[0], half[1],
                              static_cast<uint32_t>(filling_.bytes.size()),
                              static_cast<uint32_t>(key.size())});
  filling_.bytes.append(key.data(), key.size());
  ++keys_added_;
  return absl::OkStatus();
}

absl::Status ExternalSorter::Finish(
    const std::function<absl::Status(absl::string_view)>& emit) {
  if (finished_) return absl::FailedPreconditionError("sorter is finished");
  finished_ = true;
  if (absl::Status st = WaitForSpill(); !st.ok()) return st;
  spilling_ = Buffer();  // Its memory goes before the read buffers come.
  filling_.Sort();

  // Sources: the runs, then the last buffer (index runs_.size()).
  const size_t mem = runs_.size();
  std::vector<std::unique_ptr<RunReader>> readers;
  readers.reserve(runs_.size());
  const size_t read_buffer =
      std::clamp(kMergeReadBudget / std::max<size_t>(runs_.size(), 1),
                 kMinRunReadBuffer, kRunIoBuffer);
  for (File& f : runs_) {
    readers.push_back(std::make_unique<RunReader>(f.get(), read_buffer));
  }
  size_t mem_pos = 0;
  auto current = [&](size_t src) -> absl::string_view {
    if (src < mem) return readers[src]->key();
    const Key& k = filling_.keys[mem_pos];
    return absl::string_view(filling_.bytes.data() + k.offset, k.length);
  };
  absl::Status read_status;
  auto advance = [&](size_t src) -> bool {
    if (src < mem) return readers[src]->Next(&read_status);
    return ++mem_pos < filling_.keys.size();
  };
  auto later = [&](size_t a, size_t b) { return current(a) > current(b); };
  std::priority_queue<size_t, std::vector<size_t>, decltype(later)> heap(later);
  for (size_t src = 0; src < mem; ++src) {
    if (advance(src)) heap.push(src);
    if (!read_status.ok()) return read_status;
  }
  if (!filling_.keys.empty()) heap.push(mem);

  std::string last;
  bool have_last = false;
  while (!heap.empty()) {
    const size_t src = heap.top();
    heap.pop();
    absl::string_view k = current(src);
    if (!have_last || k != last) {
      if (absl::Status st = emit(k); !st.ok()) return st;
      last.assign(k.data(), k.size());
      have_last = true;
    }
    if (advance(src)) heap.push(src);
    if (!read_status.ok()) return read_status;
  }
  runs_.clear();
  filling_ = Buffer();
  return absl::OkStatus();
}

}  // namespace storage
}  // namespace qiaolian
