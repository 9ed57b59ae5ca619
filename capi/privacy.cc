// The C API's privacy calls (include/qiaolian/c.h, "Privacy"): masked and
// audited reads, the audit log, erasure. See docs/privacy.md.
#include "qiaolian/privacy.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "capi/internal.h"

using qiaolian::capi::CheckFormat;
using qiaolian::capi::CheckKind;
using qiaolian::capi::CopyString;
using qiaolian::capi::DecodeRecord;
using qiaolian::capi::EncodeRecord;
using qiaolian::capi::Fail;
using qiaolian::capi::GiveBytes;
using qiaolian::capi::GiveText;
using qiaolian::capi::Guard;
using qiaolian::capi::Null;
using qiaolian::capi::Ok;
using qiaolian::capi::SetError;
using qiaolian::capi::WithStore;

struct qiaolian_read_options_t {
  qiaolian::ReadOptions o;
};

namespace {

int SetText(qiaolian_read_options_t* options, const char* text, size_t len,
            std::string qiaolian::ReadOptions::*field) {
  if (options == nullptr || (text == nullptr && len > 0)) {
    return QIAOLIAN_INVALID_ARGUMENT;
  }
  return Guard(nullptr, [&] {
    (options->o.*field).assign(text == nullptr ? "" : text, len);
    return QIAOLIAN_OK;
  });
}

}  // namespace

extern "C" {

qiaolian_read_options_t* qiaolian_read_options_create(void) {
  try {
    return new qiaolian_read_options_t();
  } catch (...) {
    return nullptr;
  }
}

void qiaolian_read_options_destroy(qiaolian_read_options_t* options) {
  delete options;
}

int qiaolian_read_options_set_unmasked(qiaolian_read_options_t* options,
                                       int value) {
  if (options == nullptr) return QIAOLIAN_INVALID_ARGUMENT;
  options->o.unmasked = value != 0;
  return QIAOLIAN_OK;
}

int qiaolian_read_options_set_actor(qiaolian_read_options_t* options,
                                    const char* actor, size_t actor_len) {
  return SetText(options, actor, actor_len, &qiaolian::ReadOptions::actor);
}

int qiaolian_read_options_set_purpose(qiaolian_read_options_t* options,
                                      const char* purpose, size_t purpose_len) {
  return SetText(options, purpose, purpose_len,
                 &qiaolian::ReadOptions::purpose);
}

int qiaolian_read(qiaolian_db_t* db, const qiaolian_read_options_t* options,
                  int kind, uint64_t id, int format, uint8_t** out,
                  size_t* out_len, char** errmsg) {
  return Guard(errmsg, [&] {
    if (out == nullptr) return Null(errmsg, "out");
    if (out_len == nullptr) return Null(errmsg, "out_len");
    return WithStore(db, errmsg, [&](Store& store) {
      if (absl::Status st = CheckKind(kind); !st.ok()) return Fail(errmsg, st);
      if (absl::Status st = CheckFormat(format); !st.ok()) {
        return Fail(errmsg, st);
      }
      qiaolian::ReadOptions ro;
      if (options != nullptr) ro = options->o;
      auto record = qiaolian::ReadRecord(
          store, static_cast<qiaolian::Kind>(kind), id, ro);
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

int qiaolian_query_options_set_read_options(
    qiaolian_query_options_t* options,
    const qiaolian_read_options_t* read_options) {
  if (options == nullptr) return QIAOLIAN_INVALID_ARGUMENT;
  return Guard(nullptr, [&] {
    if (read_options == nullptr) {
      options->read.reset();
    } else {
      options->read =
          std::make_shared<const qiaolian::ReadOptions>(read_options->o);
    }
    return QIAOLIAN_OK;
  });
}

int qiaolian_mask(int kind, int format, const uint8_t* data, size_t len,
                  uint8_t** out, size_t* out_len, char** errmsg) {
  return Guard(errmsg, [&] {
    if (data == nullptr) return Null(errmsg, "data");
    if (out == nullptr) return Null(errmsg, "out");
    if (out_len == nullptr) return Null(errmsg, "out_len");
    auto record = DecodeRecord(kind, format, data, len);
    if (!record.ok()) return Fail(errmsg, record.status());
    qiaolian::MaskRecord(record->get());
    auto bytes = EncodeRecord(**record, format);
    if (!bytes.ok()) return Fail(errmsg, bytes.status());
    if (GiveBytes(*bytes, out, out_len) != QIAOLIAN_OK) {
      return SetError(errmsg, QIAOLIAN_RESOURCE_EXHAUSTED, "out of memory");
    }
    return Ok(errmsg);
  });
}

int qiaolian_audit_list(qiaolian_db_t* db, int64_t from_unix, int64_t to_unix,
                        uint64_t after_seq, uint64_t limit, char** json,
                        size_t* json_len, char** errmsg) {
  return Guard(errmsg, [&] {
    if (json == nullptr) return Null(errmsg, "json");
    if (json_len == nullptr) return Null(errmsg, "json_len");
    return WithStore(db, errmsg, [&](Store& store) {
      qiaolian::AuditFilter f;
      if (from_unix != 0) f.from = absl::FromUnixSeconds(from_unix);
      if (to_unix != 0) f.to = absl::FromUnixSeconds(to_unix);
      f.after_seq = after_seq;
      f.limit = limit;
      auto entries = qiaolian::ListAudit(store, f);
      if (!entries.ok()) return Fail(errmsg, entries.status());
      std::string s;
      for (const qiaolian::v1::AuditEntry& e : *entries) {
        auto line = qiaolian::RecordToJson(e);
        if (!line.ok()) return Fail(errmsg, line.status());
        absl::StrAppend(&s, *line, "\n");
      }
      return GiveText(s, json, json_len, errmsg);
    });
  });
}

int qiaolian_audit_verify(qiaolian_db_t* db, const char* expected_head,
                          size_t expected_head_len, int* intact, char** report,
                          size_t* report_len, char** errmsg) {
  return Guard(errmsg, [&] {
    if (intact == nullptr) return Null(errmsg, "intact");
    if (report != nullptr && report_len == nullptr) {
      return Null(errmsg, "report_len");
    }
    return WithStore(db, errmsg, [&](Store& store) {
      auto r = qiaolian::VerifyAudit(
          store,
          absl::string_view(expected_head == nullptr ? "" : expected_head,
                            expected_head_len));
      if (!r.ok()) return Fail(errmsg, r.status());
      *intact = r->ok() ? 1 : 0;
      if (report == nullptr) return Ok(errmsg);
      std::vector<std::string> problems;
      for (const std::string& p : r->problems) {
        problems.push_back(qiaolian::JsonQuote(p));
      }
      return GiveText(
          absl::StrCat("{\"entries\":", r->entries,
                       ",\"last_seq\":", r->last_seq,
                       ",\"head\":", qiaolian::JsonQuote(r->head_hash),
                       ",\"problems\":[", absl::StrJoin(problems, ","), "]}"),
          report, report_len, errmsg);
    });
  });
}

int qiaolian_erase(qiaolian_db_t* db, const qiaolian_write_options_t* options,
                   int kind, uint64_t id, int force, char** report,
                   size_t* report_len, char** errmsg) {
  return Guard(errmsg, [&] {
    if (report != nullptr && report_len == nullptr) {
      return Null(errmsg, "report_len");
    }
    return WithStore(db, errmsg, [&](Store& store) {
      if (absl::Status st = CheckKind(kind); !st.ok()) return Fail(errmsg, st);
      qiaolian::EraseOptions eo;
      if (options != nullptr) {
        eo.actor = options->o.actor;
        eo.sync = options->o.sync;
      }
      eo.force = force != 0;
      auto r =
          qiaolian::Erase(store, static_cast<qiaolian::Kind>(kind), id, eo);
      if (!r.ok()) return Fail(errmsg, r.status());
      if (report == nullptr) return Ok(errmsg);
      std::vector<std::string> unlinked;
      for (const std::string& u : r->unlinked) {
        unlinked.push_back(qiaolian::JsonQuote(u));
      }
      return GiveText(
          absl::StrCat("{\"revisions\":", r->revisions, ",\"keys_deleted\":",
                       r->keys_deleted, ",\"stray_entries\":", r->stray_entries,
                       ",\"was_live\":", r->was_live ? "true" : "false",
                       ",\"unlinked\":[", absl::StrJoin(unlinked, ","),
                       "],\"compaction_ms\":",
                       absl::ToInt64Milliseconds(r->compaction), "}"),
          report, report_len, errmsg);
    });
  });
}

}  // extern "C"
