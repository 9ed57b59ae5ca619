"""Repairing a damaged store (qiaolian_repair of c.h; docs/reliability.md).

    report = qiaolian.repair("/var/lib/qiaolian/jintan")
    print(report["records_lost"], report["consistent"])
"""

import ctypes
import json
import os

from . import _ffi, _store, errors

# name -> (restype, argtypes), in the order of c.h ("Reliability").
PROTOTYPES = {
    "qiaolian_repair": (
        ctypes.c_int,
        [ctypes.c_char_p, _ffi._out, ctypes.POINTER(ctypes.c_size_t),
         _ffi._out]),
    "qiaolian_repair_with_options": (
        ctypes.c_int,
        [ctypes.c_char_p, _ffi.OptionsP, _ffi._out,
         ctypes.POINTER(ctypes.c_size_t), _ffi._out]),
}


def _declare():
    for name, (restype, argtypes) in PROTOTYPES.items():
        try:
            fn = getattr(_ffi.lib, name)
        except AttributeError as e:
            raise ImportError(
                f"qiaolian: {_ffi.path} has no function {name}: the library "
                f"is older than these bindings") from e
        fn.restype = restype
        fn.argtypes = argtypes
    _ffi.PROTOTYPES.update(PROTOTYPES)


_declare()


def repair(path, *, encryption_key=None):
    """Repairs the store at `path`, which must not be open anywhere, and
    returns the report as a dict: "kinds" (per kind "before", what its
    counter said, -1 if unreadable, and "after"), "records_lost",
    "unreadable_rows", "rows_restored", "rows_from_history",
    "stale_rows_removed", "history_added", "lost_files", "index_entries",
    "store_info_rewritten", "consistent" and "problems".

    A store with encryption at rest needs its `encryption_key` (32 bytes)
    for the final index rebuild (FailedPreconditionError without it).

    Raises NotFoundError (no store), UnavailableError (in use, I/O error),
    DataLossError (unreadable even after the repair)."""
    out = ctypes.c_void_p()
    length = ctypes.c_size_t()
    err = ctypes.c_void_p()
    options = _ffi.lib.qiaolian_options_create()
    if not options:
        raise errors.ResourceExhaustedError("out of memory")
    try:
        if encryption_key is not None:
            _store.set_encryption_key(options, encryption_key)
        rc = _ffi.lib.qiaolian_repair_with_options(
            os.fsencode(path), options, ctypes.byref(out),
            ctypes.byref(length), ctypes.byref(err))
    finally:
        _ffi.lib.qiaolian_options_destroy(options)
    if rc != _ffi.OK:
        message = _ffi.message(err)
        name = _ffi.lib.qiaolian_code_name(rc)
        raise errors.from_code(rc, message,
                               name.decode("ascii") if name else None)
    return json.loads(_ffi.take(out, length.value).decode("utf-8"))
