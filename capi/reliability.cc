// The C API's reliability calls (include/qiaolian/c.h, "Reliability"):
// repairing a damaged store. Shares capi/internal.h with capi/c.cc.
#include "capi/internal.h"
#include "qiaolian/limits.h"
#include "qiaolian/repair.h"

// c.h and qiaolian/limits.h state the same limits.
static_assert(QIAOLIAN_MAX_RECORD_BYTES == qiaolian::kMaxRecordBytes);
static_assert(QIAOLIAN_MAX_QUERY_BYTES == qiaolian::kMaxQueryBytes);
static_assert(QIAOLIAN_MAX_FIELD_BYTES == qiaolian::kMaxFieldBytes);
static_assert(QIAOLIAN_MAX_JSON_BYTES == qiaolian::kMaxJsonBytes);
static_assert(QIAOLIAN_MAX_CSV_FIELD_BYTES == qiaolian::kMaxCsvFieldBytes);

using qiaolian::capi::CopyString;
using qiaolian::capi::Fail;
using qiaolian::capi::Guard;
using qiaolian::capi::Null;
using qiaolian::capi::Ok;
using qiaolian::capi::SetError;

extern "C" {

int qiaolian_repair(const char* path, char** report_json, size_t* report_len,
                    char** errmsg) {
  return qiaolian_repair_with_options(path, nullptr, report_json, report_len,
                                      errmsg);
}

int qiaolian_repair_with_options(const char* path,
                                 const qiaolian_options_t* options,
                                 char** report_json, size_t* report_len,
                                 char** errmsg) {
  return Guard(errmsg, [&] {
    if (path == nullptr) return Null(errmsg, "path");
    if (report_json == nullptr) return Null(errmsg, "report_json");
    if (report_len == nullptr) return Null(errmsg, "report_len");
    *report_json = nullptr;
    *report_len = 0;
    qiaolian::RepairOptions ro;
    if (options != nullptr) ro.encryption_key = options->o.encryption_key;
    absl::StatusOr<qiaolian::RepairReport> r = qiaolian::RepairStore(path, ro);
    if (!r.ok()) return Fail(errmsg, r.status());
    std::string s = r->ToJson();
    *report_json = CopyString(s);
    if (*report_json == nullptr) {
      return SetError(errmsg, QIAOLIAN_RESOURCE_EXHAUSTED, "out of memory");
    }
    *report_len = s.size();
    return Ok(errmsg);
  });
}

}  // extern "C"
