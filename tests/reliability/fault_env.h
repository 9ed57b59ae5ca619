// A leveldb::Env for fault injection (tests/reliability): fails the n-th
// write, sync, rename or file open it sees, and simulates a machine crash by
// cutting every file it wrote back to the length it last synced. Plugged in
// through StoreOptions::env (test-only; not in the C API).
//
// Thread-safe: LevelDB calls it from the writer and its compaction thread.
#ifndef QIAOLIAN_TESTS_RELIABILITY_FAULT_ENV_H_
#define QIAOLIAN_TESTS_RELIABILITY_FAULT_ENV_H_

#include <unistd.h>

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "leveldb/env.h"
#include "leveldb/status.h"

namespace qiaolian {
namespace reliability {

enum class FaultOp { kWrite, kSync, kRename, kOpen };

inline const char* FaultOpName(FaultOp op) {
  switch (op) {
    case FaultOp::kWrite:
      return "write";
    case FaultOp::kSync:
      return "sync";
    case FaultOp::kRename:
      return "rename";
    case FaultOp::kOpen:
      return "open";
  }
  return "?";
}

class FaultEnv : public leveldb::EnvWrapper {
 public:
  FaultEnv() : EnvWrapper(leveldb::Env::Default()) {}

  // From now on, the n-th operation of kind `op` fails once with an I/O
  // error, having done nothing (n >= 1; 0 disarms). Counting restarts.
  void FailNth(FaultOp op, uint64_t n) {
    std::lock_guard<std::mutex> lock(mu_);
    armed_op_ = op;
    armed_n_ = n;
    seen_ = 0;
    triggered_ = false;
  }
  // Whether the armed fault has fired.
  bool triggered() const {
    std::lock_guard<std::mutex> lock(mu_);
    return triggered_;
  }
  // Operations of the armed kind seen since FailNth.
  uint64_t seen() const {
    std::lock_guard<std::mutex> lock(mu_);
    return seen_;
  }
  // The machine stops: every later write, sync, rename, create or delete
  // fails (reads still work, so the store can be closed).
  void Crash() {
    std::lock_guard<std::mutex> lock(mu_);
    crashed_ = true;
  }
  // After Crash() and closing the store: cuts each file written through this
  // Env back to its last synced length (files never synced become empty),
  // as a power loss would. Returns the number of bytes dropped.
  uint64_t DropUnsyncedData() {
    std::lock_guard<std::mutex> lock(mu_);
    uint64_t dropped = 0;
    for (const auto& [path, f] : files_) {
      if (f.size > f.synced &&
          ::truncate(path.c_str(), static_cast<off_t>(f.synced)) == 0) {
        dropped += f.size - f.synced;
      }
    }
    files_.clear();
    return dropped;
  }
  // Back to a healthy machine: no fault armed, not crashed, nothing tracked.
  void Reset() {
    std::lock_guard<std::mutex> lock(mu_);
    armed_n_ = 0;
    seen_ = 0;
    triggered_ = false;
    crashed_ = false;
    files_.clear();
  }

  leveldb::Status NewWritableFile(const std::string& f,
                                  leveldb::WritableFile** r) override {
    return NewWritable(f, r, /*append=*/false);
  }
  leveldb::Status NewAppendableFile(const std::string& f,
                                    leveldb::WritableFile** r) override {
    return NewWritable(f, r, /*append=*/true);
  }
  leveldb::Status NewSequentialFile(const std::string& f,
                                    leveldb::SequentialFile** r) override {
    if (Hit(FaultOp::kOpen)) return Injected("open", f);
    return target()->NewSequentialFile(f, r);
  }
  leveldb::Status NewRandomAccessFile(const std::string& f,
                                      leveldb::RandomAccessFile** r) override {
    if (Hit(FaultOp::kOpen)) return Injected("open", f);
    return target()->NewRandomAccessFile(f, r);
  }
  leveldb::Status RenameFile(const std::string& s,
                             const std::string& t) override {
    if (Crashed()) return Down("rename", s);
    if (Hit(FaultOp::kRename)) return Injected("rename", s);
    leveldb::Status st = target()->RenameFile(s, t);
    if (st.ok()) {
      std::lock_guard<std::mutex> lock(mu_);
      auto it = files_.find(s);
      if (it != files_.end()) {
        files_[t] = it->second;
        files_.erase(s);
      } else {
        files_.erase(t);
      }
    }
    return st;
  }
  leveldb::Status RemoveFile(const std::string& f) override {
    if (Crashed()) return Down("remove", f);
    leveldb::Status st = target()->RemoveFile(f);
    std::lock_guard<std::mutex> lock(mu_);
    files_.erase(f);
    return st;
  }

 private:
  struct Tracked {
    uint64_t size = 0;
    uint64_t synced = 0;
  };

  class File : public leveldb::WritableFile {
   public:
    File(FaultEnv* env, std::string path, leveldb::WritableFile* base)
        : env_(env), path_(std::move(path)), base_(base) {}
    leveldb::Status Append(const leveldb::Slice& data) override {
      if (env_->Crashed()) return Down("write", path_);
      if (env_->Hit(FaultOp::kWrite)) return Injected("write", path_);
      leveldb::Status st = base_->Append(data);
      if (st.ok()) env_->Grew(path_, data.size());
      return st;
    }
    leveldb::Status Close() override { return base_->Close(); }
    leveldb::Status Flush() override {
      if (env_->Crashed()) return Down("flush", path_);
      return base_->Flush();
    }
    leveldb::Status Sync() override {
      if (env_->Crashed()) return Down("sync", path_);
      if (env_->Hit(FaultOp::kSync)) return Injected("sync", path_);
      // Flushed to the OS, not fsync'ed: what counts as durable is what
      // this Env tracks (DropUnsyncedData), and skipping the disk keeps the
      // thousands of runs fast.
      leveldb::Status st = base_->Flush();
      if (st.ok()) env_->Synced(path_);
      return st;
    }

   private:
    FaultEnv* env_;
    std::string path_;
    std::unique_ptr<leveldb::WritableFile> base_;
  };

  static leveldb::Status Injected(const char* what, const std::string& f) {
    return leveldb::Status::IOError(
        f, std::string("injected ") + what + " failure");
  }
  static leveldb::Status Down(const char* what, const std::string& f) {
    return leveldb::Status::IOError(
        f, std::string(what) + " after the simulated crash");
  }

  leveldb::Status NewWritable(const std::string& f, leveldb::WritableFile** r,
                              bool append) {
    *r = nullptr;
    if (Crashed()) return Down("create", f);
    if (Hit(FaultOp::kOpen)) return Injected("open", f);
    uint64_t existing = 0;
    if (append && !target()->GetFileSize(f, &existing).ok()) existing = 0;
    leveldb::WritableFile* base = nullptr;
    leveldb::Status st = append ? target()->NewAppendableFile(f, &base)
                                : target()->NewWritableFile(f, &base);
    if (!st.ok()) return st;
    {
      std::lock_guard<std::mutex> lock(mu_);
      // Data already there was durable (it came from before this Env).
      files_[f] = Tracked{existing, existing};
    }
    *r = new File(this, f, base);
    return st;
  }

  bool Crashed() const {
    std::lock_guard<std::mutex> lock(mu_);
    return crashed_;
  }
  bool Hit(FaultOp op) {
    std::lock_guard<std::mutex> lock(mu_);
    if (armed_n_ == 0 || op != armed_op_ || triggered_) return false;
    if (++seen_ != armed_n_) return false;
    triggered_ = true;
    return true;
  }
  void Grew(const std::string& f, size_t n) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = files_.find(f);
    if (it != files_.end()) it->second.size += n;
  }
  void Synced(const std::string& f) {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = files_.find(f);
    if (it != files_.end()) it->second.synced = it->second.size;
  }

  mutable std::mutex mu_;
  FaultOp armed_op_ = FaultOp::kWrite;
  uint64_t armed_n_ = 0;
  uint64_t seen_ = 0;
  bool triggered_ = false;
  bool crashed_ = false;
  std::map<std::string, Tracked> files_;
};

}  // namespace reliability
}  // namespace qiaolian

#endif  // QIAOLIAN_TESTS_RELIABILITY_FAULT_ENV_H_
