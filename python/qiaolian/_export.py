"""Store.export: query results to CSV, JSON Lines or .xlsx files
(qiaolian_export of the C API; docs/export.md, docs/python.md)."""

import ctypes
import os

from . import _ffi
from . import errors
from ._store import Store, _raise, _text

_lib = _ffi.lib


class _ExportOptions(ctypes.Structure):
    pass


_ExportOptionsP = ctypes.POINTER(_ExportOptions)
_int = ctypes.c_int
_size = ctypes.c_size_t
_out = ctypes.POINTER(ctypes.c_void_p)

# name -> (restype, argtypes), in the order of c.h ("Export").
PROTOTYPES = {
    "qiaolian_export_options_create": (_ExportOptionsP, []),
    "qiaolian_export_options_destroy": (None, [_ExportOptionsP]),
    "qiaolian_export_options_set_format": (
        _int, [_ExportOptionsP, ctypes.c_char_p, _size]),
    "qiaolian_export_options_set_unmasked": (_int, [_ExportOptionsP, _int]),
    "qiaolian_export_options_set_bom": (_int, [_ExportOptionsP, _int]),
    "qiaolian_export_options_set_allow_scan": (_int, [_ExportOptionsP, _int]),
    "qiaolian_export_options_set_labels": (_int, [_ExportOptionsP, _int]),
    "qiaolian_export_options_set_chinese_headers": (_int,
                                                    [_ExportOptionsP, _int]),
    "qiaolian_export_options_add_column": (
        _int, [_ExportOptionsP, ctypes.c_char_p, _size]),
    "qiaolian_export_options_clear_columns": (_int, [_ExportOptionsP]),
    "qiaolian_export": (
        _int, [_ffi.DbP, ctypes.c_char_p, _size, _ExportOptionsP,
               ctypes.c_char_p, ctypes.POINTER(ctypes.c_uint64), _out]),
}

# Listed with the others, so that tests/python/test_store.py checks them
# against c.h too.
_ffi.PROTOTYPES.update(PROTOTYPES)

for _name, (_restype, _argtypes) in PROTOTYPES.items():
    try:
        _fn = getattr(_lib, _name)
    except AttributeError as e:
        raise ImportError(
            f"qiaolian: {_ffi.path} has no function {_name}: the library is "
            f"older than these bindings") from e
    _fn.restype = _restype
    _fn.argtypes = _argtypes

_FORMATS = ("csv", "jsonl", "xlsx")


def _format_of(path, fmt):
    if fmt is not None:
        if fmt not in _FORMATS:
            raise errors.InvalidArgumentError(
                f"unknown export format {fmt!r} (csv, jsonl or xlsx)")
        return fmt
    ext = os.path.splitext(os.fspath(path))[1].lower()
    return {".xlsx": "xlsx", ".jsonl": "jsonl", ".ndjson": "jsonl"}.get(
        ext, "csv")


def export(self, query, path, *, format=None, unmasked=False, bom=False,
           allow_scan=False, columns=None, labels=False,
           chinese_headers=False):
    """Writes every record `query` selects (its order by and limit apply) to
    the file `path`; returns the number of records written.

    format: "csv", "jsonl" or "xlsx" (None: from the extension of `path`,
    .xlsx, .jsonl/.ndjson, else CSV). Personal identifiers (identity
    document numbers, phones, e-mails, other contact accounts, birth dates)
    are masked unless `unmasked=True`. bom: start a CSV with a UTF-8 BOM for
    Excel. allow_scan: read every record of the kind when no index serves
    the query. columns: field paths for CSV and xlsx (e.g. ["id", "name",
    "legal_representative.name"], or their Chinese headers such as
    "法定代表人"); None: the kind's default columns.
    labels: coded values in CSV and xlsx as their Chinese labels (男, 华侨)
    instead of their names (MALE); import_file reads either.
    chinese_headers: the header row of CSV and xlsx in Chinese (姓名, 性别,
    统一社会信用代码) instead of field paths; import_file reads either.

    All or nothing: the file is written next to `path` and renamed over it
    only on success. Errors raise qiaolian.Error subclasses
    (InvalidArgumentError for a bad query, format, option or column,
    FailedPreconditionError when no index serves the query, UnavailableError
    when the file cannot be written).
    """
    q = _text(query)
    fmt = _format_of(path, format).encode("ascii")
    options = _lib.qiaolian_export_options_create()
    if not options:
        raise errors.ResourceExhaustedError("out of memory")
    try:
        _lib.qiaolian_export_options_set_format(options, fmt, len(fmt))
        _lib.qiaolian_export_options_set_unmasked(options,
                                                  1 if unmasked else 0)
        _lib.qiaolian_export_options_set_bom(options, 1 if bom else 0)
        _lib.qiaolian_export_options_set_allow_scan(options,
                                                    1 if allow_scan else 0)
        _lib.qiaolian_export_options_set_labels(options, 1 if labels else 0)
        _lib.qiaolian_export_options_set_chinese_headers(
            options, 1 if chinese_headers else 0)
        if columns is not None:
            if isinstance(columns, str):
                raise TypeError("columns must be a list of field paths")
            for c in columns:
                data = _text(c, "column")
                if _lib.qiaolian_export_options_add_column(options, data,
                                                           len(data)):
                    raise errors.InvalidArgumentError(
                        f"invalid column {c!r}")
        rows = ctypes.c_uint64()
        err = ctypes.c_void_p()
        rc = _lib.qiaolian_export(self._db, q, len(q), options,
                                  os.fsencode(os.fspath(path)),
                                  ctypes.byref(rows), ctypes.byref(err))
    finally:
        _lib.qiaolian_export_options_destroy(options)
    if rc:
        _raise(rc, err)
    return rows.value


Store.export = export
