"""Donation totals, event counts, relations and the timeline (docs/records.md).

    import qiaolian
    with qiaolian.Store("/tmp/jintan") as store:
        t = qiaolian.donation_totals(store, by="purpose",
                                     start="2020-01-01", end="2020-12-31")
        for g in t["groups"]:
            print(g["key"], g["money"], g["quantities"], g["ids"])
        qiaolian.event_counts(store, by="outlet", types=["media_report"])
        qiaolian.relations(store, "person", 1)
        qiaolian.timeline(store, "enterprise", 8, limit=20)

Each function returns the parsed JSON of the C API (qiaolian_donation_totals
and friends in c.h): dicts and lists, money in integer minor units per
currency, and the ids of the records behind every figure. Errors are the
package's exceptions (InvalidArgumentError for a bad option or rate table,
FailedPreconditionError for a rate table that lacks a needed currency or
date, NotFoundError for a missing record).
"""

import ctypes
import json

from . import _ffi
from ._store import _kind, _raise, _uint64

_int = ctypes.c_int
_size = ctypes.c_size_t
_u64 = ctypes.c_uint64
_text = ctypes.c_char_p
_out = ctypes.POINTER(ctypes.c_void_p)
_p = ctypes.POINTER

# name -> (restype, argtypes), in the order of c.h.
PROTOTYPES = {
    "qiaolian_donation_totals": (
        _int, [_ffi.DbP, _text, _size, _out, _p(_size), _out]),
    "qiaolian_event_counts": (
        _int, [_ffi.DbP, _text, _size, _out, _p(_size), _out]),
    "qiaolian_relations": (
        _int, [_ffi.DbP, _int, _u64, _out, _p(_size), _out]),
    "qiaolian_timeline": (
        _int, [_ffi.DbP, _int, _u64, _u64, _text, _size, _out, _p(_size),
               _out]),
}

for _name, (_restype, _argtypes) in PROTOTYPES.items():
    try:
        _fn = getattr(_ffi.lib, _name)
    except AttributeError as e:
        raise ImportError(
            f"qiaolian: {_ffi.path} has no function {_name}: the library is "
            f"older than these bindings") from e
    _fn.restype = _restype
    _fn.argtypes = _argtypes
_ffi.PROTOTYPES.update(PROTOTYPES)
_lib = _ffi.lib


def _call(fn, *args):
    out = ctypes.c_void_p()
    n = ctypes.c_size_t()
    err = ctypes.c_void_p()
    rc = fn(*args, ctypes.byref(out), ctypes.byref(n), ctypes.byref(err))
    if rc:
        _raise(rc, err)
    return json.loads(_ffi.take(out, n.value).decode("utf-8"))


def _request(fn, store, request):
    body = json.dumps({k: v for k, v in request.items() if v is not None},
                      ensure_ascii=False).encode("utf-8")
    return _call(fn, store._db, body, len(body))


def _date(value, what):
    if value is None:
        return None
    if hasattr(value, "isoformat"):  # datetime.date
        return value.isoformat()[:10]
    if isinstance(value, str):
        return value
    raise TypeError(f"{what} must be a 'YYYY-MM-DD' str or a date, "
                    f"not {type(value).__name__}")


def donation_totals(store, by=None, *, start=None, end=None, direction=None,
                    rates=None, rates_file=None):
    """Donation totals: {"base_currency", "all", "groups": [{"key",
    "donations", "money", "quantities", "goods_value", "items_without_value",
    ["money_converted", "goods_value_converted", "total_converted",] "ids"}]}.

    by: "purpose", "donor", "recipient", "campaign" or None (one group).
    start, end: donation dates, inclusive ("2020-01-01" or datetime.date).
    direction: "inbound" or "outbound". rates (the text) or rates_file (a
    path) of a rate table, CSV `currency,base,from,to,rate`: amounts are then
    also converted into its base currency; without one, money stays per
    currency.
    """
    if rates is not None and rates_file is not None:
        raise TypeError("give rates or rates_file, not both")
    if rates_file is not None:
        with open(rates_file, encoding="utf-8-sig") as f:
            rates = f.read()
    return _request(_lib.qiaolian_donation_totals, store, {
        "by": by, "from": _date(start, "start"), "to": _date(end, "end"),
        "direction": direction, "rates": rates})


def event_counts(store, by=None, *, start=None, end=None, types=None,
                 outlet=None, channel=None):
    """Event counts weighted by Event.count (0 counts 1): {"all", "groups":
    [{"key", "records", "count", "clicks", "max_clicks", "max_clicks_id",
    "with_clicks", "attendees", "distinct_participants", "money",
    "gift_quantities", "gift_value", "ids", "case_ids", "donation_ids"}]}.

    by: "kind", "outlet", "channel", "month" or None. types: event types
    such as ["media_report", "phone_call"]. outlet: e.g. "江苏卫视".
    channel: e.g. "tv", "wechat_account".
    """
    if isinstance(types, str):
        types = [types]
    return _request(_lib.qiaolian_event_counts, store, {
        "by": by, "from": _date(start, "start"), "to": _date(end, "end"),
        "types": list(types) if types is not None else None,
        "outlet": outlet, "channel": channel})


def relations(store, kind, id):
    """The relations of a person or an enterprise, both ways: a list of
    {"type", "detail", "direction" ("outgoing": the record is <type> of
    other; "incoming": other is <type> of the record), "other" ("person:2"
    or None when unregistered), "other_name", "source", "field", ...}."""
    number, _ = _kind(kind)
    return _call(_lib.qiaolian_relations, store._db, number,
                 _uint64(id, "id"))


def timeline(store, kind, id, *, limit=50, cursor=None):
    """One page of everything that touched a person or an enterprise, newest
    first: {"entries": [{"what", "record", "role", "date", "title", ...}],
    "next_cursor"}; pass next_cursor back as `cursor` for the next page (it
    is "" after the last)."""
    number, _ = _kind(kind)
    c = (cursor or "").encode("utf-8")
    return _call(_lib.qiaolian_timeline, store._db, number, _uint64(id, "id"),
                 _uint64(limit, "limit"), c if c else None, len(c))


def iter_timeline(store, kind, id, *, page_size=100):
    """Every timeline entry, newest first, fetched page by page."""
    cursor = None
    while True:
        page = timeline(store, kind, id, limit=page_size, cursor=cursor)
        yield from page["entries"]
        cursor = page["next_cursor"]
        if not cursor:
            return
