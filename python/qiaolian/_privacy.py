"""Privacy: masked and audited reads, the audit log, erasure (docs/privacy.md).

    import qiaolian
    with qiaolian.Store(path) as store:
        p = qiaolian.read(store, "person", 7)           # masked
        raw = qiaolian.read(store, "person", 7, unmasked=True,
                            actor="王科员")              # audited first
        for e in qiaolian.audit_list(store):
            print(e["seq"], e["action"], e.get("fields"))
        assert qiaolian.audit_verify(store)["intact"]
        qiaolian.erase(store, "person", 7, actor="王科员")

Store.get() and Store.query() return records as stored and write no audit
entry (they are the raw layer, as before); these functions mask the fields
the schema marks sensitive unless asked otherwise, and an unmasked read is
written to the audit log before the values are returned.
"""

import ctypes
import datetime
import json

from . import _ffi
from . import _store

_lib = _ffi.lib
_byref = ctypes.byref
_void_p = ctypes.c_void_p
_size_t = ctypes.c_size_t
_int = ctypes.c_int
_u64 = ctypes.c_uint64
_i64 = ctypes.c_int64
_text = ctypes.c_char_p
_out = ctypes.POINTER(ctypes.c_void_p)
_p = ctypes.POINTER


class _ReadOptions(ctypes.Structure):
    """qiaolian_read_options_t (opaque)."""


ReadOptionsP = ctypes.POINTER(_ReadOptions)

# name -> (restype, argtypes), in the order of c.h ("Privacy").
PROTOTYPES = {
    "qiaolian_read_options_create": (ReadOptionsP, []),
    "qiaolian_read_options_destroy": (None, [ReadOptionsP]),
    "qiaolian_read_options_set_unmasked": (_int, [ReadOptionsP, _int]),
    "qiaolian_read_options_set_actor": (_int, [ReadOptionsP, _text, _size_t]),
    "qiaolian_read_options_set_purpose": (
        _int, [ReadOptionsP, _text, _size_t]),
    "qiaolian_read": (_int, [_ffi.DbP, ReadOptionsP, _int, _u64, _int, _out,
                             _p(_size_t), _out]),
    "qiaolian_query_options_set_read_options": (
        _int, [_ffi.QueryOptionsP, ReadOptionsP]),
    "qiaolian_mask": (_int, [_int, _int, _text, _size_t, _out, _p(_size_t),
                             _out]),
    "qiaolian_audit_list": (_int, [_ffi.DbP, _i64, _i64, _u64, _u64, _out,
                                   _p(_size_t), _out]),
    "qiaolian_audit_verify": (_int, [_ffi.DbP, _text, _size_t, _p(_int), _out,
                                     _p(_size_t), _out]),
    "qiaolian_erase": (_int, [_ffi.DbP, _ffi.WriteOptionsP, _int, _u64, _int,
                              _out, _p(_size_t), _out]),
}
_ffi.PROTOTYPES.update(PROTOTYPES)
_ffi._declare(_lib, _ffi.path)


def _read_options(unmasked, actor, purpose):
    options = _lib.qiaolian_read_options_create()
    if not options:
        raise MemoryError("qiaolian_read_options_create")
    try:
        _lib.qiaolian_read_options_set_unmasked(options, 1 if unmasked else 0)
        for setter, value in ((_lib.qiaolian_read_options_set_actor, actor),
                              (_lib.qiaolian_read_options_set_purpose,
                               purpose)):
            if value:
                b = value.encode("utf-8")
                setter(options, b, len(b))
    except BaseException:
        _lib.qiaolian_read_options_destroy(options)
        raise
    return options


def read(store, kind, id, *, unmasked=False, actor=None, purpose=None):
    """Record `id` of `kind` with its sensitive fields masked; with
    unmasked=True as stored, after an audit entry naming `actor` (and
    `purpose`) was written. FailedPreconditionError for an unmasked read of a
    read-only store; NotFoundError when there is no such record."""
    number, name = _store._kind(kind)
    options = _read_options(unmasked, actor, purpose)
    out = _void_p()
    n = _size_t()
    err = _void_p()
    try:
        rc = _lib.qiaolian_read(store._db, options, number,
                                _store._uint64(id, "id"), store._format,
                                _byref(out), _byref(n), _byref(err))
    finally:
        _lib.qiaolian_read_options_destroy(options)
    if rc:
        _store._raise(rc, err)
    return store._decode(name, _ffi.take(out, n.value))


def read_query(store, text, *, unmasked=False, actor=None, purpose=None,
               allow_scan=False):
    """Every record a query selects (a list), masked, or unmasked and
    audited (one entry per record holding sensitive values)."""
    words = text.split(None, 1)
    name = words[0].lower() if words else ""
    q = _store._text(text)
    qopts = _store._query_options(allow_scan, None, None)
    if qopts is None:
        qopts = _lib.qiaolian_query_options_create()
        if not qopts:
            raise MemoryError("qiaolian_query_options_create")
    ropts = _read_options(unmasked, actor, purpose)
    cursor = _ffi.CursorP()
    err = _void_p()
    try:
        _lib.qiaolian_query_options_set_read_options(qopts, ropts)
        rc = _lib.qiaolian_query(store._db, q, len(q), qopts, store._format,
                                 _byref(cursor), _byref(err))
    finally:
        _lib.qiaolian_read_options_destroy(ropts)
        _lib.qiaolian_query_options_destroy(qopts)
    if rc:
        _store._raise(rc, err)
    records = []
    try:
        while True:
            rc = _lib.qiaolian_cursor_next(cursor, _byref(err))
            if rc == _ffi.DONE:
                break
            if rc != _ffi.ROW:
                _store._raise(rc, err)
            data = _void_p()
            n = _size_t()
            rc = _lib.qiaolian_cursor_record(cursor, _byref(data), _byref(n),
                                             _byref(err))
            if rc:
                _store._raise(rc, err)
            records.append(store._decode(
                name, ctypes.string_at(data.value, n.value)))
    finally:
        _lib.qiaolian_cursor_destroy(cursor)
    return records


def mask(kind, record):
    """A masked copy of `record` (a dict), as a dict. No store involved."""
    number, _ = _store._kind(kind)
    data = json.dumps(record, ensure_ascii=False).encode("utf-8")
    out = _void_p()
    n = _size_t()
    err = _void_p()
    rc = _lib.qiaolian_mask(number, _ffi.FORMAT_JSON, data, len(data),
                            _byref(out), _byref(n), _byref(err))
    if rc:
        _store._raise(rc, err)
    return json.loads(_ffi.take(out, n.value))


def _unix(t):
    if t is None:
        return 0
    if isinstance(t, datetime.datetime):
        if t.tzinfo is None:
            t = t.replace(tzinfo=datetime.timezone.utc)
        return int(t.timestamp())
    if isinstance(t, datetime.date):
        return int(datetime.datetime(t.year, t.month, t.day,
                                     tzinfo=datetime.timezone.utc).timestamp())
    return int(t)


def audit_list(store, *, since=None, until=None, after_seq=0, limit=0):
    """Audit entries (dicts in the JSON mapping of qiaolian.v1.AuditEntry),
    oldest first: at or after `since`, before `until` (datetime, date or
    Unix seconds; None: unbounded), with seq > after_seq, at most `limit`
    (0: all)."""
    out = _void_p()
    n = _size_t()
    err = _void_p()
    rc = _lib.qiaolian_audit_list(store._db, _unix(since), _unix(until),
                                  after_seq, limit, _byref(out), _byref(n),
                                  _byref(err))
    if rc:
        _store._raise(rc, err)
    text = _ffi.take(out, n.value).decode("utf-8")
    return [json.loads(line) for line in text.splitlines() if line]


def audit_verify(store, expected_head=None):
    """Recomputes the audit log's hash chain: {"intact": bool, "entries",
    "last_seq", "head" (hex), "problems": [...]}. With expected_head (a head
    noted earlier) the log must still contain it."""
    head = (expected_head or "").encode("ascii")
    intact = _int()
    out = _void_p()
    n = _size_t()
    err = _void_p()
    rc = _lib.qiaolian_audit_verify(store._db, head or None, len(head),
                                    _byref(intact), _byref(out), _byref(n),
                                    _byref(err))
    if rc:
        _store._raise(rc, err)
    report = json.loads(_ffi.take(out, n.value))
    report["intact"] = bool(intact.value)
    return report


def erase(store, kind, id, *, force=False, actor=None, sync=None):
    """Erases record `id` for good (right to deletion): row, history, index
    entries; one audit entry; the store compacted. FailedPreconditionError
    while other records refer to it, unless force=True (then the references
    are removed from them). Returns the report dict."""
    number, _ = _store._kind(kind)
    out = _void_p()
    n = _size_t()
    err = _void_p()
    with _store._write_options(actor, sync) as options:
        rc = _lib.qiaolian_erase(store._db, options, number,
                                 _store._uint64(id, "id"), 1 if force else 0,
                                 _byref(out), _byref(n), _byref(err))
    if rc:
        _store._raise(rc, err)
    return json.loads(_ffi.take(out, n.value))
