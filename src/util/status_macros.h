// Status propagation macros. Debian 12's Abseil (20220623) does not ship
// RETURN_IF_ERROR / ASSIGN_OR_RETURN, so we keep our own small versions.
#ifndef QIAOLIAN_SRC_UTIL_STATUS_MACROS_H_
#define QIAOLIAN_SRC_UTIL_STATUS_MACROS_H_

#include "absl/status/status.h"
#include "absl/status/statusor.h"

// Evaluates `expr` (an absl::Status); returns it from the enclosing function
// when it is not OK.
#define QL_RETURN_IF_ERROR(expr)             \
  do {                                       \
    ::absl::Status _ql_status = (expr);      \
    if (!_ql_status.ok()) return _ql_status; \
  } while (0)

#define QL_STATUS_MACROS_CONCAT_INNER(x, y) x##y
#define QL_STATUS_MACROS_CONCAT(x, y) QL_STATUS_MACROS_CONCAT_INNER(x, y)

// `lhs` = value of `rexpr` (an absl::StatusOr<T>), or returns its status.
#define QL_ASSIGN_OR_RETURN(lhs, rexpr)                                     \
  QL_ASSIGN_OR_RETURN_IMPL(QL_STATUS_MACROS_CONCAT(_ql_statusor, __LINE__), \
                           lhs, rexpr)
#define QL_ASSIGN_OR_RETURN_IMPL(statusor, lhs, rexpr) \
  auto statusor = (rexpr);                             \
  if (!statusor.ok()) return statusor.status();        \
  lhs = std::move(statusor).value()

#endif  // QIAOLIAN_SRC_UTIL_STATUS_MACROS_H_
