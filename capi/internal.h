// Internals shared by the C API's translation units (capi/*.cc): the
// handle structs and the helpers that turn absl::Status and exceptions into
// (code, errmsg). Not installed; include/qiaolian/c.h is the interface.
#ifndef QIAOLIAN_CAPI_INTERNAL_H_
#define QIAOLIAN_CAPI_INTERNAL_H_

#include <cstdlib>
#include <cstring>
#include <exception>
#include <memory>
#include <new>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/descriptor.pb.h"
#include "qiaolian/c.h"
#include "qiaolian/import.h"
#include "qiaolian/privacy.h"
#include "qiaolian/query.h"
#include "qiaolian/record.h"
#include "qiaolian/store.h"
#include "src/util/json.h"

using qiaolian::Store;

struct qiaolian_options_t {
  qiaolian::StoreOptions o;
};

struct qiaolian_write_options_t {
  qiaolian::WriteOptions o;
};

struct qiaolian_query_options_t {
  bool allow_scan = false;
  uint64_t page_size = 0;
  std::string cursor;
  // Set by qiaolian_query_options_set_read_options (capi/privacy.cc):
  // records are masked, or audited when unmasked. Unset: as stored.
  std::shared_ptr<const qiaolian::ReadOptions> read;
};

struct qiaolian_import_options_t {
  int kind = QIAOLIAN_KIND_ENTERPRISE;
  qiaolian::ImportOptions o;  // All but kind and progress.
  qiaolian_progress_fn progress = nullptr;
  void* user_data = nullptr;
  uint64_t every_rows = 0;  // 0: the default.
};

// A db handle is never freed: after close it stays as a tombstone so that
// use-after-close and double close are detected rather than undefined.
struct qiaolian_db_t {
  absl::Mutex mu;  // Shared by calls, exclusive for close.
  std::unique_ptr<Store> store ABSL_GUARDED_BY(mu);
};

struct qiaolian_cursor_t {
  qiaolian_db_t* db = nullptr;
  std::string text;
  bool allow_scan = false;
  bool paged = false;  // The caller asked for one page.
  int format = QIAOLIAN_FORMAT_PROTO;
  std::vector<std::unique_ptr<google::protobuf::Message>> page;
  size_t pos = 0;  // Index of the next record to return.
  std::string next_token;
  std::string current;  // The current record, encoded.
  uint64_t current_id = 0;
  bool on_row = false;
  std::shared_ptr<const qiaolian::ReadOptions> read;  // See query options.
};

namespace qiaolian::capi {

// Live handles (db: ever created; cursors: not yet destroyed), so that
// stale pointers are recognised without dereferencing them.
inline absl::Mutex g_registry_mu(absl::kConstInit);
inline std::unordered_set<const void*>* Registry(bool db) {
  static auto* dbs = new std::unordered_set<const void*>();
  static auto* cursors = new std::unordered_set<const void*>();
  return db ? dbs : cursors;
}
inline bool Registered(const void* p, bool db) {
  absl::MutexLock lock(&g_registry_mu);
  return Registry(db)->count(p) > 0;
}
inline void Register(const void* p, bool db) {
  absl::MutexLock lock(&g_registry_mu);
  Registry(db)->insert(p);
}
inline void Unregister(const void* p) {
  absl::MutexLock lock(&g_registry_mu);
  Registry(false)->erase(p);
}

constexpr uint64_t kInternalPageSize = 512;

inline char* CopyString(absl::string_view s) {
  char* p = static_cast<char*>(std::malloc(s.size() + 1));
  if (p == nullptr) return nullptr;
  std::memcpy(p, s.data(), s.size());
  p[s.size()] = '\0';
  return p;
}

inline int SetError(char** errmsg, int code, absl::string_view msg) {
  if (errmsg != nullptr) *errmsg = CopyString(msg);
  return code;
}

inline int Fail(char** errmsg, const absl::Status& st) {
  return SetError(errmsg, static_cast<int>(st.code()), st.message());
}

inline int Ok(char** errmsg) {
  if (errmsg != nullptr) *errmsg = nullptr;
  return QIAOLIAN_OK;
}

inline int Null(char** errmsg, const char* what) {
  return SetError(errmsg, QIAOLIAN_INVALID_ARGUMENT,
                  absl::StrCat(what, " is NULL"));
}

// Runs `f` with exceptions turned into QIAOLIAN_INTERNAL.
template <typename F>
inline int Guard(char** errmsg, F&& f) noexcept {
  try {
    return f();
  } catch (const std::bad_alloc&) {
    return SetError(errmsg, QIAOLIAN_RESOURCE_EXHAUSTED, "out of memory");
  } catch (const std::exception& e) {
    return SetError(errmsg, QIAOLIAN_INTERNAL,
                    absl::StrCat("internal error: ", e.what()));
  } catch (...) {
    return SetError(errmsg, QIAOLIAN_INTERNAL, "internal error");
  }
}

inline absl::Status CheckKind(int kind) {
  if (qiaolian::DescriptorOf(static_cast<Kind>(kind)) == nullptr || kind == 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "kind ", kind, " is not a record kind (1 person .. 5 event)"));
  }
  return absl::OkStatus();
}

inline absl::Status CheckFormat(int format) {
  if (format != QIAOLIAN_FORMAT_PROTO && format != QIAOLIAN_FORMAT_JSON) {
    return absl::InvalidArgumentError(absl::StrCat(
        "format ", format, " is not QIAOLIAN_FORMAT_PROTO (0) or _JSON (1)"));
  }
  return absl::OkStatus();
}

inline absl::StatusOr<std::unique_ptr<google::protobuf::Message>> DecodeRecord(
    int kind, int format, const uint8_t* data, size_t len) {
  if (absl::Status st = CheckKind(kind); !st.ok()) return st;
  if (absl::Status st = CheckFormat(format); !st.ok()) return st;
  if (data == nullptr && len > 0) {
    return absl::InvalidArgumentError("data is NULL");
  }
  if (len > QIAOLIAN_MAX_RECORD_BYTES) {
    return absl::ResourceExhaustedError(
        absl::StrCat("record of ", len, " bytes exceeds the limit of ",
                     QIAOLIAN_MAX_RECORD_BYTES));
  }
  std::unique_ptr<google::protobuf::Message> m =
      qiaolian::NewRecord(static_cast<Kind>(kind));
  if (format == QIAOLIAN_FORMAT_JSON) {
    absl::Status st = qiaolian::RecordFromJson(
        absl::string_view(reinterpret_cast<const char*>(data), len), m.get());
    if (!st.ok()) return st;
    return m;
  }
  if (!m->ParseFromArray(data, static_cast<int>(len))) {
    return absl::InvalidArgumentError(
        absl::StrCat("data is not a valid serialized ",
                     m->GetDescriptor()->full_name(), " (", len, " bytes)"));
  }
  return m;
}

inline absl::StatusOr<std::string> EncodeRecord(
    const google::protobuf::Message& m, int format) {
  if (format == QIAOLIAN_FORMAT_JSON) return qiaolian::RecordToJson(m);
  std::string out;
  if (!m.SerializeToString(&out)) {
    return absl::InternalError("cannot serialize record");
  }
  return out;
}

inline int GiveBytes(absl::string_view bytes, uint8_t** out, size_t* out_len) {
  char* p = CopyString(bytes);  // NUL-terminated for text, harmless else.
  if (p == nullptr) return QIAOLIAN_RESOURCE_EXHAUSTED;
  *out = reinterpret_cast<uint8_t*>(p);
  *out_len = bytes.size();
  return QIAOLIAN_OK;
}

// Hands `s` to the caller as an owned NUL-terminated string (*out, freed
// with qiaolian_free) and its length.
inline int GiveText(absl::string_view s, char** out, size_t* out_len,
                    char** errmsg) {
  *out = CopyString(s);
  if (*out == nullptr) {
    return SetError(errmsg, QIAOLIAN_RESOURCE_EXHAUSTED, "out of memory");
  }
  *out_len = s.size();
  return Ok(errmsg);
}

// Calls `f(store)` with the db's shared lock held, or fails cleanly for a
// NULL, unknown or closed handle.
template <typename F>
inline int WithStore(qiaolian_db_t* db, char** errmsg, F&& f) {
  if (db == nullptr) return Null(errmsg, "db");
  if (!Registered(db, true)) {
    return SetError(errmsg, QIAOLIAN_INVALID_ARGUMENT,
                    "db is not a handle returned by qiaolian_open");
  }
  absl::ReaderMutexLock lock(&db->mu);
  if (db->store == nullptr) {
    return SetError(errmsg, QIAOLIAN_FAILED_PRECONDITION,
                    "db was closed (qiaolian_close) and cannot be used");
  }
  return f(*db->store);
}

// A cursor is usable only while its db is open (c.h, convention 7): fails
// like WithStore for a closed db, else returns QIAOLIAN_OK.
inline int CheckCursorDb(qiaolian_cursor_t* c, char** errmsg) {
  return WithStore(c->db, errmsg, [](Store&) { return QIAOLIAN_OK; });
}

inline absl::Status CheckText(const char* text, size_t len) {
  if (text == nullptr) return absl::InvalidArgumentError("text is NULL");
  if (len > QIAOLIAN_MAX_QUERY_BYTES) {
    return absl::ResourceExhaustedError(
        absl::StrCat("query of ", len, " bytes exceeds the limit of ",
                     QIAOLIAN_MAX_QUERY_BYTES));
  }
  return absl::OkStatus();
}

inline qiaolian::QueryOptions ToQueryOptions(
    const qiaolian_query_options_t* o) {
  qiaolian::QueryOptions q;
  if (o != nullptr) {
    q.allow_scan = o->allow_scan;
    q.page_size = o->page_size;
    q.cursor = o->cursor;
  }
  return q;
}

// Fetches the cursor's next page. REQUIRES: db shared lock held.
inline absl::Status FetchPage(qiaolian_cursor_t* c, const Store& store,
                              const qiaolian::QueryOptions& options) {
  absl::StatusOr<qiaolian::QueryPage> page = store.Query(c->text, options);
  if (!page.ok()) return page.status();
  if (c->read != nullptr) {
    std::vector<google::protobuf::Message*> records;
    for (auto& r : page->records) records.push_back(r.get());
    absl::Status st = qiaolian::MaskOrAudit(store, records, *c->read);
    if (!st.ok()) return st;
  }
  c->page = std::move(page->records);
  c->pos = 0;
  c->next_token = std::move(page->next_cursor);
  return absl::OkStatus();
}

inline void CollectFiles(
    const google::protobuf::FileDescriptor* f,
    std::set<const google::protobuf::FileDescriptor*>* seen,
    google::protobuf::FileDescriptorSet* out) {
  if (!seen->insert(f).second) return;
  for (int i = 0; i < f->dependency_count(); ++i) {
    CollectFiles(f->dependency(i), seen, out);
  }
  f->CopyTo(out->add_file());  // Dependencies first.
}

// Copies (text, len) into `field`; NULL with length 0 resets it to `dflt`.
inline int SetImportText(qiaolian_import_options_t* options, const char* text,
                         size_t len,
                         std::string qiaolian::ImportOptions::*field,
                         const char* dflt) {
  if (options == nullptr || (text == nullptr && len > 0)) {
    return QIAOLIAN_INVALID_ARGUMENT;
  }
  return Guard(nullptr, [&] {
    if (text == nullptr) {
      options->o.*field = dflt;
    } else {
      (options->o.*field).assign(text, len);
    }
    return QIAOLIAN_OK;
  });
}

}  // namespace qiaolian::capi

#endif  // QIAOLIAN_CAPI_INTERNAL_H_
