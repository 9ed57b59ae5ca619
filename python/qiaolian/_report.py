"""The annual report (docs/report.md) over the C ABI: qiaolian_report,
qiaolian_report_compare and qiaolian_report_explain.

    with qiaolian.Store(path) as store:
        md = qiaolian.report(store, "report.textproto", "2020-01-01",
                             "2020-12-31")
        figures = qiaolian.report(store, spec, "2020-01-01", "2020-12-31",
                                  format="json")       # a dict
        print(qiaolian.explain_figure(store, spec, "f01_enterprises_visited",
                                      "2020-01-01", "2020-12-31"))

`spec` is the text of a report spec, or a path (str or os.PathLike) to a
file holding one.
"""

import ctypes
import json
import os

from . import _ffi
from ._store import _raise

_int, _size, _text, _out, _p = (_ffi._int, _ffi._size, _ffi._text, _ffi._out,
                                _ffi._p)

# name -> (restype, argtypes), in the order of c.h ("Reports").
PROTOTYPES = {
    "qiaolian_report": (
        _int, [_ffi.DbP, _text, _size, _text, _text, _text, _int, _out,
               _p(_size), _out]),
    "qiaolian_report_compare": (
        _int, [_ffi.DbP, _text, _size, _text, _text, _text, _text, _text,
               _int, _out, _p(_size), _out]),
    "qiaolian_report_explain": (
        _int, [_ffi.DbP, _text, _size, _text, _text, _text, _int, _out,
               _p(_size), _out]),
}
_ffi.PROTOTYPES.update(PROTOTYPES)
for _name, (_restype, _argtypes) in PROTOTYPES.items():
    _fn = getattr(_ffi.lib, _name)
    _fn.restype = _restype
    _fn.argtypes = _argtypes

FORMATS = ("md", "text", "csv", "json", "html")


def _spec_bytes(spec):
    if isinstance(spec, os.PathLike) or (
            isinstance(spec, str) and "\n" not in spec and
            os.path.isfile(spec)):
        with open(spec, "rb") as f:
            return f.read()
    if isinstance(spec, bytes):
        return spec
    if isinstance(spec, str):
        return spec.encode("utf-8")
    raise TypeError(f"spec must be text or a path, not {type(spec).__name__}")


def _call(fn, *args):
    out = ctypes.c_void_p()
    n = ctypes.c_size_t()
    err = ctypes.c_void_p()
    rc = fn(*args, ctypes.byref(out), ctypes.byref(n), ctypes.byref(err))
    if rc:
        _raise(rc, err)
    return _ffi.take(out, n.value).decode("utf-8")


def report(store, spec, date_from, date_to, *, format="md", english=False,
           compare=None):
    """Runs the report spec for the days date_from..date_to ("2020-01-01",
    inclusive) and returns it rendered as `format` ("md", "text", "csv",
    "html": str; "json": a dict). compare=("2019-01-01", "2019-12-31") adds
    each figure's value in that period and the change. Raises
    InvalidArgumentError for a bad spec (<spec>:LINE:COLUMN: ...)."""
    if format not in FORMATS:
        raise ValueError(f"format must be one of {FORMATS}, not {format!r}")
    s = _spec_bytes(spec)
    args = [s, len(s), date_from.encode(), date_to.encode()]
    if compare is not None:
        c_from, c_to = compare
        text = _call(_ffi.lib.qiaolian_report_compare, store._db, *args,
                     c_from.encode(), c_to.encode(), format.encode(),
                     1 if english else 0)
    else:
        text = _call(_ffi.lib.qiaolian_report, store._db, *args,
                     format.encode(), 1 if english else 0)
    return json.loads(text) if format == "json" else text


def explain_figure(store, spec, figure, date_from, date_to, *,
                   english=False):
    """The records behind one figure of the report, as text."""
    s = _spec_bytes(spec)
    return _call(_ffi.lib.qiaolian_report_explain, store._db, s, len(s),
                 date_from.encode(), date_to.encode(), figure.encode(),
                 1 if english else 0)
