"""Working days and the case workflow (docs/calendar.md, docs/cases.md).

    import qiaolian

    qiaolian.add_working_days("2020-09-30", 2)        # date(2020, 10, 10)
    with qiaolian.Store("/tmp/jintan") as store:
        cid = qiaolian.register_case(store, {
            "channel": "CHANNEL_ONLINE", "type": "TYPE_CONSULTATION",
            "received": {"year": 2020, "month": 9, "day": 30}})
        qiaolian.transition(store, cid, "ACCEPTED", note="受理",
                            at="2020-09-30", actor="王主任")
        qiaolian.overdue_cases(store, "2020-10-12")["cases"]
        qiaolian.case_rates(store, "2020-01-01", "2020-12-31")["closure"]

Dates are datetime.date or "YYYY-MM-DD" text. A calendar is the text of
local statements (closures, extra working days, further years) in the
grammar of data/calendar/cn-holidays.txt, applied over the official PRC
calendar; "" for the official one alone. Outside its years (2019..2026)
calls raise OutOfRangeError unless weekends_only=True.

This module declares its own ctypes prototypes and adds them to
_ffi.PROTOTYPES (so the header check covers them).
"""

import ctypes
import datetime
import json

from . import _ffi
from . import errors
from ._store import _raise, _text, _uint64, _write_options

_lib = _ffi.lib
_byref = ctypes.byref
_void_p = ctypes.c_void_p
_int = ctypes.c_int
_size = ctypes.c_size_t
_u64 = ctypes.c_uint64
_i64 = ctypes.c_int64
_txt = ctypes.c_char_p
_out = ctypes.POINTER(ctypes.c_void_p)
_p = ctypes.POINTER

PROTOTYPES = {
    "qiaolian_calendar_is_working_day": (
        _int, [_txt, _size, _txt, _size, _int, _p(_int), _out]),
    "qiaolian_calendar_add_working_days": (
        _int, [_txt, _size, _txt, _size, _u64, _int, _out, _p(_size), _out]),
    "qiaolian_calendar_working_days_between": (
        _int, [_txt, _size, _txt, _size, _txt, _size, _int, _p(_i64), _out]),
    "qiaolian_case_register": (
        _int, [_ffi.DbP, _ffi.WriteOptionsP, _int, _txt, _size, _txt, _size,
               _txt, _size, _int, _p(_u64), _out]),
    "qiaolian_case_transition": (
        _int, [_ffi.DbP, _ffi.WriteOptionsP, _u64, _int, _txt, _size, _txt,
               _size, _txt, _size, _int, _u64, _p(_u64), _out]),
    "qiaolian_case_reply": (
        _int, [_ffi.DbP, _ffi.WriteOptionsP, _u64, _txt, _size, _txt, _size,
               _u64, _p(_u64), _out]),
    "qiaolian_case_overdue": (
        _int, [_ffi.DbP, _txt, _size, _out, _p(_size), _out]),
    "qiaolian_case_rates": (
        _int, [_ffi.DbP, _txt, _size, _txt, _size, _txt, _size, _txt, _size,
               _out, _p(_size), _out]),
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

# Case.Status and Case.Outcome (proto/qiaolian/v1/case.proto).
STATUSES = {"RECEIVED": 1, "IN_PROGRESS": 2, "REFERRED": 3, "CLOSED": 4,
            "WITHDRAWN": 5, "REJECTED": 6, "ACCEPTED": 7, "RESOLVED": 8}
OUTCOMES = {"RESOLVED": 1, "PARTLY_RESOLVED": 2, "NOT_RESOLVED": 3,
            "ANSWERED": 4, "REFERRED_TO_COURT": 5, "OTHER": 6}


def _enum(value, table, prefix, what):
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        key = value.upper()
        if key.startswith(prefix):
            key = key[len(prefix):]
        if key in table:
            return table[key]
    raise errors.InvalidArgumentError(
        f"unknown {what} {value!r}; expected one of: {', '.join(table)}")


def _day(value, what):
    """A date as "YYYY-MM-DD" bytes; None -> b""."""
    if value is None:
        return b""
    if isinstance(value, datetime.datetime):
        raise TypeError(f"{what} must be a date, not a datetime")
    if isinstance(value, datetime.date):
        return value.isoformat().encode("ascii")
    return _text(value, what)


def _when(value):
    """`at`: None (now), a date, an aware datetime or text."""
    if isinstance(value, datetime.datetime):
        if value.tzinfo is None:
            raise errors.InvalidArgumentError(
                "at: a datetime needs a time zone (e.g. "
                "datetime.timezone(datetime.timedelta(hours=8)))")
        return value.isoformat().encode("ascii")
    return _day(value, "at")


def _date(text):
    return datetime.date.fromisoformat(text)


def _calendar(calendar):
    return _text(calendar, "calendar")


def is_working_day(date, *, calendar="", weekends_only=False):
    """True if `date` is an official working day (调休 make-up days
    included, holidays and local closures excluded)."""
    cal, d = _calendar(calendar), _day(date, "date")
    out = _int()
    err = _void_p()
    rc = _lib.qiaolian_calendar_is_working_day(
        cal, len(cal), d, len(d), 1 if weekends_only else 0, _byref(out),
        _byref(err))
    if rc:
        _raise(rc, err)
    return out.value == 1


def add_working_days(date, n, *, calendar="", weekends_only=False):
    """The n-th working day after `date` (which is not counted), as a
    datetime.date: add_working_days("2020-09-30", 2) == date(2020, 10, 10)."""
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise errors.InvalidArgumentError(f"n must be an int >= 0, not {n!r}")
    cal, d = _calendar(calendar), _day(date, "date")
    out = _void_p()
    length = _size()
    err = _void_p()
    rc = _lib.qiaolian_calendar_add_working_days(
        cal, len(cal), d, len(d), n, 1 if weekends_only else 0, _byref(out),
        _byref(length), _byref(err))
    if rc:
        _raise(rc, err)
    return _date(_ffi.take(out, length.value).decode("ascii"))


def working_days_between(start, end, *, calendar="", weekends_only=False):
    """The number of working days in (start, end]; negative if end < start."""
    cal = _calendar(calendar)
    a, b = _day(start, "start"), _day(end, "end")
    out = _i64()
    err = _void_p()
    rc = _lib.qiaolian_calendar_working_days_between(
        cal, len(cal), a, len(a), b, len(b), 1 if weekends_only else 0,
        _byref(out), _byref(err))
    if rc:
        _raise(rc, err)
    return out.value


def register_case(store, record, *, rules="", calendar="",
                  weekends_only=False, actor=None):
    """Registers a new case (dict or message, status unset or RECEIVED):
    deadlines from `rules` (text, lines "TYPE CHANNEL [reply N] [close N]";
    "" for the defaults) on the working-day calendar, a first transition
    record, then created. Returns the id. Nothing is written on error."""
    data, fmt = store._encode("case", record)
    r, cal = _text(rules, "rules"), _calendar(calendar)
    new_id = _u64()
    err = _void_p()
    with _write_options(actor, None) as options:
        rc = _lib.qiaolian_case_register(
            store._db, options, fmt, data, len(data), r, len(r), cal,
            len(cal), 1 if weekends_only else 0, _byref(new_id), _byref(err))
    if rc:
        _raise(rc, err)
    return new_id.value


def transition(store, id, status, *, note="", at=None, actor=None,
               referred_to="", outcome=None, expected_revision=0):
    """Moves case `id` to `status` ("ACCEPTED", "STATUS_CLOSED" or a number)
    if the workflow allows it, recording the step; returns the new revision.
    FailedPreconditionError (not allowed: the message lists what is),
    InvalidArgumentError (missing reason, a date before receipt or the last
    step), NotFoundError, ConflictError (expected_revision is stale)."""
    s = _enum(status, STATUSES, "STATUS_", "status")
    o = 0 if outcome is None else _enum(outcome, OUTCOMES, "OUTCOME_",
                                        "outcome")
    n, w = _text(note, "note"), _when(at)
    ref = _text(referred_to, "referred_to")
    rev = _u64()
    err = _void_p()
    with _write_options(actor, None) as options:
        rc = _lib.qiaolian_case_transition(
            store._db, options, _uint64(id, "id"), s, n, len(n), w, len(w),
            ref, len(ref), o, _uint64(expected_revision, "expected_revision"),
            _byref(rev), _byref(err))
    if rc:
        _raise(rc, err)
    return rev.value


def record_reply(store, id, *, note="", at=None, actor=None,
                 expected_revision=0):
    """Records a reply to the applicant (status unchanged); returns the new
    revision."""
    n, w = _text(note, "note"), _when(at)
    rev = _u64()
    err = _void_p()
    with _write_options(actor, None) as options:
        rc = _lib.qiaolian_case_reply(
            store._db, options, _uint64(id, "id"), n, len(n), w, len(w),
            _uint64(expected_revision, "expected_revision"), _byref(rev),
            _byref(err))
    if rc:
        _raise(rc, err)
    return rev.value


def _json_call(fn, *args):
    out = _void_p()
    length = _size()
    err = _void_p()
    rc = fn(*args, _byref(out), _byref(length), _byref(err))
    if rc:
        _raise(rc, err)
    return json.loads(_ffi.take(out, length.value).decode("utf-8"))


def overdue_cases(store, as_of=None):
    """The cases overdue at the end of `as_of` (default today in China):
    {"as_of", "count", "cases": [{"id", "status", "reply_due",
    "reply_overdue", "due", "close_overdue", "days_late"}]}."""
    d = _day(as_of, "as_of")
    return _json_call(_lib.qiaolian_case_overdue, store._db, d, len(d))


def case_rates(store, start, end, *, as_of=None, filter=""):
    """Closure (办结率), reply-on-time and closed-on-time rates of the cases
    received in [start, end], judged at the end of `as_of` (default `end`):
    {"closure": {"numerator", "denominator", "rate", "ids",
    "denominator_ids"}, "reply_on_time": ..., "close_on_time": ...}. Every
    denominator counts all cases received, open and overdue ones included."""
    a, b = _day(start, "start"), _day(end, "end")
    c, f = _day(as_of, "as_of"), _text(filter, "filter")
    return _json_call(_lib.qiaolian_case_rates, store._db, a, len(a), b,
                      len(b), c, len(c), f, len(f))
