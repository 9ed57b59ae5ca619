"""Python bindings of qiaolian (侨联), over its C ABI with ctypes.

    import qiaolian

    with qiaolian.Store("/tmp/jintan") as store:
        eid = store.create("enterprise", {"name": "三久制造",
                                          "uscc": "91320413723588143D"})
        e = store.get("enterprise", eid)          # a dict (JSON mapping)
        e["notes"] = "协调外国专家工作签证"
        store.update("enterprise", e)             # ConflictError if stale
        for e in store.query("enterprise where name prefix \\"三久\\""):
            print(e["meta"]["id"], e["name"])

Records are dicts by default; Store(path, messages=True) returns protobuf
messages built from the library's schema (needs google.protobuf). Errors
are subclasses of qiaolian.Error, one per result code. See docs/python.md.

The shared library is found through $QIAOLIAN_LIBRARY (a file),
$QIAOLIAN_BUILD_DIR, next to this package, a build/ directory above it, or
the dynamic loader (qiaolian/_ffi.py); `qiaolian.library_path` says which
file was loaded.
"""

from . import _ffi
from ._store import (KIND_CASE, KIND_DONATION, KIND_ENTERPRISE, KIND_EVENT,
                     KIND_PERSON, KINDS, Cursor, Page, Store, message_class,
                     schema, workbook_sheets)
from .errors import (AbortedError, AlreadyExistsError, CancelledError,
                     ConflictError, DataLossError, DeadlineExceededError,
                     Error, FailedPreconditionError, InternalError,
                     InvalidArgumentError, NotFoundError, OutOfRangeError,
                     PermissionDeniedError, ResourceExhaustedError,
                     UnavailableError, UnimplementedError, UnknownError)
from ._messages import available as messages_available
from ._report import explain_figure, report
from ._privacy import (audit_list, audit_verify, erase, mask, read,
                       read_query)
from . import _export  # noqa: F401  (adds Store.export)
from ._cases import (add_working_days, case_rates, is_working_day,
                     overdue_cases, record_reply, register_case, transition,
                     working_days_between)
from ._records import (donation_totals, event_counts, iter_timeline,
                       relations, timeline)
from ._reliability import repair
from ._search import duplicates, merge, normalize, pinyin, search

__version__ = "0.1.0"  # Of these bindings; version() is the library's.

library_path = _ffi.path
"""The path of the loaded libqiaolian.so."""


def version():
    """The C library's version, e.g. "0.1.0" (qiaolian_version())."""
    return _ffi.version


def version_number():
    """MAJOR * 1000000 + MINOR * 1000 + PATCH of the C library."""
    return _ffi.version_number


__all__ = [
    "Store", "Cursor", "Page", "schema", "message_class", "messages_available",
    "donation_totals", "event_counts", "relations", "timeline",
    "iter_timeline",
    "repair",
    "version", "version_number", "library_path",
    "read", "read_query", "mask", "audit_list", "audit_verify", "erase",
    "search", "duplicates", "merge", "normalize", "pinyin",
    "workbook_sheets",
    "KINDS", "KIND_PERSON", "KIND_ENTERPRISE", "KIND_CASE", "KIND_DONATION",
    "KIND_EVENT",
    "is_working_day", "add_working_days", "working_days_between",
    "register_case", "transition", "record_reply", "overdue_cases",
    "case_rates",
    "Error", "CancelledError", "UnknownError", "InvalidArgumentError",
    "DeadlineExceededError", "NotFoundError", "AlreadyExistsError",
    "PermissionDeniedError", "ResourceExhaustedError",
    "FailedPreconditionError", "ConflictError", "AbortedError",
    "OutOfRangeError", "UnimplementedError", "InternalError",
    "UnavailableError", "DataLossError",
]
