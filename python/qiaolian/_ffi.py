"""Loads libqiaolian.so and declares the C API (include/qiaolian/c.h).

Everything here is private to the package. `lib` is the loaded library with
`argtypes` and `restype` set on every function of c.h (PROTOTYPES lists them;
tests/python/test_store.py checks the list against the header).

Where the library is looked for, in this order (the first that exists is
loaded; if it fails to load, that is the error):

  1. $QIAOLIAN_LIBRARY, a path to the library file. When set, nothing else
     is tried.
  2. $QIAOLIAN_BUILD_DIR/libqiaolian.so.0 (then .so), a CMake build tree.
  3. Next to this package: qiaolian/libqiaolian.so.0 (then .so), where a
     wheel built with the library copied in carries it.
  4. build/libqiaolian.so.0 (then .so) in each directory above the package,
     i.e. the source checkout's default build tree.
  5. The dynamic loader's search path (an installed libqiaolian.so.0).

C types map to ctypes as follows: int -> c_int, size_t -> c_size_t,
uint64_t -> c_uint64, input text and bytes (const char*, const uint8_t*)
-> c_char_p (a bytes object is passed without a copy), void* -> c_void_p,
any pointer-to-pointer output (char**, uint8_t**, const char**,
const uint8_t**) -> POINTER(c_void_p) so that the address stays available
for string_at() and qiaolian_free(), handles -> POINTER(<opaque Structure>),
qiaolian_progress_fn -> ProgressFn (a CFUNCTYPE).
"""

import ctypes
import os
import pathlib

# The version of c.h these declarations were written for: the library must be
# this version or later within the same major version (the ABI only grows).
REQUIRED_VERSION_NUMBER = 1000  # 0.1.0


class _Db(ctypes.Structure):
    """qiaolian_db_t (opaque)."""


class _Options(ctypes.Structure):
    """qiaolian_options_t (opaque)."""


class _WriteOptions(ctypes.Structure):
    """qiaolian_write_options_t (opaque)."""


class _QueryOptions(ctypes.Structure):
    """qiaolian_query_options_t (opaque)."""


class _Cursor(ctypes.Structure):
    """qiaolian_cursor_t (opaque)."""


class _ImportOptions(ctypes.Structure):
    """qiaolian_import_options_t (opaque)."""


# typedef void (*qiaolian_progress_fn)(void* user_data, uint64_t rows,
#                                      uint64_t bytes, uint64_t total_bytes);
ProgressFn = ctypes.CFUNCTYPE(None, ctypes.c_void_p, ctypes.c_uint64,
                              ctypes.c_uint64, ctypes.c_uint64)

DbP = ctypes.POINTER(_Db)
OptionsP = ctypes.POINTER(_Options)
WriteOptionsP = ctypes.POINTER(_WriteOptions)
QueryOptionsP = ctypes.POINTER(_QueryOptions)
CursorP = ctypes.POINTER(_Cursor)
ImportOptionsP = ctypes.POINTER(_ImportOptions)

_int = ctypes.c_int
_size = ctypes.c_size_t
_u64 = ctypes.c_uint64
_text = ctypes.c_char_p  # const char* / const uint8_t* inputs
_out = ctypes.POINTER(ctypes.c_void_p)  # T** outputs, including errmsg
_p = ctypes.POINTER

# name -> (restype, argtypes), in the order of c.h.
PROTOTYPES = {
    # Library.
    "qiaolian_version": (ctypes.c_char_p, []),
    "qiaolian_version_number": (_int, []),
    "qiaolian_free": (None, [ctypes.c_void_p]),
    "qiaolian_code_name": (ctypes.c_char_p, [_int]),
    "qiaolian_kind_name": (ctypes.c_char_p, [_int]),
    "qiaolian_schema": (_int, [_out, _p(_size), _out]),
    # Open options.
    "qiaolian_options_create": (OptionsP, []),
    "qiaolian_options_destroy": (None, [OptionsP]),
    "qiaolian_options_set_create_if_missing": (_int, [OptionsP, _int]),
    "qiaolian_options_set_read_only": (_int, [OptionsP, _int]),
    "qiaolian_options_set_sync": (_int, [OptionsP, _int]),
    "qiaolian_options_set_cache_bytes": (_int, [OptionsP, _u64]),
    "qiaolian_options_set_write_buffer_bytes": (_int, [OptionsP, _u64]),
    "qiaolian_options_set_map_tables": (_int, [OptionsP, _int]),
    "qiaolian_options_set_search_cache_bytes": (_int, [OptionsP, _u64]),
    "qiaolian_options_set_warm_up_in_background": (_int, [OptionsP, _int]),
    "qiaolian_options_set_warm_up_search_bytes": (_int, [OptionsP, _u64]),
    "qiaolian_options_set_encryption_key": (
        _int, [OptionsP, ctypes.c_char_p, _size]),
    # Opening and closing.
    "qiaolian_open": (_int, [ctypes.c_char_p, OptionsP, _p(DbP), _out]),
    "qiaolian_close": (None, [DbP]),
    # Write options.
    "qiaolian_write_options_create": (WriteOptionsP, []),
    "qiaolian_write_options_destroy": (None, [WriteOptionsP]),
    "qiaolian_write_options_set_actor": (_int, [WriteOptionsP, _text, _size]),
    "qiaolian_write_options_set_sync": (_int, [WriteOptionsP, _int]),
    # Records.
    "qiaolian_create": (
        _int, [DbP, WriteOptionsP, _int, _int, _text, _size, _p(_u64), _out]),
    "qiaolian_add": (
        _int, [DbP, WriteOptionsP, _int, _text, _size, _p(_u64), _out,
               _p(_size), _out]),
    "qiaolian_set": (
        _int, [DbP, WriteOptionsP, _int, _u64, _text, _size, _p(_u64),
               _out]),
    "qiaolian_get": (_int, [DbP, _int, _u64, _int, _out, _p(_size), _out]),
    "qiaolian_update": (
        _int, [DbP, WriteOptionsP, _int, _int, _text, _size, _p(_u64), _out]),
    "qiaolian_delete": (_int, [DbP, WriteOptionsP, _int, _u64, _u64, _out]),
    "qiaolian_count": (_int, [DbP, _int, _p(_u64), _out]),
    # Queries.
    "qiaolian_query_options_create": (QueryOptionsP, []),
    "qiaolian_query_options_destroy": (None, [QueryOptionsP]),
    "qiaolian_query_options_set_allow_scan": (_int, [QueryOptionsP, _int]),
    "qiaolian_query_options_set_page_size": (_int, [QueryOptionsP, _u64]),
    "qiaolian_query_options_set_cursor": (_int, [QueryOptionsP, _text, _size]),
    "qiaolian_query": (
        _int, [DbP, _text, _size, QueryOptionsP, _int, _p(CursorP), _out]),
    "qiaolian_cursor_next": (_int, [CursorP, _out]),
    "qiaolian_cursor_record": (_int, [CursorP, _out, _p(_size), _out]),
    "qiaolian_cursor_id": (_int, [CursorP, _p(_u64), _out]),
    "qiaolian_cursor_page_token": (_int, [CursorP, _out, _p(_size), _out]),
    "qiaolian_cursor_destroy": (None, [CursorP]),
    "qiaolian_aggregate": (
        _int, [DbP, _text, _size, QueryOptionsP, _out, _p(_size), _out]),
    "qiaolian_explain": (
        _int, [DbP, _text, _size, QueryOptionsP, _out, _p(_size), _out]),
    # Import.
    "qiaolian_import_options_create": (ImportOptionsP, []),
    "qiaolian_import_options_destroy": (None, [ImportOptionsP]),
    "qiaolian_import_options_set_kind": (_int, [ImportOptionsP, _int]),
    "qiaolian_import_options_set_format": (
        _int, [ImportOptionsP, _text, _size]),
    "qiaolian_import_options_set_encoding": (
        _int, [ImportOptionsP, _text, _size]),
    "qiaolian_import_options_set_mode": (_int, [ImportOptionsP, _text, _size]),
    "qiaolian_import_options_set_duplicates": (
        _int, [ImportOptionsP, _text, _size]),
    "qiaolian_import_options_set_bulk_load": (
        _int, [ImportOptionsP, _text, _size]),
    "qiaolian_import_options_set_date_order": (
        _int, [ImportOptionsP, _text, _size]),
    "qiaolian_import_options_set_decimal_mark": (
        _int, [ImportOptionsP, _text, _size]),
    "qiaolian_import_options_add_value": (
        _int, [ImportOptionsP, _text, _size, _text, _size]),
    "qiaolian_import_options_set_duplicate_min_score": (
        _int, [ImportOptionsP, _int]),
    "qiaolian_import_options_set_dry_run": (_int, [ImportOptionsP, _int]),
    "qiaolian_import_options_set_lenient": (_int, [ImportOptionsP, _int]),
    "qiaolian_import_options_set_trust_ids": (_int, [ImportOptionsP, _int]),
    "qiaolian_import_options_set_reject_file": (
        _int, [ImportOptionsP, _text, _size]),
    "qiaolian_import_options_set_mapping_file": (
        _int, [ImportOptionsP, _text, _size]),
    "qiaolian_import_options_set_actor": (
        _int, [ImportOptionsP, _text, _size]),
    "qiaolian_import_options_set_batch_rows": (_int, [ImportOptionsP, _u64]),
    "qiaolian_import_options_set_header_row": (_int, [ImportOptionsP, _u64]),
    "qiaolian_import_options_set_sheet": (
        _int, [ImportOptionsP, _text, _size]),
    "qiaolian_import_options_set_progress": (
        _int, [ImportOptionsP, ProgressFn, ctypes.c_void_p, _u64]),
    "qiaolian_import": (
        _int, [DbP, ctypes.c_char_p, ImportOptionsP, _out, _p(_size), _out]),
    "qiaolian_workbook_sheets": (
        _int, [ctypes.c_char_p, _out, _p(_size), _out]),
    # Maintenance.
    "qiaolian_verify": (_int, [DbP, _p(_int), _out, _p(_size), _out]),
    "qiaolian_reindex": (_int, [DbP, _out]),
    "qiaolian_compact": (_int, [DbP, _p(_u64), _p(_u64), _out]),
}

# Result codes, kinds and formats (the #defines of c.h).
OK = 0
ROW = 100
DONE = 101
FORMAT_PROTO = 0
FORMAT_JSON = 1

_NAMES = ("libqiaolian.so.0", "libqiaolian.so")


def _candidates():
    """Yields (description, path) in search order; see the module doc."""
    explicit = os.environ.get("QIAOLIAN_LIBRARY")
    if explicit:
        yield "$QIAOLIAN_LIBRARY", explicit
        return
    build_dir = os.environ.get("QIAOLIAN_BUILD_DIR")
    if build_dir:
        for name in _NAMES:
            yield "$QIAOLIAN_BUILD_DIR", os.path.join(build_dir, name)
    here = pathlib.Path(__file__).resolve().parent
    for name in _NAMES:
        yield "next to the package", str(here / name)
    for parent in here.parents:
        for name in _NAMES:
            yield "build tree", str(parent / "build" / name)
    yield "dynamic loader search path", _NAMES[0]


def _load():
    tried = []
    for where, path in _candidates():
        is_file = os.sep in path
        if is_file and not os.path.exists(path):
            tried.append(f"  {path} ({where}): no such file")
            continue
        try:
            return ctypes.CDLL(path), path
        except OSError as e:
            if is_file:  # Exists but cannot be loaded: that is the error.
                raise ImportError(
                    f"qiaolian: cannot load the C library {path} ({where}): "
                    f"{e}") from e
            tried.append(f"  {path} ({where}): {e}")
    raise ImportError(
        "qiaolian: libqiaolian.so not found. Build it (cmake --build BUILD "
        "--target qiaolian) and set QIAOLIAN_LIBRARY=/path/to/"
        "libqiaolian.so.0 or QIAOLIAN_BUILD_DIR=BUILD, or copy it next to "
        "the package. Looked in:\n" + "\n".join(tried))


def _declare(cdll, path):
    for name, (restype, argtypes) in PROTOTYPES.items():
        try:
            fn = getattr(cdll, name)
        except AttributeError as e:
            raise ImportError(
                f"qiaolian: {path} has no function {name}: the library is "
                f"older than these bindings") from e
        fn.restype = restype
        fn.argtypes = argtypes


lib, path = _load()
_declare(lib, path)

version_number = lib.qiaolian_version_number()
version = lib.qiaolian_version().decode("ascii")
if (version_number // 1000000 != REQUIRED_VERSION_NUMBER // 1000000 or
        version_number < REQUIRED_VERSION_NUMBER):
    raise ImportError(
        f"qiaolian: {path} is version {version} ({version_number}); these "
        f"bindings need version number >= {REQUIRED_VERSION_NUMBER} with the "
        f"same major version")


def take(ptr, length):
    """Copies `length` bytes of an owned result, then frees it."""
    try:
        return ctypes.string_at(ptr.value, length) if length else b""
    finally:
        lib.qiaolian_free(ptr)


def message(errmsg):
    """Copies and frees an errmsg (c_void_p); '' for NULL."""
    if not errmsg.value:
        return ""
    try:
        return ctypes.string_at(errmsg.value).decode("utf-8", "replace")
    finally:
        lib.qiaolian_free(errmsg)
