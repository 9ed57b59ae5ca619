// Fuzzes record input through the C API (include/qiaolian/c.h): protobuf
// bytes (or JSON text) given to qiaolian_create and qiaolian_update on a
// real store; whatever is accepted must read back and delete cleanly.
//
// Input: one mode byte (bits 0-2 kind 1..5, bit 3 JSON instead of protobuf,
// bit 4 update instead of create), then the record.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "fuzz/fuzz_util.h"
#include "qiaolian/c.h"

namespace {

qiaolian_db_t* TheDb() {
  static qiaolian_db_t* db = [] {
    qiaolian_db_t* d = nullptr;
    const std::string path = qiaolian::fuzz::ScratchDir() + "/store";
    if (qiaolian_open(path.c_str(), nullptr, &d, nullptr) != QIAOLIAN_OK) {
      std::abort();
    }
    return d;
  }();
  return db;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const int kind = 1 + (data[0] & 7) % 5;
  const int format =
      (data[0] & 8) != 0 ? QIAOLIAN_FORMAT_JSON : QIAOLIAN_FORMAT_PROTO;
  const uint8_t* rec = data + 1;
  const size_t len = size - 1;
  qiaolian_db_t* db = TheDb();
  char* err = nullptr;
  if ((data[0] & 16) != 0) {
    uint64_t rev = 0;
    int rc = qiaolian_update(db, nullptr, kind, format, rec, len, &rev, &err);
    if (rc == QIAOLIAN_OK) std::abort();  // Nothing exists to update.
    qiaolian_free(err);
    return 0;
  }
  uint64_t id = 0;
  int rc = qiaolian_create(db, nullptr, kind, format, rec, len, &id, &err);
  qiaolian_free(err);
  err = nullptr;
  if (rc != QIAOLIAN_OK) return 0;
  uint8_t* out = nullptr;
  size_t out_len = 0;
  if (qiaolian_get(db, kind, id, format, &out, &out_len, &err) != QIAOLIAN_OK) {
    std::abort();  // Accepted but unreadable.
  }
  qiaolian_free(out);
  if (qiaolian_delete(db, nullptr, kind, id, 0, &err) != QIAOLIAN_OK) {
    std::abort();
  }
  return 0;
}
