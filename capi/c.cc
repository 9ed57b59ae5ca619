// The C API (include/qiaolian/c.h): store, records, queries, import. Every
// extern "C" function is noexcept, catches everything, and turns
// absl::Status into (code, errmsg). Other areas of the API live in
// capi/*.cc next to this file and share capi/internal.h.
#include <openssl/crypto.h>

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "capi/internal.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

using qiaolian::Kind;
using qiaolian::Store;

using qiaolian::capi::CheckCursorDb;
using qiaolian::capi::CheckFormat;
using qiaolian::capi::CheckKind;
using qiaolian::capi::CheckText;
using qiaolian::capi::CollectFiles;
using qiaolian::capi::CopyString;
using qiaolian::capi::DecodeRecord;
using qiaolian::capi::EncodeRecord;
using qiaolian::capi::Fail;
using qiaolian::capi::FetchPage;
using qiaolian::capi::GiveBytes;
using qiaolian::capi::Guard;
using qiaolian::capi::kInternalPageSize;
using qiaolian::capi::Null;
using qiaolian::capi::Ok;
using qiaolian::capi::Register;
using qiaolian::capi::Registered;
using qiaolian::capi::SetError;
using qiaolian::capi::SetImportText;
using qiaolian::capi::ToQueryOptions;
using qiaolian::capi::Unregister;
using qiaolian::capi::WithStore;

namespace {

// Sets an enum option from its name with `parse`; NULL restores the
// default, an unknown name is INVALID_ARGUMENT (the option is unchanged).
template <typename T>
int SetImportChoice(qiaolian_import_options_t* options, const char* name,
                    size_t len, absl::StatusOr<T> (*parse)(absl::string_view),
                    T qiaolian::ImportOptions::*field) {
  if (options == nullptr || (name == nullptr && len > 0)) {
    return QIAOLIAN_INVALID_ARGUMENT;
  }
  return Guard(nullptr, [&] {
    if (name == nullptr) {
      options->o.*field = qiaolian::ImportOptions().*field;
      return QIAOLIAN_OK;
    }
    absl::StatusOr<T> v = parse(absl::string_view(name, len));
    if (!v.ok()) return QIAOLIAN_INVALID_ARGUMENT;
    options->o.*field = *v;
    return QIAOLIAN_OK;
  });
}

}  // namespace

extern "C" {

const char* qiaolian_version(void) { return QIAOLIAN_VERSION; }

int qiaolian_version_number(void) { return QIAOLIAN_VERSION_NUMBER; }

void qiaolian_free(void* p) { std::free(p); }

const char* qiaolian_code_name(int code) {
  static const char* const kNames[] = {"OK",
                                       "CANCELLED",
                                       "UNKNOWN",
                                       "INVALID_ARGUMENT",
                                       "DEADLINE_EXCEEDED",
                                       "NOT_FOUND",
                                       "ALREADY_EXISTS",
                                       "PERMISSION_DENIED",
                                       "RESOURCE_EXHAUSTED",
                                       "FAILED_PRECONDITION",
                                       "ABORTED",
                                       "OUT_OF_RANGE",
                                       "UNIMPLEMENTED",
                                       "INTERNAL",
                                       "UNAVAILABLE",
                                       "DATA_LOSS"};
  if (code >= 0 && code <= 15) return kNames[code];
  if (code == QIAOLIAN_ROW) return "ROW";
  if (code == QIAOLIAN_DONE) return "DONE";
  return "UNKNOWN_CODE";
}

const char* qiaolian_kind_name(int kind) {
  static const char* const kNames[] = {nullptr, "person",   "enterprise",
                                       "case",  "donation", "event"};
  return kind >= 1 && kind <= 5 ? kNames[kind] : nullptr;
}

int qiaolian_schema(uint8_t** out, size_t* out_len, char** errmsg) {
  return Guard(errmsg, [&] {
    if (out == nullptr) return Null(errmsg, "out");
    if (out_len == nullptr) return Null(errmsg, "out_len");
    google::protobuf::FileDescriptorSet set;
    std::set<const google::protobuf::FileDescriptor*> seen;
    for (Kind k : qiaolian::kAllKinds) {
      CollectFiles(qiaolian::DescriptorOf(k)->file(), &seen, &set);
    }
    if (GiveBytes(set.SerializeAsString(), out, out_len) != QIAOLIAN_OK) {
      return SetError(errmsg, QIAOLIAN_RESOURCE_EXHAUSTED, "out of memory");
    }
    return Ok(errmsg);
  });
}

qiaolian_options_t* qiaolian_options_create(void) {
  return new (std::nothrow) qiaolian_options_t();
}
void qiaolian_options_destroy(qiaolian_options_t* options) {
  if (options == nullptr) return;
  std::string& key = options->o.encryption_key;
  if (!key.empty()) OPENSSL_cleanse(key.data(), key.size());
  delete options;
}
int qiaolian_options_set_create_if_missing(qiaolian_options_t* options,
                                           int value) {
  if (options == nullptr) return QIAOLIAN_INVALID_ARGUMENT;
  options->o.create_if_missing = value != 0;
  return QIAOLIAN_OK;
}
int qiaolian_options_set_read_only(qiaolian_options_t* options, int value) {
  if (options == nullptr) return QIAOLIAN_INVALID_ARGUMENT;
  options->o.read_only = value != 0;
  return QIAOLIAN_OK;
}
int qiaolian_options_set_sync(qiaolian_options_t* options, int value) {
  if (options == nullptr) return QIAOLIAN_INVALID_ARGUMENT;
  options->o.sync = value != 0;
  return QIAOLIAN_OK;
}
int qiaolian_options_set_cache_bytes(qiaolian_options_t* options,
                                     uint64_t bytes) {
  if (options == nullptr) return QIAOLIAN_INVALID_ARGUMENT;
  options->o.block_cache_bytes = static_cast<size_t>(bytes);
  return QIAOLIAN_OK;
}
int qiaolian_options_set_write_buffer_bytes(qiaolian_options_t* options,
                                            uint64_t bytes) {
  if (options == nullptr) return QIAOLIAN_INVALID_ARGUMENT;
  options->o.write_buffer_bytes = static_cast<size_t>(bytes);
  return QIAOLIAN_OK;
}

int qiaolian_options_set_map_tables(qiaolian_options_t* options, int value) {
  if (options == nullptr) return QIAOLIAN_INVALID_ARGUMENT;
  options->o.map_tables = value != 0;
  return QIAOLIAN_OK;
}

int qiaolian_options_set_search_cache_bytes(qiaolian_options_t* options,
                                            uint64_t bytes) {
  if (options == nullptr) return QIAOLIAN_INVALID_ARGUMENT;
  options->o.search_cache_bytes = static_cast<size_t>(bytes);
  return QIAOLIAN_OK;
}

int qiaolian_options_set_warm_up_in_background(qiaolian_options_t* options,
                                               int value) {
  if (options == nullptr) return QIAOLIAN_INVALID_ARGUMENT;
  options->o.warm_up_in_background = value != 0;
  return QIAOLIAN_OK;
}

int qiaolian_options_set_warm_up_search_bytes(qiaolian_options_t* options,
                                              uint64_t bytes) {
  if (options == nullptr) return QIAOLIAN_INVALID_ARGUMENT;
  options->o.warm_up_search_bytes = bytes;
  return QIAOLIAN_OK;
}

int qiaolian_options_set_encryption_key(qiaolian_options_t* options,
                                        const uint8_t* key, size_t key_len) {
  if (options == nullptr) return QIAOLIAN_INVALID_ARGUMENT;
  if (key_len != 0 && key_len != qiaolian::kEncryptionKeyBytes) {
    return QIAOLIAN_INVALID_ARGUMENT;
  }
  if (key == nullptr && key_len != 0) return QIAOLIAN_INVALID_ARGUMENT;
  return Guard(nullptr, [&] {
    std::string& held = options->o.encryption_key;
    if (!held.empty()) OPENSSL_cleanse(held.data(), held.size());
    held.assign(reinterpret_cast<const char*>(key), key_len);
    return QIAOLIAN_OK;
  });
}

int qiaolian_open(const char* path, const qiaolian_options_t* options,
                  qiaolian_db_t** db, char** errmsg) {
  return Guard(errmsg, [&] {
    if (path == nullptr) return Null(errmsg, "path");
    if (db == nullptr) return Null(errmsg, "db");
    *db = nullptr;
    qiaolian::StoreOptions o;
    if (options != nullptr) o = options->o;
    auto store = Store::Open(path, o);
    if (!store.ok()) return Fail(errmsg, store.status());
    auto* handle = new qiaolian_db_t();
    {
      absl::MutexLock lock(&handle->mu);
      handle->store = std::move(*store);
    }
    Register(handle, true);
    *db = handle;
    return Ok(errmsg);
  });
}

void qiaolian_close(qiaolian_db_t* db) {
  Guard(nullptr, [&] {
    if (db == nullptr || !Registered(db, true)) return QIAOLIAN_OK;
    std::unique_ptr<Store> store;
    {
      absl::MutexLock lock(&db->mu);
      store = std::move(db->store);
    }
    store.reset();  // Outside the handle's lock.
    return QIAOLIAN_OK;
  });
}

qiaolian_write_options_t* qiaolian_write_options_create(void) {
  return new (std::nothrow) qiaolian_write_options_t();
}
void qiaolian_write_options_destroy(qiaolian_write_options_t* options) {
  delete options;
}
int qiaolian_write_options_set_actor(qiaolian_write_options_t* options,
                                     const char* actor, size_t actor_len) {
  if (options == nullptr || (actor == nullptr && actor_len > 0)) {
    return QIAOLIAN_INVALID_ARGUMENT;
  }
  return Guard(nullptr, [&] {
    options->o.actor.assign(actor == nullptr ? "" : actor, actor_len);
    return QIAOLIAN_OK;
  });
}
int qiaolian_write_options_set_sync(qiaolian_write_options_t* options,
                                    int value) {
  if (options == nullptr) return QIAOLIAN_INVALID_ARGUMENT;
  if (value < 0) {
    options->o.sync.reset();
  } else {
    options->o.sync = value != 0;
  }
  return QIAOLIAN_OK;
}

int qiaolian_create(qiaolian_db_t* db, const qiaolian_write_options_t* options,
                    int kind, int format, const uint8_t* data, size_t len,
                    uint64_t* id, char** errmsg) {
  return Guard(errmsg, [&] {
    if (id == nullptr) return Null(errmsg, "id");
    if (data == nullptr) return Null(errmsg, "data");
    return WithStore(db, errmsg, [&](Store& store) {
      auto record = DecodeRecord(kind, format, data, len);
      if (!record.ok()) return Fail(errmsg, record.status());
      qiaolian::WriteOptions wo;
      if (options != nullptr) wo = options->o;
      auto created = store.Create(record->get(), wo);
      if (!created.ok()) return Fail(errmsg, created.status());
      *id = *created;
      return Ok(errmsg);
    });
  });
}

int qiaolian_get(qiaolian_db_t* db, int kind, uint64_t id, int format,
                 uint8_t** out, size_t* out_len, char** errmsg) {
  return Guard(errmsg, [&] {
    if (out == nullptr) return Null(errmsg, "out");
    if (out_len == nullptr) return Null(errmsg, "out_len");
    return WithStore(db, errmsg, [&](Store& store) {
      if (absl::Status st = CheckKind(kind); !st.ok()) return Fail(errmsg, st);
      if (absl::Status st = CheckFormat(format); !st.ok()) {
        return Fail(errmsg, st);
      }
      auto record = store.Get(static_cast<Kind>(kind), id);
      if (!record.ok()) return Fail(errmsg, record.status());
      auto bytes = EncodeRecord(**record, format);
      if (!bytes.ok()) return Fail(errmsg, bytes.status());
      if (GiveBytes(*bytes, out, out_len) != QIAOLIAN_OK) {
        return SetError(errmsg, QIAOLIAN_RESOURCE_EXHAUSTED, "out of memory");
      }
      return Ok(errmsg);
    });
  });
}

int qiaolian_update(qiaolian_db_t* db, const qiaolian_write_options_t* options,
                    int kind, int format, const uint8_t* data, size_t len,
                    uint64_t* new_revision, char** errmsg) {
  return Guard(errmsg, [&] {
    if (data == nullptr) return Null(errmsg, "data");
    return WithStore(db, errmsg, [&](Store& store) {
      auto record = DecodeRecord(kind, format, data, len);
      if (!record.ok()) return Fail(errmsg, record.status());
      qiaolian::WriteOptions wo;
      if (options != nullptr) wo = options->o;
      absl::Status st = store.Update(record->get(), wo);
      if (!st.ok()) return Fail(errmsg, st);
      if (new_revision != nullptr) {
        *new_revision = qiaolian::MetaOf(**record).revision();
      }
      return Ok(errmsg);
    });
  });
}

int qiaolian_delete(qiaolian_db_t* db, const qiaolian_write_options_t* options,
                    int kind, uint64_t id, uint64_t expected_revision,
                    char** errmsg) {
  return Guard(errmsg, [&] {
    return WithStore(db, errmsg, [&](Store& store) {
      if (absl::Status st = CheckKind(kind); !st.ok()) return Fail(errmsg, st);
      qiaolian::WriteOptions wo;
      if (options != nullptr) wo = options->o;
      absl::Status st =
          store.Delete(static_cast<Kind>(kind), id, expected_revision, wo);
      if (!st.ok()) return Fail(errmsg, st);
      return Ok(errmsg);
    });
  });
}

int qiaolian_count(qiaolian_db_t* db, int kind, uint64_t* count,
                   char** errmsg) {
  return Guard(errmsg, [&] {
    if (count == nullptr) return Null(errmsg, "count");
    return WithStore(db, errmsg, [&](Store& store) {
      if (absl::Status st = CheckKind(kind); !st.ok()) return Fail(errmsg, st);
      auto n = store.Count(static_cast<Kind>(kind));
      if (!n.ok()) return Fail(errmsg, n.status());
      *count = *n;
      return Ok(errmsg);
    });
  });
}

qiaolian_query_options_t* qiaolian_query_options_create(void) {
  return new (std::nothrow) qiaolian_query_options_t();
}
void qiaolian_query_options_destroy(qiaolian_query_options_t* options) {
  delete options;
}
int qiaolian_query_options_set_allow_scan(qiaolian_query_options_t* options,
                                          int value) {
  if (options == nullptr) return QIAOLIAN_INVALID_ARGUMENT;
  options->allow_scan = value != 0;
  return QIAOLIAN_OK;
}
int qiaolian_query_options_set_page_size(qiaolian_query_options_t* options,
                                         uint64_t page_size) {
  if (options == nullptr) return QIAOLIAN_INVALID_ARGUMENT;
  options->page_size = page_size;
  return QIAOLIAN_OK;
}
int qiaolian_query_options_set_cursor(qiaolian_query_options_t* options,
                                      const char* cursor, size_t len) {
  if (options == nullptr || (cursor == nullptr && len > 0)) {
    return QIAOLIAN_INVALID_ARGUMENT;
  }
  return Guard(nullptr, [&] {
    options->cursor.assign(cursor == nullptr ? "" : cursor, len);
    return QIAOLIAN_OK;
  });
}

int qiaolian_query(qiaolian_db_t* db, const char* text, size_t text_len,
                   const qiaolian_query_options_t* options, int format,
                   qiaolian_cursor_t** cursor, char** errmsg) {
  return Guard(errmsg, [&] {
    if (cursor == nullptr) return Null(errmsg, "cursor");
    *cursor = nullptr;
    if (absl::Status st = CheckText(text, text_len); !st.ok()) {
      return Fail(errmsg, st);
    }
    if (absl::Status st = CheckFormat(format); !st.ok()) {
      return Fail(errmsg, st);
    }
    return WithStore(db, errmsg, [&](Store& store) {
      auto c = std::make_unique<qiaolian_cursor_t>();
      c->db = db;
      c->text.assign(text, text_len);
      c->format = format;
      if (options != nullptr) c->read = options->read;
      qiaolian::QueryOptions q = ToQueryOptions(options);
      c->allow_scan = q.allow_scan;
      c->paged = q.page_size != 0;
      if (!c->paged) q.page_size = kInternalPageSize;
      absl::Status st = FetchPage(c.get(), store, q);
      if (!st.ok()) return Fail(errmsg, st);
      *cursor = c.release();
      Register(*cursor, false);
      return Ok(errmsg);
    });
  });
}

int qiaolian_cursor_next(qiaolian_cursor_t* c, char** errmsg) {
  return Guard(errmsg, [&] {
    if (c == nullptr) return Null(errmsg, "cursor");
    if (!Registered(c, false)) {
      return SetError(errmsg, QIAOLIAN_INVALID_ARGUMENT,
                      "cursor is not a live cursor (destroyed?)");
    }
    if (int rc = CheckCursorDb(c, errmsg); rc != QIAOLIAN_OK) return rc;
    c->on_row = false;
    if (c->pos >= c->page.size()) {
      if (c->paged || c->next_token.empty()) {
        if (errmsg != nullptr) *errmsg = nullptr;
        return QIAOLIAN_DONE;
      }
      int rc = WithStore(c->db, errmsg, [&](Store& store) {
        qiaolian::QueryOptions q;
        q.allow_scan = c->allow_scan;
        q.page_size = kInternalPageSize;
        q.cursor = c->next_token;
        absl::Status st = FetchPage(c, store, q);
        if (!st.ok()) return Fail(errmsg, st);
        return Ok(errmsg);
      });
      if (rc != QIAOLIAN_OK) return rc;
      if (c->page.empty()) {
        if (errmsg != nullptr) *errmsg = nullptr;
        return QIAOLIAN_DONE;
      }
    }
    const google::protobuf::Message& m = *c->page[c->pos];
    auto bytes = EncodeRecord(m, c->format);
    if (!bytes.ok()) return Fail(errmsg, bytes.status());
    c->current = std::move(*bytes);
    c->current_id = qiaolian::MetaOf(m).id();
    c->page[c->pos].reset();  // Encoded now; release the message.
    ++c->pos;
    c->on_row = true;
    if (errmsg != nullptr) *errmsg = nullptr;
    return QIAOLIAN_ROW;
  });
}

int qiaolian_cursor_record(qiaolian_cursor_t* c, const uint8_t** data,
                           size_t* len, char** errmsg) {
  return Guard(errmsg, [&] {
    if (c == nullptr) return Null(errmsg, "cursor");
    if (data == nullptr) return Null(errmsg, "data");
    if (len == nullptr) return Null(errmsg, "len");
    if (!Registered(c, false)) {
      return SetError(errmsg, QIAOLIAN_INVALID_ARGUMENT,
                      "cursor is not a live cursor (destroyed?)");
    }
    if (int rc = CheckCursorDb(c, errmsg); rc != QIAOLIAN_OK) return rc;
    if (!c->on_row) {
      return SetError(errmsg, QIAOLIAN_FAILED_PRECONDITION,
                      "no current record: call qiaolian_cursor_next first "
                      "and check for QIAOLIAN_ROW");
    }
    *data = reinterpret_cast<const uint8_t*>(c->current.c_str());
    *len = c->current.size();
    return Ok(errmsg);
  });
}

int qiaolian_cursor_id(qiaolian_cursor_t* c, uint64_t* id, char** errmsg) {
  return Guard(errmsg, [&] {
    if (c == nullptr) return Null(errmsg, "cursor");
    if (id == nullptr) return Null(errmsg, "id");
    if (!Registered(c, false)) {
      return SetError(errmsg, QIAOLIAN_INVALID_ARGUMENT,
                      "cursor is not a live cursor (destroyed?)");
    }
    if (int rc = CheckCursorDb(c, errmsg); rc != QIAOLIAN_OK) return rc;
    if (!c->on_row) {
      return SetError(errmsg, QIAOLIAN_FAILED_PRECONDITION,
                      "no current record: call qiaolian_cursor_next first");
    }
    *id = c->current_id;
    return Ok(errmsg);
  });
}

int qiaolian_cursor_page_token(qiaolian_cursor_t* c, const char** token,
                               size_t* len, char** errmsg) {
  return Guard(errmsg, [&] {
    if (c == nullptr) return Null(errmsg, "cursor");
    if (token == nullptr) return Null(errmsg, "token");
    if (len == nullptr) return Null(errmsg, "len");
    if (!Registered(c, false)) {
      return SetError(errmsg, QIAOLIAN_INVALID_ARGUMENT,
                      "cursor is not a live cursor (destroyed?)");
    }
    if (int rc = CheckCursorDb(c, errmsg); rc != QIAOLIAN_OK) return rc;
    *token = c->next_token.c_str();
    *len = c->next_token.size();
    return Ok(errmsg);
  });
}

void qiaolian_cursor_destroy(qiaolian_cursor_t* c) {
  Guard(nullptr, [&] {
    if (c == nullptr || !Registered(c, false)) return QIAOLIAN_OK;
    Unregister(c);
    delete c;
    return QIAOLIAN_OK;
  });
}

int qiaolian_aggregate(qiaolian_db_t* db, const char* text, size_t text_len,
                       const qiaolian_query_options_t* options, char** json,
                       size_t* json_len, char** errmsg) {
  return Guard(errmsg, [&] {
    if (json == nullptr) return Null(errmsg, "json");
    if (json_len == nullptr) return Null(errmsg, "json_len");
    if (absl::Status st = CheckText(text, text_len); !st.ok()) {
      return Fail(errmsg, st);
    }
    return WithStore(db, errmsg, [&](Store& store) {
      auto result = store.Aggregate(absl::string_view(text, text_len),
                                    ToQueryOptions(options));
      if (!result.ok()) return Fail(errmsg, result.status());
      std::string s = result->ToJson();
      *json = CopyString(s);
      if (*json == nullptr) {
        return SetError(errmsg, QIAOLIAN_RESOURCE_EXHAUSTED, "out of memory");
      }
      *json_len = s.size();
      return Ok(errmsg);
    });
  });
}

int qiaolian_explain(qiaolian_db_t* db, const char* text, size_t text_len,
                     const qiaolian_query_options_t* options, char** out,
                     size_t* out_len, char** errmsg) {
  return Guard(errmsg, [&] {
    if (out == nullptr) return Null(errmsg, "out");
    if (out_len == nullptr) return Null(errmsg, "out_len");
    if (absl::Status st = CheckText(text, text_len); !st.ok()) {
      return Fail(errmsg, st);
    }
    return WithStore(db, errmsg, [&](Store& store) {
      auto plan = store.Explain(absl::string_view(text, text_len),
                                ToQueryOptions(options));
      if (!plan.ok()) return Fail(errmsg, plan.status());
      *out = CopyString(*plan);
      if (*out == nullptr) {
        return SetError(errmsg, QIAOLIAN_RESOURCE_EXHAUSTED, "out of memory");
      }
      *out_len = plan->size();
      return Ok(errmsg);
    });
  });
}

qiaolian_import_options_t* qiaolian_import_options_create(void) {
  return new (std::nothrow) qiaolian_import_options_t();
}
void qiaolian_import_options_destroy(qiaolian_import_options_t* options) {
  delete options;
}
int qiaolian_import_options_set_kind(qiaolian_import_options_t* options,
                                     int kind) {
  if (options == nullptr) return QIAOLIAN_INVALID_ARGUMENT;
  options->kind = kind;
  return QIAOLIAN_OK;
}

int qiaolian_import_options_set_format(qiaolian_import_options_t* options,
                                       const char* format, size_t format_len) {
  return SetImportText(options, format, format_len,
                       &qiaolian::ImportOptions::format, "");
}
int qiaolian_import_options_set_encoding(qiaolian_import_options_t* options,
                                         const char* encoding,
                                         size_t encoding_len) {
  return SetImportText(options, encoding, encoding_len,
                       &qiaolian::ImportOptions::encoding, "auto");
}
int qiaolian_import_options_set_mode(qiaolian_import_options_t* options,
                                     const char* mode, size_t mode_len) {
  return SetImportChoice(options, mode, mode_len, &qiaolian::ParseImportMode,
                         &qiaolian::ImportOptions::mode);
}
int qiaolian_import_options_set_duplicates(qiaolian_import_options_t* options,
                                           const char* mode, size_t mode_len) {
  return SetImportChoice(options, mode, mode_len,
                         &qiaolian::ParseImportDuplicates,
                         &qiaolian::ImportOptions::duplicates);
}
int qiaolian_import_options_set_bulk_load(qiaolian_import_options_t* options,
                                          const char* mode, size_t mode_len) {
  return SetImportChoice(options, mode, mode_len,
                         &qiaolian::ParseImportBulkLoad,
                         &qiaolian::ImportOptions::bulk_load);
}
int qiaolian_import_options_set_date_order(qiaolian_import_options_t* options,
                                           const char* order,
                                           size_t order_len) {
  return SetImportChoice(options, order, order_len,
                         &qiaolian::ParseImportDateOrder,
                         &qiaolian::ImportOptions::date_order);
}
int qiaolian_import_options_set_decimal_mark(qiaolian_import_options_t* options,
                                             const char* mark,
                                             size_t mark_len) {
  return SetImportChoice(options, mark, mark_len,
                         &qiaolian::ParseImportDecimalMark,
                         &qiaolian::ImportOptions::decimal_mark);
}
int qiaolian_import_options_set_duplicate_min_score(
    qiaolian_import_options_t* options, int score) {
  if (options == nullptr || score < 0 || score > 100) {
    return QIAOLIAN_INVALID_ARGUMENT;
  }
  options->o.duplicate_min_score = score;
  return QIAOLIAN_OK;
}
int qiaolian_import_options_set_dry_run(qiaolian_import_options_t* options,
                                        int value) {
  if (options == nullptr) return QIAOLIAN_INVALID_ARGUMENT;
  options->o.dry_run = value != 0;
  return QIAOLIAN_OK;
}
int qiaolian_import_options_set_lenient(qiaolian_import_options_t* options,
                                        int value) {
  if (options == nullptr) return QIAOLIAN_INVALID_ARGUMENT;
  options->o.lenient = value != 0;
  return QIAOLIAN_OK;
}
int qiaolian_import_options_set_trust_ids(qiaolian_import_options_t* options,
                                          int value) {
  if (options == nullptr) return QIAOLIAN_INVALID_ARGUMENT;
  options->o.trust_ids = value != 0;
  return QIAOLIAN_OK;
}
int qiaolian_import_options_set_reject_file(qiaolian_import_options_t* options,
                                            const char* path, size_t path_len) {
  return SetImportText(options, path, path_len,
                       &qiaolian::ImportOptions::reject_file, "");
}
int qiaolian_import_options_set_mapping_file(qiaolian_import_options_t* options,
                                             const char* path,
                                             size_t path_len) {
  return SetImportText(options, path, path_len,
                       &qiaolian::ImportOptions::mapping_file, "");
}
int qiaolian_import_options_set_actor(qiaolian_import_options_t* options,
                                      const char* actor, size_t actor_len) {
  return SetImportText(options, actor, actor_len,
                       &qiaolian::ImportOptions::actor, "");
}
int qiaolian_import_options_set_batch_rows(qiaolian_import_options_t* options,
                                           uint64_t batch_rows) {
  if (options == nullptr) return QIAOLIAN_INVALID_ARGUMENT;
  options->o.batch_rows = batch_rows == 0 ? qiaolian::ImportOptions().batch_rows
                                          : static_cast<size_t>(batch_rows);
  return QIAOLIAN_OK;
}
int qiaolian_import_options_set_sheet(qiaolian_import_options_t* options,
                                      const char* sheet, size_t sheet_len) {
  return SetImportText(options, sheet, sheet_len,
                       &qiaolian::ImportOptions::sheet, "");
}
int qiaolian_import_options_add_value(qiaolian_import_options_t* options,
                                      const char* field, size_t field_len,
                                      const char* value, size_t value_len) {
  if (options == nullptr || (field == nullptr && field_len > 0) ||
      (value == nullptr && value_len > 0)) {
    return QIAOLIAN_INVALID_ARGUMENT;
  }
  return Guard(nullptr, [&] {
    if (field == nullptr && value == nullptr) {
      options->o.values.clear();
    } else {
      options->o.values.emplace_back(
          std::string(field == nullptr ? "" : field, field_len),
          std::string(value == nullptr ? "" : value, value_len));
    }
    return QIAOLIAN_OK;
  });
}
int qiaolian_import_options_set_header_row(qiaolian_import_options_t* options,
                                           uint64_t line) {
  if (options == nullptr) return QIAOLIAN_INVALID_ARGUMENT;
  options->o.header_row = line;
  return QIAOLIAN_OK;
}
int qiaolian_import_options_set_progress(qiaolian_import_options_t* options,
                                         qiaolian_progress_fn fn,
                                         void* user_data, uint64_t every_rows) {
  if (options == nullptr) return QIAOLIAN_INVALID_ARGUMENT;
  options->progress = fn;
  options->user_data = fn == nullptr ? nullptr : user_data;
  options->every_rows = fn == nullptr ? 0 : every_rows;
  return QIAOLIAN_OK;
}

int qiaolian_import(qiaolian_db_t* db, const char* path,
                    const qiaolian_import_options_t* options,
                    char** summary_json, size_t* summary_len, char** errmsg) {
  return Guard(errmsg, [&] {
    if (path == nullptr) return Null(errmsg, "path");
    if (summary_json == nullptr) return Null(errmsg, "summary_json");
    if (summary_len == nullptr) return Null(errmsg, "summary_len");
    *summary_json = nullptr;
    *summary_len = 0;
    qiaolian_import_options_t defaults;
    const qiaolian_import_options_t& io =
        options != nullptr ? *options : defaults;
    if (absl::Status st = CheckKind(io.kind); !st.ok()) {
      return Fail(errmsg, st);
    }
    qiaolian::ImportOptions o = io.o;
    o.kind = static_cast<Kind>(io.kind);
    if (io.progress != nullptr) {
      qiaolian_progress_fn fn = io.progress;
      void* user_data = io.user_data;
      o.progress = [fn, user_data](const qiaolian::ImportProgress& p) {
        fn(user_data, p.rows, p.bytes, p.total_bytes);
      };
      if (io.every_rows != 0) o.progress_every = io.every_rows;
    }
    return WithStore(db, errmsg, [&](Store& store) {
      auto summary = qiaolian::Import(store, path, o);
      if (!summary.ok()) return Fail(errmsg, summary.status());
      std::string s = summary->ToJson();
      *summary_json = CopyString(s);
      if (*summary_json == nullptr) {
        return SetError(errmsg, QIAOLIAN_RESOURCE_EXHAUSTED, "out of memory");
      }
      *summary_len = s.size();
      return Ok(errmsg);
    });
  });
}

int qiaolian_workbook_sheets(const char* path, char** sheets_json,
                             size_t* sheets_len, char** errmsg) {
  return Guard(errmsg, [&] {
    if (path == nullptr) return Null(errmsg, "path");
    if (sheets_json == nullptr) return Null(errmsg, "sheets_json");
    if (sheets_len == nullptr) return Null(errmsg, "sheets_len");
    *sheets_json = nullptr;
    *sheets_len = 0;
    absl::StatusOr<std::vector<std::string>> sheets =
        qiaolian::WorkbookSheets(path);
    if (!sheets.ok()) return Fail(errmsg, sheets.status());
    std::string s = "[";
    for (size_t i = 0; i < sheets->size(); ++i) {
      if (i > 0) s += ",";
      s += qiaolian::JsonQuote((*sheets)[i]);
    }
    s += "]";
    *sheets_json = CopyString(s);
    if (*sheets_json == nullptr) {
      return SetError(errmsg, QIAOLIAN_RESOURCE_EXHAUSTED, "out of memory");
    }
    *sheets_len = s.size();
    return Ok(errmsg);
  });
}

namespace {

// The (name, value) pairs of a JSON object of fields for qiaolian_add:
// strings as they are, numbers and booleans as their text.
absl::StatusOr<std::vector<std::pair<std::string, std::string>>> FieldsOf(
    const char* json, size_t len) {
  google::protobuf::Struct s;
  auto st = google::protobuf::util::JsonStringToMessage(
      std::string(json, len), &s, google::protobuf::util::JsonParseOptions());
  if (!st.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("fields are not a JSON object of names and values: ",
                     std::string(st.message())));
  }
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& [name, value] : s.fields()) {
    switch (value.kind_case()) {
      case google::protobuf::Value::kStringValue:
        out.emplace_back(name, value.string_value());
        break;
      case google::protobuf::Value::kNumberValue:
        out.emplace_back(name, absl::StrCat(value.number_value()));
        break;
      case google::protobuf::Value::kBoolValue:
        out.emplace_back(name, value.bool_value() ? "true" : "false");
        break;
      case google::protobuf::Value::kNullValue:
        break;  // No value.
      default:
        return absl::InvalidArgumentError(absl::StrCat(
            "field \"", name,
            "\": a string, number or boolean is expected (a list as a cell "
            "holds it: items separated by 、)"));
    }
  }
  std::sort(out.begin(), out.end());  // A deterministic order.
  return out;
}

}  // namespace

int qiaolian_add(qiaolian_db_t* db, const qiaolian_write_options_t* options,
                 int kind, const char* fields_json, size_t len, uint64_t* id,
                 char** warnings_json, size_t* warnings_len, char** errmsg) {
  return Guard(errmsg, [&] {
    if (fields_json == nullptr) return Null(errmsg, "fields_json");
    if (id == nullptr) return Null(errmsg, "id");
    if (warnings_json != nullptr && warnings_len == nullptr) {
      return Null(errmsg, "warnings_len");
    }
    if (warnings_json != nullptr) {
      *warnings_json = nullptr;
      *warnings_len = 0;
    }
    if (absl::Status st = CheckKind(kind); !st.ok()) return Fail(errmsg, st);
    auto fields = FieldsOf(fields_json, len);
    if (!fields.ok()) return Fail(errmsg, fields.status());
    return WithStore(db, errmsg, [&](Store& store) {
      std::vector<std::string> warnings;
      auto record = qiaolian::RecordFromFields(store, static_cast<Kind>(kind),
                                               *fields, &warnings);
      if (!record.ok()) return Fail(errmsg, record.status());
      qiaolian::WriteOptions wo;
      if (options != nullptr) wo = options->o;
      auto created = store.Create(record->get(), wo);
      if (!created.ok()) return Fail(errmsg, created.status());
      *id = *created;
      if (warnings_json != nullptr) {
        std::vector<std::string> quoted;
        for (const std::string& w : warnings) {
          quoted.push_back(qiaolian::JsonQuote(w));
        }
        std::string s = absl::StrCat("[", absl::StrJoin(quoted, ","), "]");
        *warnings_json = CopyString(s);
        if (*warnings_json == nullptr) {
          return SetError(errmsg, QIAOLIAN_RESOURCE_EXHAUSTED, "out of memory");
        }
        *warnings_len = s.size();
      }
      return Ok(errmsg);
    });
  });
}

int qiaolian_set(qiaolian_db_t* db, const qiaolian_write_options_t* options,
                 int kind, uint64_t id, const char* fields_json, size_t len,
                 uint64_t* revision, char** errmsg) {
  return Guard(errmsg, [&] {
    if (fields_json == nullptr) return Null(errmsg, "fields_json");
    if (revision == nullptr) return Null(errmsg, "revision");
    if (absl::Status st = CheckKind(kind); !st.ok()) return Fail(errmsg, st);
    auto fields = FieldsOf(fields_json, len);
    if (!fields.ok()) return Fail(errmsg, fields.status());
    return WithStore(db, errmsg, [&](Store& store) {
      qiaolian::WriteOptions wo;
      if (options != nullptr) wo = options->o;
      auto r = qiaolian::UpdateFromFields(store, static_cast<Kind>(kind), id,
                                          *fields, wo);
      if (!r.ok()) return Fail(errmsg, r.status());
      *revision = *r;
      return Ok(errmsg);
    });
  });
}

int qiaolian_verify(qiaolian_db_t* db, int* consistent, char** report,
                    size_t* report_len, char** errmsg) {
  return Guard(errmsg, [&] {
    if (consistent == nullptr) return Null(errmsg, "consistent");
    if (report != nullptr && report_len == nullptr) {
      return Null(errmsg, "report_len");
    }
    return WithStore(db, errmsg, [&](Store& store) {
      auto r = store.Verify();
      if (!r.ok()) return Fail(errmsg, r.status());
      *consistent = r->problems.empty() ? 1 : 0;
      if (report != nullptr) {
        std::vector<std::string> problems;
        for (const std::string& p : r->problems) {
          problems.push_back(qiaolian::JsonQuote(p));
        }
        std::string s = absl::StrCat(
            "{\"rows\":", r->rows, ",\"index_entries\":", r->index_entries,
            ",\"unique_entries\":", r->unique_entries, ",\"problems\":[",
            absl::StrJoin(problems, ","), "]}");
        *report = CopyString(s);
        if (*report == nullptr) {
          return SetError(errmsg, QIAOLIAN_RESOURCE_EXHAUSTED, "out of memory");
        }
        *report_len = s.size();
      }
      return Ok(errmsg);
    });
  });
}

int qiaolian_reindex(qiaolian_db_t* db, char** errmsg) {
  return Guard(errmsg, [&] {
    return WithStore(db, errmsg, [&](Store& store) {
      absl::Status st = store.Reindex();
      if (!st.ok()) return Fail(errmsg, st);
      return Ok(errmsg);
    });
  });
}

int qiaolian_compact(qiaolian_db_t* db, uint64_t* bytes_before,
                     uint64_t* bytes_after, char** errmsg) {
  return Guard(errmsg, [&] {
    return WithStore(db, errmsg, [&](Store& store) {
      absl::StatusOr<qiaolian::CompactReport> r = store.Compact();
      if (!r.ok()) return Fail(errmsg, r.status());
      if (bytes_before != nullptr) *bytes_before = r->bytes_before;
      if (bytes_after != nullptr) *bytes_after = r->bytes_after;
      return Ok(errmsg);
    });
  });
}

}  // extern "C"
