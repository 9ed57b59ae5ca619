"""Store, Cursor and Page: the Python face of the C API.

Lifetimes: a Store owns one qiaolian_db_t and a Cursor one qiaolian_cursor_t.
Each is released when close() is called, when a `with` block ends, or when
the Python object is collected (__del__), whichever comes first. A Cursor
keeps its Store alive. The C library keeps a closed db handle as a tombstone,
so calls on a closed Store reach the C layer and fail there with
FailedPreconditionError; a closed Cursor simply yields nothing more.

Threads: a Store may be shared by threads (ctypes releases the GIL during
each call, and the C db handle is thread-safe). A Cursor must be used by one
thread at a time.
"""

import contextlib
import ctypes
import json
import os
import tempfile
import warnings

from . import _ffi
from . import _messages
from . import errors

_lib = _ffi.lib
_byref = ctypes.byref
_void_p = ctypes.c_void_p
_size_t = ctypes.c_size_t
_u64 = ctypes.c_uint64
_string_at = ctypes.string_at

# Kind numbers (QIAOLIAN_KIND_* of c.h, qiaolian.v1.Kind) and names.
KIND_PERSON = 1
KIND_ENTERPRISE = 2
KIND_CASE = 3
KIND_DONATION = 4
KIND_EVENT = 5
KINDS = ("person", "enterprise", "case", "donation", "event")
_KIND_BY_NAME = {name: number for number, name in enumerate(KINDS, 1)}
_KIND_BY_NAME.update({f"kind_{name}": number
                      for name, number in list(_KIND_BY_NAME.items())})

_UINT64_MAX = (1 << 64) - 1

# The values import_file's choices take (an invalid one's error says so).
_IMPORT_CHOICES = {
    "mode": "skip, update or fill-empty",
    "duplicates": "warn, merge or off",
    "bulk_load": "auto, on or off",
    "date_order": "auto, ymd, dmy or mdy",
    "decimal_mark": "auto, point or comma",
}


def _raise(rc, err):
    """Raises the exception for result code `rc`, freeing errmsg `err`."""
    message = _ffi.message(err)
    name = _lib.qiaolian_code_name(rc)
    raise errors.from_code(rc, message, name.decode("ascii") if name else None)


def _kind(kind):
    """(number, name or None) of a kind given as "person", 1, "KIND_PERSON".

    Unknown names are InvalidArgumentError; unknown numbers are passed on for
    the C layer to refuse.
    """
    if isinstance(kind, str):
        number = _KIND_BY_NAME.get(kind.lower())
        if number is None:
            raise errors.InvalidArgumentError(
                f'unknown kind "{kind}"; expected one of: {", ".join(KINDS)}')
        return number, KINDS[number - 1]
    if isinstance(kind, int) and not isinstance(kind, bool):
        return kind, KINDS[kind - 1] if 1 <= kind <= len(KINDS) else None
    raise TypeError(f"kind must be a str such as 'person' or an int, "
                    f"not {type(kind).__name__}")


def _fields_json(fields):
    """The fields of add() and set() as the JSON object the C API reads."""
    if not isinstance(fields, dict):
        raise TypeError("fields must be a dict of names and values")
    return json.dumps(fields, ensure_ascii=False).encode("utf-8")


def _uint64(value, what):
    """An id or revision as int: accepts ints and decimal strings (the JSON
    mapping writes 64-bit integers as strings)."""
    if isinstance(value, str) and value.isdecimal():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise TypeError(f"{what} must be an int, not {type(value).__name__}")
    if not 0 <= value <= _UINT64_MAX:
        raise errors.InvalidArgumentError(f"{what} {value} is not a uint64")
    return value


def _text(text, what="query"):
    if not isinstance(text, str):
        raise TypeError(f"{what} must be a str, not {type(text).__name__}")
    return text.encode("utf-8")


def schema():
    """The record schema as a serialized google.protobuf.FileDescriptorSet."""
    out = _void_p()
    n = _size_t()
    err = _void_p()
    rc = _lib.qiaolian_schema(_byref(out), _byref(n), _byref(err))
    if rc:
        _raise(rc, err)
    return _ffi.take(out, n.value)


def message_class(kind):
    """The protobuf message class of records of `kind` (e.g. "enterprise"),
    built from schema() without generated code. Needs google.protobuf."""
    number, name = _kind(kind)
    if name is None:
        raise errors.InvalidArgumentError(
            f"kind {number} is not a record kind (1 person .. 5 event)")
    return _messages.classes(schema)[name]


def _query_options(allow_scan, page_size, page_token):
    """A new qiaolian_query_options_t, or None for the defaults. The caller
    destroys it."""
    if page_size is not None and (
            isinstance(page_size, bool) or not isinstance(page_size, int) or
            not 0 <= page_size <= _UINT64_MAX):
        raise errors.InvalidArgumentError(
            f"page_size must be an int >= 0 (0: every result), not "
            f"{page_size!r}")
    if not allow_scan and not page_size and not page_token:
        return None
    options = _lib.qiaolian_query_options_create()
    if not options:
        raise errors.ResourceExhaustedError("out of memory")
    try:
        if allow_scan:
            _lib.qiaolian_query_options_set_allow_scan(options, 1)
        if page_size:
            _lib.qiaolian_query_options_set_page_size(options, page_size)
        if page_token:
            token = _text(page_token, "page_token")
            if _lib.qiaolian_query_options_set_cursor(options, token,
                                                      len(token)):
                raise errors.InvalidArgumentError("cannot set page_token")
    except BaseException:
        _lib.qiaolian_query_options_destroy(options)
        raise
    return options


@contextlib.contextmanager
def _write_options(actor, sync):
    """A qiaolian_write_options_t for the `with` block (None for the
    defaults), destroyed when the block ends."""
    if actor is None and sync is None:
        yield None
        return
    options = _lib.qiaolian_write_options_create()
    if not options:
        raise errors.ResourceExhaustedError("out of memory")
    try:
        if actor is not None:
            a = _text(actor, "actor")
            if _lib.qiaolian_write_options_set_actor(options, a, len(a)):
                raise errors.InvalidArgumentError("cannot set actor")
        if sync is not None:
            _lib.qiaolian_write_options_set_sync(options, 1 if sync else 0)
        yield options
    finally:
        _lib.qiaolian_write_options_destroy(options)


def set_encryption_key(options, key):
    """Puts `key` (32 bytes) into a qiaolian_options_t."""
    if not isinstance(key, (bytes, bytearray, memoryview)):
        raise TypeError("encryption_key must be bytes (32 raw bytes)")
    key = bytes(key)
    rc = _lib.qiaolian_options_set_encryption_key(options, key, len(key))
    if rc:
        raise errors.from_code(
            rc, f"encryption_key: must be 32 bytes (AES-256), got {len(key)}",
            "INVALID_ARGUMENT")


def workbook_sheets(path):
    """The worksheets of the workbook at `path` (.xlsx, .xlsm, .xls) that are
    not hidden, in order; [] for a text file. To import each in turn:

        for sheet in qiaolian.workbook_sheets("名单.xlsx"):
            store.import_file("名单.xlsx", "person", sheet=sheet)
    """
    out = _void_p()
    n = _size_t()
    err = _void_p()
    rc = _lib.qiaolian_workbook_sheets(os.fsencode(os.fspath(path)),
                                       _byref(out), _byref(n), _byref(err))
    if rc:
        _raise(rc, err)
    return json.loads(_ffi.take(out, n.value))


@contextlib.contextmanager
def _mapping_file(mapping):
    """A mapping file (`column = field` lines, `-` to ignore) holding the
    dict `mapping`, removed afterwards."""
    if not isinstance(mapping, dict):
        raise TypeError("mapping must be a dict {column: field or None}")
    lines = []
    for column, field in mapping.items():
        field = "-" if field is None else field
        for what, text in (("column", column), ("field", field)):
            if not isinstance(text, str):
                raise TypeError(f"mapping {what} {text!r} is not a str")
            if "\n" in text or "\r" in text or (
                    what == "column" and
                    ("=" in text or text.lstrip().startswith("#"))):
                raise errors.InvalidArgumentError(
                    f"mapping {what} {text!r} cannot hold a line break" +
                    (" or '=', or start with '#'" if what == "column"
                     else ""))
        lines.append(f"{column} = {field}\n")
    fd, name = tempfile.mkstemp(prefix="qiaolian-mapping-", suffix=".txt")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.writelines(lines)
        yield name
    finally:
        os.unlink(name)


class Store:
    """An open qiaolian store (one directory).

        with qiaolian.Store("/var/lib/qiaolian/jintan") as store:
            eid = store.create("enterprise", {"name": "三久制造"})
            print(store.get("enterprise", eid)["name"])

    Records go in as a dict (sent as JSON), a str (JSON text), a protobuf
    message of the kind's type, or bytes (a serialized message). They come
    out as dicts in protobuf's JSON mapping (lowerCamelCase keys, enums by
    name, 64-bit integers such as meta.id as strings), or, with
    messages=True, as protobuf messages (needs google.protobuf).

    Options: create_if_missing (create the store when the directory is
    missing or empty), read_only, sync (default for every write: wait until
    it reaches the disk), cache_bytes (block cache, default 8 MiB),
    write_buffer_bytes (LevelDB's memtable, default 4 MiB; a larger one
    saves a little CPU on a large import, see docs/import.md), map_tables
    (default True: read table files through memory maps, the fastest reads;
    False: with pread, so that resident memory stays bounded whatever the
    store's size, as the CLI's import does; see docs/import.md),
    search_cache_bytes (memory that keeps the blocks searches read, so that
    later searches read them with no system call; default 32 MiB, 0: none;
    see docs/search.md), warm_up_in_background (default True: take the
    search cache's memory and open the store's table files on a thread of
    its own right after opening it, so that the first searches and gets do
    not pay for either; False for a script that opens a store for one short
    job; see docs/search.md), warm_up_search_bytes (how much of the search
    indexes' tables the warm-up then maps into memory, so that the first
    searches read them in place; default 512 MiB, 0: none; see
    docs/search.md),
    encryption_key (32 bytes: encryption at rest of sensitive fields, see
    docs/privacy.md; a store created with a key must always be opened with
    it: FailedPreconditionError without, PermissionDeniedError with another;
    InvalidArgumentError for a key that is not 32 bytes).

    Errors are qiaolian.Error subclasses (NotFoundError, ConflictError, ...).
    """

    def __init__(self, path, *, create_if_missing=True, read_only=False,
                 sync=False, cache_bytes=None, write_buffer_bytes=None,
                 messages=False, encryption_key=None, map_tables=True,
                 search_cache_bytes=None, warm_up_in_background=True,
                 warm_up_search_bytes=None):
        self._lib = _lib  # Kept for __del__ at interpreter shutdown.
        self._db = None
        self._closed = True
        self.path = os.fspath(path)
        if messages:
            _messages.classes(schema)  # ImportError now rather than later.
        self.messages = bool(messages)
        options = _lib.qiaolian_options_create()
        if not options:
            raise errors.ResourceExhaustedError("out of memory")
        try:
            _lib.qiaolian_options_set_create_if_missing(
                options, 1 if create_if_missing else 0)
            _lib.qiaolian_options_set_read_only(options, 1 if read_only else 0)
            _lib.qiaolian_options_set_sync(options, 1 if sync else 0)
            if cache_bytes is not None:
                _lib.qiaolian_options_set_cache_bytes(
                    options, _uint64(cache_bytes, "cache_bytes"))
            if write_buffer_bytes is not None:
                _lib.qiaolian_options_set_write_buffer_bytes(
                    options, _uint64(write_buffer_bytes, "write_buffer_bytes"))
            _lib.qiaolian_options_set_map_tables(options,
                                                 1 if map_tables else 0)
            if search_cache_bytes is not None:
                _lib.qiaolian_options_set_search_cache_bytes(
                    options, _uint64(search_cache_bytes, "search_cache_bytes"))
            _lib.qiaolian_options_set_warm_up_in_background(
                options, 1 if warm_up_in_background else 0)
            if warm_up_search_bytes is not None:
                _lib.qiaolian_options_set_warm_up_search_bytes(
                    options,
                    _uint64(warm_up_search_bytes, "warm_up_search_bytes"))
            if encryption_key is not None:
                set_encryption_key(options, encryption_key)
            db = _ffi.DbP()
            err = _void_p()
            rc = _lib.qiaolian_open(os.fsencode(self.path), options,
                                    _byref(db), _byref(err))
            if rc:
                _raise(rc, err)
        finally:
            _lib.qiaolian_options_destroy(options)
        self._db = db
        self._closed = False

    @classmethod
    def open(cls, path, create_if_missing=True, read_only=False, sync=False,
             **kwargs):
        """Same as Store(path, ...)."""
        return cls(path, create_if_missing=create_if_missing,
                   read_only=read_only, sync=sync, **kwargs)

    # --- Lifetime.

    def close(self):
        """Closes the store and releases its lock. Idempotent. Later calls
        fail with FailedPreconditionError (from the C layer)."""
        if self._db is not None and not self._closed:
            self._closed = True
            self._lib.qiaolian_close(self._db)

    @property
    def closed(self):
        return self._closed

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:  # Interpreter shutdown: nothing left to do.
            pass

    def __repr__(self):
        state = "closed" if self._closed else "open"
        return f"<qiaolian.Store {self.path!r} {state}>"

    # --- Records.

    def _encode(self, name, record):
        """(bytes, format) for a record given as dict, str, message or
        bytes."""
        if isinstance(record, dict):
            return (json.dumps(record, ensure_ascii=False,
                               separators=(",", ":")).encode("utf-8"),
                    _ffi.FORMAT_JSON)
        if isinstance(record, str):
            return record.encode("utf-8"), _ffi.FORMAT_JSON
        if isinstance(record, (bytes, bytearray, memoryview)):
            return bytes(record), _ffi.FORMAT_PROTO
        if _messages.is_message(record):
            full_name = record.DESCRIPTOR.full_name
            expected = _messages.FULL_NAMES.get(name)
            if expected is not None and full_name != expected:
                raise errors.InvalidArgumentError(
                    f"a {full_name} is not a {name} record ({expected})")
            return record.SerializeToString(), _ffi.FORMAT_PROTO
        raise TypeError(
            f"record must be a dict, a JSON str, a protobuf message or bytes, "
            f"not {type(record).__name__}")

    def _decode(self, name, data):
        if self.messages:
            return _messages.classes(schema)[name].FromString(data)
        return json.loads(data)

    @property
    def _format(self):
        return _ffi.FORMAT_PROTO if self.messages else _ffi.FORMAT_JSON

    def create(self, kind, record, *, actor=None, sync=None):
        """Validates and creates a record (meta unset); returns its new id.

        actor: who makes the change (kept in meta and history). sync: True
        or False to override the store's default for this write.
        InvalidArgumentError names a bad field, FailedPreconditionError a
        dangling reference, AlreadyExistsError a taken unique value.
        """
        number, name = _kind(kind)
        data, fmt = self._encode(name, record)
        new_id = _u64()
        err = _void_p()
        with _write_options(actor, sync) as options:
            rc = _lib.qiaolian_create(self._db, options, number, fmt, data,
                                      len(data), _byref(new_id), _byref(err))
        if rc:
            _raise(rc, err)
        return new_id.value

    def add(self, kind, fields, *, actor=None, sync=None):
        """Creates one record from a dict of fields named and written as a
        file's columns and cells are read on import (docs/import.md);
        returns its new id. For example a visit:

            store.add("event", {"活动类型": "走访企业", "日期": "2020-05-06",
                                "participants.ref": "enterprise:三久制造"})

        Names are headers (活动类型, 企业名称, 姓名) or field paths; values
        are text as a cell holds it (dates, capital, codes, labels such as
        走访企业 are normalised; references may name their record); numbers
        and booleans are taken as their text. Values taken with a doubt are
        reported with warnings.warn. InvalidArgumentError names a field that
        maps to nothing, a value that cannot be read, or a reference by a
        name that no record, or several, have.
        """
        number, _ = _kind(kind)
        data = _fields_json(fields)
        new_id = _u64()
        out = _void_p()
        n = _size_t()
        err = _void_p()
        with _write_options(actor, sync) as options:
            rc = _lib.qiaolian_add(self._db, options, number, data, len(data),
                                   _byref(new_id), _byref(out), _byref(n),
                                   _byref(err))
        if rc:
            _raise(rc, err)
        for w in json.loads(_ffi.take(out, n.value)):
            warnings.warn(w, stacklevel=2)
        return new_id.value

    def set(self, kind, id, fields, *, actor=None, sync=None):
        """Changes the fields of record `id` that the dict `fields` names
        (read as add() reads them), as import_file(mode="update") would:
        each field given replaces the record's, the others stay. Returns
        the record's revision afterwards (the same one when nothing
        changed, and nothing is written). NotFoundError without the record;
        InvalidArgumentError names the field."""
        number, _ = _kind(kind)
        data = _fields_json(fields)
        revision = _u64()
        err = _void_p()
        with _write_options(actor, sync) as options:
            rc = _lib.qiaolian_set(self._db, options, number,
                                   _uint64(id, "id"), data, len(data),
                                   _byref(revision), _byref(err))
        if rc:
            _raise(rc, err)
        return revision.value

    def get(self, kind, id):
        """Record `id` of `kind` (a dict, or a message with messages=True).
        NotFoundError when there is none."""
        number, name = _kind(kind)
        out = _void_p()
        n = _size_t()
        err = _void_p()
        rc = _lib.qiaolian_get(self._db, number, _uint64(id, "id"),
                               self._format, _byref(out), _byref(n),
                               _byref(err))
        if rc:
            _raise(rc, err)
        return self._decode(name, _ffi.take(out, n.value))

    def update(self, kind, record, *, actor=None, sync=None):
        """Replaces record meta.id with `record`, whose meta.revision must be
        the revision it was read at (else ConflictError, nothing written).
        Returns the new revision."""
        number, name = _kind(kind)
        data, fmt = self._encode(name, record)
        revision = _u64()
        err = _void_p()
        with _write_options(actor, sync) as options:
            rc = _lib.qiaolian_update(self._db, options, number, fmt, data,
                                      len(data), _byref(revision),
                                      _byref(err))
        if rc:
            _raise(rc, err)
        return revision.value

    def delete(self, kind, id, expected_revision=0, *, actor=None, sync=None):
        """Deletes record `id`. With expected_revision != 0 it must match
        (else ConflictError). FailedPreconditionError when another record
        refers to it."""
        number, _ = _kind(kind)
        err = _void_p()
        with _write_options(actor, sync) as options:
            rc = _lib.qiaolian_delete(
                self._db, options, number, _uint64(id, "id"),
                _uint64(expected_revision, "expected_revision"), _byref(err))
        if rc:
            _raise(rc, err)

    def count(self, kind):
        """Number of records of `kind`."""
        number, _ = _kind(kind)
        n = _u64()
        err = _void_p()
        rc = _lib.qiaolian_count(self._db, number, _byref(n), _byref(err))
        if rc:
            _raise(rc, err)
        return n.value

    # --- Queries (docs/queries.md).

    def query(self, text, *, allow_scan=False, page_size=None,
              page_token=None):
        """Runs a row query; returns a Cursor, an iterator of records.

            for e in store.query("enterprise where type = ASSOCIATION"):
                print(e["name"])

        Without page_size the cursor yields every result. With page_size it
        yields one page, and after it is exhausted cursor.next_page_token is
        the token of the next page (None when there is none); pass it back
        as page_token. query_page() does both in one call.
        """
        return Cursor(self, text, allow_scan, page_size, page_token)

    def query_page(self, text, page_size, page_token=None, *,
                   allow_scan=False):
        """One page of a row query: a Page (a list of records with
        .next_page_token, None after the last page)."""
        if not page_size:
            raise errors.InvalidArgumentError(
                f"page_size must be a positive int, not {page_size!r}")
        with self.query(text, allow_scan=allow_scan, page_size=page_size,
                        page_token=page_token) as cursor:
            records = list(cursor)
            return Page(records, cursor.next_page_token)

    def _text_call(self, fn, text, allow_scan):
        q = _text(text)
        options = _query_options(allow_scan, None, None)
        out = _void_p()
        n = _size_t()
        err = _void_p()
        try:
            rc = fn(self._db, q, len(q), options, _byref(out), _byref(n),
                    _byref(err))
        finally:
            if options is not None:
                _lib.qiaolian_query_options_destroy(options)
        if rc:
            _raise(rc, err)
        return _ffi.take(out, n.value)

    def aggregate(self, text, *, allow_scan=False):
        """Runs `KIND ... [group by ...] [compute ...]`; returns the parsed
        JSON {"columns": [...], "groups": [{"key", "values", "ids"}]}."""
        return json.loads(
            self._text_call(_lib.qiaolian_aggregate, text, allow_scan))

    def explain(self, text, *, allow_scan=False):
        """How the query would run, as text."""
        return self._text_call(_lib.qiaolian_explain, text,
                               allow_scan).decode("utf-8")

    # --- Import (docs/import.md).

    def import_file(self, path, kind="enterprise", *, format=None,
                    encoding="auto", mode="skip", dry_run=False,
                    lenient=False, reject_file=None, mapping_file=None,
                    actor=None, batch_rows=None, progress=None,
                    progress_every=None, duplicates="warn",
                    duplicate_min_score=None, bulk_load="auto",
                    trust_ids=False, header_row=None, sheet=None,
                    mapping=None, date_order="auto", decimal_mark="auto",
                    values=None):
        """Imports a CSV, TSV, JSON Lines, .xlsx or .xls file (an export of
        this store too: rows find their records by id); returns the summary
        dict
        {"file", "encoding", "dry_run", "sheet", "sheets", "delimiter",
        "header_line", "header_rows",
        "rows_above_header",
        "above_header", "rows", "blank_rows", "created", "updated",
        "unchanged", "duplicates", "rejected", "flagged",
        "rejected_by_reason", "mapped_columns", "ignored_columns",
        "suggested_columns", "warned",
        "warnings_by_reason", "warning_rows", "merged", "likely_duplicates",
        "duplicate_rows", "bulk_load", "deferred_index_entries",
        "index_build_seconds", "compact_seconds"}; each of duplicate_rows is {"line", "id",
        "other_line", "score", "reasons", "merged"}, each of warning_rows (the
        first 1,000) {"line", "warning"}.

        format: "csv", "tsv", "jsonl", "xlsx" or "xls" (None: from the
        extension).
        encoding: "auto", "utf-8", "gb18030", "big5", "utf-16le",
        "utf-16be" or "windows-1252" ("latin1": Western European text,
        never detected by "auto").
        mode: what to do with rows matching an existing record, "skip",
        "update" or "fill-empty".
        dry_run: count, write nothing (the reject file is written). lenient:
        accept USCCs whose check character fails, flagged. reject_file:
        where rejected rows are written as CSV. mapping_file: `column =
        field.path` lines overriding the header aliases; mapping: the same
        as a dict {column: field path, or None to ignore the column}, e.g.
        {"公司": "name", "备注2": None}. batch_rows: records
        per all-or-nothing batch (default 1000). trust_ids: the file's ids
        (an export's id column, JSON Lines meta.id) are this store's, so a
        row with an id updates that record even when nothing else in it
        agrees (a rename in an id,name sheet); otherwise such an id is
        ignored with a warning. header_row: the line (worksheet row) of the
        header; the rows above it are listed in "above_header", not
        imported (None: the first row, or, when none of its columns maps
        to a field, the first of the first 10 rows in which two do, so a
        title above the header is skipped). sheet: the worksheet of a
        workbook to read, by name or number (1-based); None: the first that
        is not hidden.

        duplicates: for people and enterprises matching no record by
        natural key but looking like one stored or earlier in the file
        (same name and birth date, same phone, 陳偉明 / Chen Weiming, same
        enterprise name...): "warn" (created and listed in duplicate_rows),
        "merge" (merged into it instead, counted in "merged") or "off".
        duplicate_min_score: the score (1..100) from which a candidate
        counts (None: 60 to warn, 90 to merge).

        bulk_load: "auto" (into a store without records of the kind, or
        from a file of 64 MiB or more), "on" or "off": whether most index
        entries are sorted on the side and written at the end, which is
        faster for large files (docs/import.md, "Bulk load").

        date_order: how dates written with the day and month before the
        year (07/05/2008) are read: "auto" (day first in a file separated
        by ";", else such a date is rejected as ambiguous), "ymd"
        (rejected), "dmy" (day first: Europe, Hong Kong, Singapore,
        Malaysia...) or "mdy" (month first, as Excel writes them in the
        United States). Not for JSON Lines.
        decimal_mark: the decimal mark of a CSV or TSV file's numbers:
        "auto" (a comma in a file separated by ";", else a point), "point"
        or "comma" (1.234,5 is 1234.5).

        values: a dict {field: value} of values for every row that gives
        none, e.g. {"type": "信访", "channel": "来访"} for a register of
        visits without those columns: the field named as a column header
        may name it, the value written as a cell.

        progress: a callable(rows, bytes, total_bytes), called on this
        thread every `progress_every` rows (default 10000) and at the end.
        It must not use this Store. If it raises, it is not called again,
        the import runs to its end (what it wrote stays written) and the
        exception is then raised from import_file().

        Per-row problems are counted, not raised; errors (unreadable file,
        unknown encoding, no mappable column, ...) raise qiaolian.Error.
        """
        number, _ = _kind(kind)
        if mapping is not None:
            if mapping_file is not None:
                raise errors.InvalidArgumentError(
                    "give mapping or mapping_file, not both")
            with _mapping_file(mapping) as written:
                return self.import_file(
                    path, kind, format=format, encoding=encoding, mode=mode,
                    dry_run=dry_run, lenient=lenient, reject_file=reject_file,
                    mapping_file=written, actor=actor, batch_rows=batch_rows,
                    progress=progress, progress_every=progress_every,
                    duplicates=duplicates,
                    duplicate_min_score=duplicate_min_score,
                    bulk_load=bulk_load, trust_ids=trust_ids,
                    header_row=header_row, sheet=sheet,
                    date_order=date_order, decimal_mark=decimal_mark,
                    values=values)
        options = _lib.qiaolian_import_options_create()
        if not options:
            raise errors.ResourceExhaustedError("out of memory")
        failure = []
        callback = None
        try:
            _lib.qiaolian_import_options_set_kind(options, number)

            def set_text(setter, value, what):
                if value is None:
                    return
                data = (os.fsencode(value) if what.endswith("_file")
                        else _text(value, what))
                if setter(options, data, len(data)):
                    expected = _IMPORT_CHOICES.get(what)
                    raise errors.InvalidArgumentError(
                        f"invalid {what} {value!r}" +
                        (f"; expected {expected}" if expected else ""))

            set_text(_lib.qiaolian_import_options_set_format, format,
                     "format")
            set_text(_lib.qiaolian_import_options_set_encoding, encoding,
                     "encoding")
            set_text(_lib.qiaolian_import_options_set_mode, mode, "mode")
            set_text(_lib.qiaolian_import_options_set_duplicates, duplicates,
                     "duplicates")
            set_text(_lib.qiaolian_import_options_set_bulk_load, bulk_load,
                     "bulk_load")
            set_text(_lib.qiaolian_import_options_set_date_order, date_order,
                     "date_order")
            set_text(_lib.qiaolian_import_options_set_decimal_mark,
                     decimal_mark, "decimal_mark")
            for field, value in (values or {}).items():
                f = _text(field, "values field")
                v = _text(str(value), "values value")
                _lib.qiaolian_import_options_add_value(options, f, len(f), v,
                                                       len(v))
            if duplicate_min_score is not None:
                if (isinstance(duplicate_min_score, bool) or
                        not isinstance(duplicate_min_score, int) or
                        not 1 <= duplicate_min_score <= 100):
                    raise errors.InvalidArgumentError(
                        f"invalid duplicate_min_score {duplicate_min_score!r}"
                        "; expected an integer 1..100")
                _lib.qiaolian_import_options_set_duplicate_min_score(
                    options, duplicate_min_score)
            set_text(_lib.qiaolian_import_options_set_reject_file,
                     None if reject_file is None else os.fspath(reject_file),
                     "reject_file")
            set_text(_lib.qiaolian_import_options_set_mapping_file,
                     None if mapping_file is None
                     else os.fspath(mapping_file), "mapping_file")
            set_text(_lib.qiaolian_import_options_set_actor, actor, "actor")
            if sheet is not None:
                set_text(_lib.qiaolian_import_options_set_sheet, str(sheet),
                         "sheet")
            _lib.qiaolian_import_options_set_dry_run(options,
                                                     1 if dry_run else 0)
            _lib.qiaolian_import_options_set_lenient(options,
                                                     1 if lenient else 0)
            _lib.qiaolian_import_options_set_trust_ids(options,
                                                       1 if trust_ids else 0)
            if header_row is not None:
                _lib.qiaolian_import_options_set_header_row(
                    options, _uint64(header_row, "header_row"))
            if batch_rows is not None:
                _lib.qiaolian_import_options_set_batch_rows(
                    options, _uint64(batch_rows, "batch_rows"))
            if progress is not None:
                if not callable(progress):
                    raise TypeError("progress must be callable")

                def trampoline(_user_data, rows, nbytes, total_bytes):
                    # Nothing may propagate into C: remember, raise later.
                    if failure:
                        return
                    try:
                        progress(rows, nbytes, total_bytes)
                    except BaseException as e:  # noqa: B036
                        failure.append(e)

                callback = _ffi.ProgressFn(trampoline)  # Alive until return.
                _lib.qiaolian_import_options_set_progress(
                    options, callback, None,
                    _uint64(progress_every or 0, "progress_every"))
            out = _void_p()
            n = _size_t()
            err = _void_p()
            rc = _lib.qiaolian_import(self._db, os.fsencode(os.fspath(path)),
                                      options, _byref(out), _byref(n),
                                      _byref(err))
        finally:
            _lib.qiaolian_import_options_destroy(options)
        if rc:
            if failure:
                _ffi.message(err)  # Free it; the callback's error wins.
                raise failure[0]
            _raise(rc, err)
        summary = json.loads(_ffi.take(out, n.value))
        del callback
        if failure:
            raise failure[0]
        return summary

    # --- Maintenance.

    def verify(self):
        """Checks rows against index entries both ways. Returns the report
        {"consistent": bool, "rows": N, "index_entries": N,
        "unique_entries": N, "problems": [...]}."""
        consistent = ctypes.c_int()
        out = _void_p()
        n = _size_t()
        err = _void_p()
        rc = _lib.qiaolian_verify(self._db, _byref(consistent), _byref(out),
                                  _byref(n), _byref(err))
        if rc:
            _raise(rc, err)
        report = json.loads(_ffi.take(out, n.value))
        report["consistent"] = bool(consistent.value)
        return report

    def reindex(self):
        """Drops and rebuilds every index."""
        err = _void_p()
        rc = _lib.qiaolian_reindex(self._db, _byref(err))
        if rc:
            _raise(rc, err)

    def compact(self):
        """Full compaction: packs the search n-gram entries written one
        record at a time, drops deleted data, makes reads fastest.

        Returns {"bytes_before": N, "bytes_after": N}, the store directory's
        size before and after.
        """
        err = _void_p()
        before, after = ctypes.c_uint64(), ctypes.c_uint64()
        rc = _lib.qiaolian_compact(self._db, _byref(before), _byref(after),
                                   _byref(err))
        if rc:
            _raise(rc, err)
        return {"bytes_before": before.value, "bytes_after": after.value}

    def schema(self):
        """Same as qiaolian.schema()."""
        return schema()

    def message_class(self, kind):
        """Same as qiaolian.message_class(kind)."""
        return message_class(kind)


class Cursor:
    """The records of one query, in order; see Store.query().

    An iterator and a context manager. The C cursor is destroyed when the
    results are exhausted, on close(), at the end of a `with` block, on an
    error, or when the object is collected. Use from one thread at a time.
    """

    def __init__(self, store, text, allow_scan, page_size, page_token):
        self._lib = _lib
        self._cursor = None
        self._store = store  # Keeps the db handle alive.
        self._paged = bool(page_size)
        self.next_page_token = None
        q = _text(text)
        if store.messages:
            # A query starts with its kind (docs/queries.md); if it does not,
            # qiaolian_query below refuses it.
            words = text.split(None, 1)
            first = words[0].lower() if words else ""
            self._class = (_messages.classes(schema)[first]
                           if first in KINDS else None)
            self._format = _ffi.FORMAT_PROTO
        else:
            self._class = None
            self._format = _ffi.FORMAT_JSON
        options = _query_options(allow_scan, page_size, page_token)
        cursor = _ffi.CursorP()
        err = _void_p()
        try:
            rc = _lib.qiaolian_query(store._db, q, len(q), options,
                                     self._format, _byref(cursor),
                                     _byref(err))
        finally:
            if options is not None:
                _lib.qiaolian_query_options_destroy(options)
        if rc:
            _raise(rc, err)
        self._cursor = cursor

    def __iter__(self):
        return self

    def __next__(self):
        cursor = self._cursor
        if cursor is None:
            raise StopIteration
        err = _void_p()
        rc = _lib.qiaolian_cursor_next(cursor, _byref(err))
        if rc == _ffi.ROW:
            data = _void_p()
            n = _size_t()
            rc = _lib.qiaolian_cursor_record(cursor, _byref(data), _byref(n),
                                             _byref(err))
            if rc:
                self.close()
                _raise(rc, err)
            raw = _string_at(data.value, n.value)  # Borrowed: copy now.
            if self._class is not None:
                return self._class.FromString(raw)
            return json.loads(raw)
        if rc == _ffi.DONE:
            if self._paged:
                token = ctypes.c_void_p()
                n = _size_t()
                rc = _lib.qiaolian_cursor_page_token(
                    cursor, _byref(token), _byref(n), _byref(err))
                if rc:
                    self.close()
                    _raise(rc, err)
                if n.value:
                    self.next_page_token = _string_at(
                        token.value, n.value).decode("ascii")
            self.close()
            raise StopIteration
        self.close()
        _raise(rc, err)

    def close(self):
        """Destroys the C cursor. Idempotent."""
        cursor, self._cursor = self._cursor, None
        if cursor is not None:
            self._lib.qiaolian_cursor_destroy(cursor)

    @property
    def closed(self):
        return self._cursor is None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:  # Interpreter shutdown: nothing left to do.
            pass


class Page(list):
    """One page of query results: a list of records, plus next_page_token
    (a str to pass back as page_token, or None after the last page)."""

    def __init__(self, records, next_page_token):
        super().__init__(records)
        self.next_page_token = next_page_token

    def __repr__(self):
        return (f"Page({list.__repr__(self)}, "
                f"next_page_token={self.next_page_token!r})")
