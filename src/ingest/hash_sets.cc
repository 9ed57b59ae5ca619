#include "src/ingest/hash_sets.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <new>
#include <utility>

#include "absl/strings/str_cat.h"
#include "src/storage/sorter.h"

namespace qiaolian {
namespace ingest {
namespace {

constexpr size_t kBlockBits = 512;  // One cache line.
constexpr size_t kFirstLayerBytes = 64 << 10;
// 4 bytes a key: a layer's false "maybe" ~0.0003 %; summed over the layers
// of a million keys ~0.004 % (measured).
constexpr size_t kBitsPerKey = 32;
constexpr int kProbes = 12;
static_assert(kProbes <= 12, "two mixes give 12 probes of 9 bits");
constexpr size_t kRunBlock = 512;  // Hashes per block of a run: 4 KiB.
constexpr size_t kImportRowHashes = size_t{1} << 20;

std::atomic<size_t> import_row_hashes{kImportRowHashes};

uint64_t Mix(uint64_t h) {
  // A 64-bit finaliser (MurmurHash3's): callers' hashes may be weak in some
  // bits.
  h ^= h >> 33;
  h *= 0xFF51AFD7ED558CCDull;
  h ^= h >> 33;
  h *= 0xC4CEB9FE1A85EC53ull;
  h ^= h >> 33;
  return h;
}

// The bits of one key, from two mixes (128 bits): its probes 9 bits at a
// time, 7 from the first mix and 5 from the low 45 bits of the second, and
// its block from the second's top 19 bits (a layer has at most 2^19 blocks).
constexpr size_t kMaxLayerBlocks = size_t{1} << 19;  // 32 MiB.
struct Bits {
  uint64_t m1, m2;
  explicit Bits(uint64_t h) : m1(Mix(h)), m2(Mix(m1 ^ 0x9E3779B97F4A7C15ull)) {}
  size_t Block(size_t blocks) const {
    return static_cast<size_t>(((m2 >> 45) * blocks) >> 19);
  }
  size_t Probe(int i) const {
    return i < 7 ? (m1 >> (9 * i)) & (kBlockBits - 1)
                 : (m2 >> (9 * (i - 7))) & (kBlockBits - 1);
  }
};

}  // namespace

void HashFilter::Free::operator()(uint64_t* p) const { std::free(p); }

HashFilter::HashFilter(size_t max_bytes)
    : max_bytes_(std::max(max_bytes, kFirstLayerBytes)) {}

void HashFilter::AddLayer(size_t bytes) {
  Layer l;
  l.blocks = bytes * 8 / kBlockBits;
  l.capacity = l.blocks * kBlockBits / kBitsPerKey;
  l.words.reset(static_cast<uint64_t*>(std::calloc(bytes / 8, 8)));
  if (l.words == nullptr) throw std::bad_alloc();
  bytes_ += bytes;
  layers_.push_back(std::move(l));
}

void HashFilter::Add(uint64_t h) {
  if (layers_.empty()) AddLayer(kFirstLayerBytes);
  if (layers_.back().keys >= layers_.back().capacity) {
    const size_t next =
        std::min(layers_.back().blocks * 2, kMaxLayerBlocks) * kBlockBits / 8;
    if (bytes_ + next <= max_bytes_) AddLayer(next);
  }
  Layer& l = layers_.back();
  const Bits k(h);
  uint64_t* block = l.words.get() + k.Block(l.blocks) * (kBlockBits / 64);
  for (int i = 0; i < kProbes; ++i) {
    const size_t bit = k.Probe(i);
    block[bit / 64] |= uint64_t{1} << (bit % 64);
  }
  ++l.keys;
}

void HashFilter::Clear() {
  std::vector<Layer>().swap(layers_);
  bytes_ = 0;
}

bool HashFilter::MayContain(uint64_t h) const {
  const Bits k(h);
  for (const Layer& l : layers_) {
    const uint64_t* block =
        l.words.get() + k.Block(l.blocks) * (kBlockBits / 64);
    bool all = true;
    for (int i = 0; i < kProbes && all; ++i) {
      const size_t bit = k.Probe(i);
      all = (block[bit / 64] >> (bit % 64)) & 1;
    }
    if (all) return true;
  }
  return false;
}

HashSet::HashSet(std::string spill_dir, size_t memory_entries)
    : spill_dir_(std::move(spill_dir)),
      memory_entries_(std::max<size_t>(memory_entries, 16)),
      spilled_(16 << 20) {}

HashSet::~HashSet() {
  for (Run& r : runs_) close(r.fd);
}

bool HashSet::InTable(uint64_t h) const {
  if (slots_.empty()) return false;
  const size_t mask = slots_.size() - 1;
  for (size_t i = Mix(h) & mask; slots_[i] != 0; i = (i + 1) & mask) {
    if (slots_[i] == h) return true;
  }
  return false;
}

void HashSet::PutInTable(uint64_t h) {
  if ((table_size_ + 1) * 2 > slots_.size()) {
    std::vector<uint64_t> old = std::move(slots_);
    slots_.assign(old.empty() ? 1024 : old.size() * 2, 0);
    table_size_ = 0;
    for (uint64_t v : old) {
      if (v != 0) PutInTable(v);
    }
  }
  const size_t mask = slots_.size() - 1;
  size_t i = Mix(h) & mask;
  while (slots_[i] != 0) i = (i + 1) & mask;
  slots_[i] = h;
  ++table_size_;
}

absl::StatusOr<bool> HashSet::InRuns(uint64_t h) const {
  std::vector<uint64_t> block;
  for (const Run& r : runs_) {
    // The last block whose first hash is <= h.
    auto f = std::upper_bound(r.fences.begin(), r.fences.end(), h);
    if (f == r.fences.begin()) continue;
    const size_t b = static_cast<size_t>(f - r.fences.begin()) - 1;
    const size_t n = std::min(kRunBlock, r.count - b * kRunBlock);
    block.resize(n);
    const size_t want = n * sizeof(uint64_t);
    const ssize_t got =
        pread(r.fd, block.data(), want, static_cast<off_t>(b * kRunBlock * 8));
    if (got != static_cast<ssize_t>(want)) {
      return absl::UnavailableError(
          absl::StrCat("cannot read a row-hash run file in ", spill_dir_, ": ",
                       got < 0 ? strerror(errno) : "short read"));
    }
    if (std::binary_search(block.begin(), block.end(), h)) return true;
  }
  return false;
}

absl::Status HashSet::Spill() {
  std::vector<uint64_t> sorted;
  sorted.reserve(table_size_);
  for (uint64_t v : slots_) {
    if (v != 0) sorted.push_back(v);
  }
  std::sort(sorted.begin(), sorted.end());
  absl::StatusOr<int> fd =
      storage::CreateScratchFile(spill_dir_, "row-hash run");
  if (!fd.ok()) return fd.status();
  Run r;
  r.fd = *fd;
  r.count = sorted.size();
  const char* p = reinterpret_cast<const char*>(sorted.data());
  size_t left = sorted.size() * sizeof(uint64_t);
  while (left > 0) {
    const ssize_t w = write(r.fd, p, left);
    if (w <= 0) {
      if (w < 0 && errno == EINTR) continue;
      const std::string why = strerror(errno);
      close(r.fd);
      return absl::UnavailableError(absl::StrCat(
          "cannot write a row-hash run file in ", spill_dir_, ": ", why));
    }
    p += w;
    left -= static_cast<size_t>(w);
  }
  for (size_t i = 0; i < sorted.size(); i += kRunBlock) {
    r.fences.push_back(sorted[i]);
  }
  for (uint64_t v : sorted) spilled_.Add(v);
  runs_.push_back(std::move(r));
  // Keep the table's memory for the next round: it refills to the same size.
  std::fill(slots_.begin(), slots_.end(), 0);
  table_size_ = 0;
  return absl::OkStatus();
}

absl::StatusOr<bool> HashSet::Insert(uint64_t h) {
  if (h == 0) h = 1;
  if (InTable(h)) return false;
  if (!runs_.empty() && spilled_.MayContain(h)) {
    absl::StatusOr<bool> in = InRuns(h);
    if (!in.ok()) return in.status();
    if (*in) return false;
  }
  if (table_size_ >= memory_entries_) {
    if (absl::Status st = Spill(); !st.ok()) return st;
  }
  PutInTable(h);
  return true;
}

void HashSet::Clear() {
  for (Run& r : runs_) close(r.fd);
  std::vector<Run>().swap(runs_);
  std::vector<uint64_t>().swap(slots_);
  table_size_ = 0;
  spilled_.Clear();
}

size_t HashSet::size() const {
  size_t n = table_size_;
  for (const Run& r : runs_) n += r.count;
  return n;
}

size_t ImportRowHashMemoryEntries() { return import_row_hashes.load(); }

void SetImportRowHashMemoryEntriesForTesting(size_t entries) {
  import_row_hashes.store(entries == 0 ? kImportRowHashes : entries);
}

}  // namespace ingest
}  // namespace qiaolian
