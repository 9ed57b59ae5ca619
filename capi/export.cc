// C API: export of query results to CSV, JSON Lines and .xlsx files
// (include/qiaolian/c.h, "Export"; docs/export.md).
#include "qiaolian/export.h"

#include <string>
#include <vector>

#include "capi/internal.h"
#include "qiaolian/c.h"

struct qiaolian_export_options_t {
  qiaolian::ExportOptions o;
};

using qiaolian::Store;
using qiaolian::capi::CheckText;
using qiaolian::capi::Fail;
using qiaolian::capi::Guard;
using qiaolian::capi::Null;
using qiaolian::capi::Ok;
using qiaolian::capi::WithStore;

extern "C" {

qiaolian_export_options_t* qiaolian_export_options_create(void) {
  return new (std::nothrow) qiaolian_export_options_t();
}

void qiaolian_export_options_destroy(qiaolian_export_options_t* options) {
  delete options;
}

int qiaolian_export_options_set_format(qiaolian_export_options_t* options,
                                       const char* format, size_t format_len) {
  if (options == nullptr || (format == nullptr && format_len > 0)) {
    return QIAOLIAN_INVALID_ARGUMENT;
  }
  return Guard(nullptr, [&] {
    const std::string f =
        format == nullptr ? "csv" : std::string(format, format_len);
    if (f != "csv" && f != "jsonl" && f != "xlsx") {
      return QIAOLIAN_INVALID_ARGUMENT;
    }
    options->o.format = f;
    return QIAOLIAN_OK;
  });
}

int qiaolian_export_options_set_unmasked(qiaolian_export_options_t* options,
                                         int value) {
  if (options == nullptr) return QIAOLIAN_INVALID_ARGUMENT;
  options->o.unmasked = value != 0;
  return QIAOLIAN_OK;
}

int qiaolian_export_options_set_bom(qiaolian_export_options_t* options,
                                    int value) {
  if (options == nullptr) return QIAOLIAN_INVALID_ARGUMENT;
  options->o.bom = value != 0;
  return QIAOLIAN_OK;
}

int qiaolian_export_options_set_allow_scan(qiaolian_export_options_t* options,
                                           int value) {
  if (options == nullptr) return QIAOLIAN_INVALID_ARGUMENT;
  options->o.allow_scan = value != 0;
  return QIAOLIAN_OK;
}

int qiaolian_export_options_set_labels(qiaolian_export_options_t* options,
                                       int value) {
  if (options == nullptr) return QIAOLIAN_INVALID_ARGUMENT;
  options->o.labels = value != 0;
  return QIAOLIAN_OK;
}

int qiaolian_export_options_set_chinese_headers(
    qiaolian_export_options_t* options, int value) {
  if (options == nullptr) return QIAOLIAN_INVALID_ARGUMENT;
  options->o.chinese_headers = value != 0;
  return QIAOLIAN_OK;
}

int qiaolian_export_options_add_column(qiaolian_export_options_t* options,
                                       const char* path, size_t path_len) {
  if (options == nullptr || path == nullptr || path_len == 0) {
    return QIAOLIAN_INVALID_ARGUMENT;
  }
  return Guard(nullptr, [&] {
    options->o.columns.emplace_back(path, path_len);
    return QIAOLIAN_OK;
  });
}

int qiaolian_export_options_clear_columns(qiaolian_export_options_t* options) {
  if (options == nullptr) return QIAOLIAN_INVALID_ARGUMENT;
  options->o.columns.clear();
  return QIAOLIAN_OK;
}

int qiaolian_export(qiaolian_db_t* db, const char* query, size_t query_len,
                    const qiaolian_export_options_t* options, const char* path,
                    uint64_t* rows, char** errmsg) {
  return Guard(errmsg, [&] {
    if (query == nullptr) return Null(errmsg, "query");
    if (path == nullptr) return Null(errmsg, "path");
    if (rows != nullptr) *rows = 0;
    if (absl::Status st = CheckText(query, query_len); !st.ok()) {
      return Fail(errmsg, st);
    }
    const qiaolian::ExportOptions o =
        options != nullptr ? options->o : qiaolian::ExportOptions();
    return WithStore(db, errmsg, [&](Store& store) {
      absl::StatusOr<uint64_t> n = qiaolian::ExportToFile(
          store, absl::string_view(query, query_len), o, path);
      if (!n.ok()) return Fail(errmsg, n.status());
      if (rows != nullptr) *rows = *n;
      return Ok(errmsg);
    });
  });
}

}  // extern "C"
