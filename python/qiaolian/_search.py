"""Search, duplicates and merge (docs/search.md), and the text functions
behind them, over the C API's "Search and duplicates" section of c.h.

    import qiaolian
    with qiaolian.Store(path) as store:
        for hit in qiaolian.search(store, "person", "chen wei"):
            print(hit["id"], hit["score"], hit["match"], hit["reason"])
        for pair in qiaolian.duplicates(store, "person", min_score=80):
            print(pair["a"], pair["b"], pair["score"], pair["reasons"])
        qiaolian.merge(store, "person", survivor=1, merged=2)
    qiaolian.pinyin("单雄信", name=True)  # {"full": "shanxiongxin", ...}

The prototypes are declared here and added to _ffi.PROTOTYPES so that the
test comparing bindings with c.h sees them.
"""

import ctypes
import json

from . import _ffi
from . import _store
from . import errors

_lib = _ffi.lib
_int = ctypes.c_int
_size = ctypes.c_size_t
_u64 = ctypes.c_uint64
_text_t = ctypes.c_char_p
_out = ctypes.POINTER(ctypes.c_void_p)
_p = ctypes.POINTER

PROTOTYPES = {
    "qiaolian_search": (
        _int, [_ffi.DbP, _int, _text_t, _size, _u64, _int, _out, _p(_size),
               _out]),
    "qiaolian_duplicates": (
        _int, [_ffi.DbP, _int, _int, _u64, _out, _p(_size), _out]),
    "qiaolian_merge": (
        _int, [_ffi.DbP, _ffi.WriteOptionsP, _int, _u64, _u64, _out,
               _p(_size), _out]),
    "qiaolian_text_normalize": (
        _int, [_text_t, _size, _int, _out, _p(_size), _out]),
    "qiaolian_text_pinyin": (
        _int, [_text_t, _size, _int, _out, _p(_size), _out]),
}

for _name, (_restype, _argtypes) in PROTOTYPES.items():
    try:
        _fn = getattr(_lib, _name)
    except AttributeError as e:
        raise ImportError(
            f"qiaolian: {_ffi.path} has no function {_name}: the library is "
            f"older than these bindings") from e
    _fn.restype = _restype
    _fn.argtypes = _argtypes
_ffi.PROTOTYPES.update(PROTOTYPES)


def _json_call(fn, *args):
    out = ctypes.c_void_p()
    n = _size()
    err = ctypes.c_void_p()
    rc = fn(*args, ctypes.byref(out), ctypes.byref(n), ctypes.byref(err))
    if rc:
        _store._raise(rc, err)
    return _ffi.take(out, n.value).decode("utf-8")


def _db(store):
    if not isinstance(store, _store.Store):
        raise TypeError(f"store must be a qiaolian.Store, not "
                        f"{type(store).__name__}")
    return store._db


def search(store, kind, text, *, limit=20, min_score=1):
    """Hits for `text` among people or enterprises, best first: a list of
    {"id", "score", "match", "field", "text", "reason"} dicts. `match` is
    "exact", "prefix", "substring", "pinyin" or "fuzzy". With kind None,
    people and enterprises both, best first, each hit with its "kind"."""
    if kind is None:
        hits = []
        for k in ("person", "enterprise"):
            for hit in search(store, k, text, limit=limit,
                              min_score=min_score):
                hit["kind"] = k
                hits.append(hit)
        hits.sort(key=lambda hit: -hit["score"])  # Stable: people first.
        return hits[:limit]
    number, _ = _store._kind(kind)
    q = _store._text(text, "text")
    return json.loads(_json_call(_lib.qiaolian_search, _db(store), number, q,
                                 len(q), limit, min_score))


def duplicates(store, kind, *, min_score=50, limit=1000):
    """Likely duplicate pairs, best first: a list of
    {"a", "b", "score", "reasons"} dicts."""
    number, _ = _store._kind(kind)
    return json.loads(_json_call(_lib.qiaolian_duplicates, _db(store), number,
                                 min_score, limit))


def merge(store, kind, survivor, merged, *, actor=None):
    """Merges record `merged` into `survivor` in one atomic write (every
    reference moves to the survivor; histories are kept). Returns
    {"survivor", "merged", "refs_moved", "moved": [{"kind", "id"}]}."""
    number, _ = _store._kind(kind)
    with _store._write_options(actor, None) as options:
        return json.loads(_json_call(
            _lib.qiaolian_merge, _db(store), options, number,
            _store._uint64(survivor, "survivor"),
            _store._uint64(merged, "merged")))


def normalize(text, *, compact=False):
    """`text` as search compares it: NFKC, case folded, half-width,
    simplified; `compact` also drops spaces and punctuation."""
    t = _store._text(text, "text")
    return _json_call(_lib.qiaolian_text_normalize, t, len(t),
                      1 if compact else 0)


def pinyin(text, *, name=False):
    """{"full", "spaced", "initials"} of `text`; `name` reads the start as a
    surname (单 shan, 曾 zeng, 尉迟 yuchi)."""
    t = _store._text(text, "text")
    return json.loads(_json_call(_lib.qiaolian_text_pinyin, t, len(t),
                                 1 if name else 0))


__all__ = ["search", "duplicates", "merge", "normalize", "pinyin",
           "errors"]
