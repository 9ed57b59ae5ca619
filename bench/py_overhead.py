#!/usr/bin/env python3
"""py_overhead: the cost of a call through the Python bindings (issue 4).

    QIAOLIAN_LIBRARY=build/libqiaolian.so.0 /usr/bin/python3 bench/py_overhead.py [--quick]

The Python side of bench/capi_overhead.cc: the same operations on the same
Enterprise record, in a fresh store under /tmp with default options:

  RoundTrip  create the record (a new USCC each time, so the store grows),
             then get it back by id;
  Get        get one of 1,000 records (cycling; all in the block cache);
  Count      count of enterprises (an O(1) counter: nearly pure overhead).

each through the binding with records as dicts (JSON through the C API) and
as protobuf messages (Store(messages=True): PROTO through the C API; needs
google.protobuf), and, taking turns with it in the same store, through
"raw ctypes": the C functions called directly with already-encoded bytes
and results copied out but not decoded. Also timed: a call of
qiaolian_version_number() (the floor of any ctypes call) and the record
conversions the binding does (json.dumps/json.loads, SerializeToString/
FromString), which account for most of its cost.

Times per operation are the median of --repeat rounds of a fixed number of
operations: wall-clock (time.perf_counter, as timeit uses) and this
thread's CPU time (time.thread_time; Google Benchmark's CPU column), with
the garbage collector on, as in real use. USCCs are computed before timing.
Prints a Markdown table.
"""

import argparse
import ctypes
import gc
import json
import os
import pathlib
import shutil
import statistics
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "python"))

import qiaolian  # noqa: E402
from qiaolian import _ffi  # noqa: E402

GET_RECORDS = 1000

# The record of bench/capi_overhead.cc (kJsonHead + USCC + kJsonTail).
RECORD = {
    "name": "常州鑫盛机械制造有限公司",
    "uscc": None,  # Set per operation.
    "type": "TYPE_LIMITED_COMPANY",
    "typeText": "有限责任公司(自然人投资或控股)",
    "established": {"year": 2012, "month": 5, "day": 17},
    "legalRepresentative": {"name": "王建国"},
    "registeredCapital": {"currency": "CNY", "amountMinor": "5000000000"},
    "registeredCapitalText": "500万元人民币",
    "status": "STATUS_ACTIVE",
    "statusText": "存续",
    "businessScope": "一般项目：通用设备制造（不含特种设备制造）；机械零件、零部件"
                     "加工；机械设备销售；货物进出口；技术进出口（除依法须经批准的"
                     "项目外，凭营业执照依法自主开展经营活动）",
    "industry": "通用设备制造业",
    "industryCode": "C34",
    "registrationDivision": {"code": "320413", "province": "江苏",
                             "region": "常州", "district": "金坛",
                             "text": "江苏常州金坛"},
    "address": {"country": "CN", "divisionCode": "320413",
                "postalCode": "213200",
                "text": "江苏省常州市金坛区华城路128号3幢502室"},
    "contacts": [{"type": "TYPE_PHONE", "value": "+8613912345678",
                  "label": "办公室"}],
    "registrationAuthority": "常州市金坛区市场监督管理局",
    "employeeCount": 48,
}

_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30,
                 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def uscc(seq):
    """The USCC of record `seq`, as Uscc() in capi_overhead.cc."""
    org = "%08d" % ((seq * 7 + 31415926) % 100000000)
    check = 11 - sum(int(c) * w for c, w in zip(org, _ORG_WEIGHTS)) % 11
    code = "91320413" + org + ("X" if check == 10 else
                               "0" if check == 11 else str(check))
    total = sum(_ALPHABET.index(c) * w for c, w in zip(code, _USCC_WEIGHTS))
    return code + _ALPHABET[(31 - total % 31) % 31]


def measure(ops, n, repeat):
    """{name: (wall, cpu)}: median seconds per call of each op(i), over
    `repeat` rounds of `n` calls per op. The ops take turns within each
    round, so they share the machine's ups and downs; the index i keeps
    growing across ops and rounds. cpu is this thread's CPU time, like
    Google Benchmark's CPU column."""
    walls = {name: [] for name in ops}
    cpus = {name: [] for name in ops}
    start_index = 0
    for op in ops.values():  # Warm up.
        op(start_index)
        start_index += 1
    for _ in range(repeat):
        for name, op in ops.items():
            indexes = range(start_index, start_index + n)
            start_index += n
            c0 = time.thread_time()
            t0 = time.perf_counter()
            for i in indexes:
                op(i)
            walls[name].append((time.perf_counter() - t0) / n)
            cpus[name].append((time.thread_time() - c0) / n)
    return {name: (statistics.median(walls[name]),
                   statistics.median(cpus[name])) for name in ops}


def measure_one(op, n, repeat):
    return measure({"op": op}, n, repeat)["op"]


class Raw:
    """The C API called straight through ctypes (the declarations of
    qiaolian._ffi, nothing else of the binding): the record is already
    encoded, results are copied out with string_at and freed, not
    decoded. What a call costs from Python before the binding's own work."""

    def __init__(self, store, fmt, template, uscc0):
        self.db = store._db
        self.fmt = fmt
        head, sep, tail = template.partition(uscc0.encode("ascii"))
        assert sep, "USCC not found in the encoded record"
        self.head, self.tail = head, tail
        lib = _ffi.lib
        byref, c_void_p, c_size_t = ctypes.byref, ctypes.c_void_p, \
            ctypes.c_size_t
        new_id = ctypes.c_uint64()
        out, n, err = c_void_p(), c_size_t(), c_void_p()
        string_at, create, get, free = (ctypes.string_at, lib.qiaolian_create,
                                        lib.qiaolian_get, lib.qiaolian_free)
        db = self.db

        def raw_create(uscc_bytes):
            data = head + uscc_bytes + tail
            if create(db, None, 2, fmt, data, len(data), byref(new_id),
                      byref(err)):
                raise RuntimeError(_ffi.message(err))
            return new_id.value

        def raw_get(id_):
            if get(db, 2, id_, fmt, byref(out), byref(n), byref(err)):
                raise RuntimeError(_ffi.message(err))
            data = string_at(out.value, n.value)
            free(out)
            return data

        self.create, self.get = raw_create, raw_get


class Bench:
    """The operations of one mode (dicts or messages), binding and raw."""

    def __init__(self, messages, quick, repeat):
        self.messages = messages
        self.fmt = _ffi.FORMAT_PROTO if messages else _ffi.FORMAT_JSON
        self.scale = 0.1 if quick else 1.0
        self.repeat = repeat
        self.tmp = tempfile.mkdtemp(prefix="qiaolian_py_overhead.")
        self.stores = 0

    def n(self, count):
        return max(10, int(count * self.scale))

    def store(self):
        self.stores += 1
        return qiaolian.Store(os.path.join(self.tmp, f"s{self.stores}"),
                              messages=self.messages)

    def record(self, seq):
        r = dict(RECORD, uscc=uscc(seq))
        if not self.messages:
            return r
        from google.protobuf import json_format
        m = qiaolian.message_class("enterprise")()
        json_format.ParseDict(r, m)
        return m

    def raw(self, store):
        rec = self.record(0)
        if self.messages:
            template = rec.SerializeToString()
        else:
            template = json.dumps(rec, ensure_ascii=False,
                                  separators=(",", ":")).encode("utf-8")
        return Raw(store, self.fmt, template, uscc(0))

    def round_trip(self):
        n = self.n(2000 if self.messages else 1000)
        usccs = [uscc(i) for i in range(2 * n * self.repeat + 4)]
        usccs_b = [u.encode("ascii") for u in usccs]
        with self.store() as store:
            rec = self.record(0)
            create, get = store.create, store.get
            raw = self.raw(store)
            if self.messages:
                def binding(i):
                    rec.uscc = usccs[i]
                    get("enterprise", create("enterprise", rec))
            else:
                def binding(i):
                    rec["uscc"] = usccs[i]
                    get("enterprise", create("enterprise", rec))

            def raw_ctypes(i):
                raw.get(raw.create(usccs_b[i]))
            return measure({"binding": binding, "raw": raw_ctypes}, n,
                           self.repeat)

    def get(self):
        with self.store() as store:
            for seq in range(GET_RECORDS):
                store.create("enterprise", self.record(seq))
            get = store.get
            raw = self.raw(store)

            def binding(i):
                get("enterprise", 1 + i % GET_RECORDS)

            def raw_ctypes(i):
                raw.get(1 + i % GET_RECORDS)
            return measure({"binding": binding, "raw": raw_ctypes},
                           self.n(10000 if self.messages else 2000),
                           self.repeat)

    def count(self):
        with self.store() as store:
            count = store.count
            db = store._db
            c_count = _ffi.lib.qiaolian_count
            n, err = ctypes.c_uint64(), ctypes.c_void_p()
            byref = ctypes.byref

            def binding(_):
                count("enterprise")

            def raw_ctypes(_):
                c_count(db, 2, byref(n), byref(err))
            return measure({"binding": binding, "raw": raw_ctypes},
                           self.n(100000), self.repeat)

    def close(self):
        shutil.rmtree(self.tmp, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="a tenth of the operations (a smoke run)")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    print(f"# qiaolian {qiaolian.version()} ({qiaolian.library_path}), "
          f"Python {sys.version.split()[0]} ({sys.executable}), "
          f"google.protobuf: "
          f"{'yes' if qiaolian.messages_available else 'no'}, "
          f"load average {os.getloadavg()[0]:.2f}")
    rows = []
    n = 2000 if args.quick else 20000
    rows.append(("ctypes call floor (qiaolian_version_number)", "-",
                 measure_one(lambda _: _ffi.lib.qiaolian_version_number(),
                             10 * n, args.repeat)))
    # Where the binding's time goes besides the C call: converting records
    # to and from the bytes the C API takes and returns.
    rec = dict(RECORD, uscc=uscc(0))
    text = json.dumps(rec, ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8")
    rows.append((f"component: json.dumps of the record ({len(text)} bytes)",
                 "dicts",
                 measure_one(lambda _: json.dumps(rec, ensure_ascii=False,
                                                  separators=(",", ":")),
                             n, args.repeat)))
    rows.append(("component: json.loads of the record", "dicts",
                 measure_one(lambda _: json.loads(text), n, args.repeat)))
    if qiaolian.messages_available:
        from google.protobuf import json_format
        msg = qiaolian.message_class("enterprise")()
        json_format.ParseDict(rec, msg)
        data = msg.SerializeToString()
        cls = type(msg)
        rows.append((f"component: SerializeToString ({len(data)} bytes)",
                     "messages",
                     measure_one(lambda _: msg.SerializeToString(), n,
                                 args.repeat)))
        rows.append(("component: FromString", "messages",
                     measure_one(lambda _: cls.FromString(data), n,
                                 args.repeat)))
    modes = [False] + ([True] if qiaolian.messages_available else [])
    for messages in modes:
        label = "messages (PROTO)" if messages else "dicts (JSON)"
        raw_label = "PROTO bytes" if messages else "JSON bytes"
        bench = Bench(messages, args.quick, args.repeat)
        try:
            for op, result in (("RoundTrip: create + get", bench.round_trip()),
                               ("Get (1,000 records, cached)", bench.get())):
                rows.append((op, label, result["binding"]))
                rows.append((op + ", raw ctypes", raw_label, result["raw"]))
            if not messages:
                result = bench.count()
                rows.append(("Count", "-", result["binding"]))
                rows.append(("Count, raw ctypes", "-", result["raw"]))
        finally:
            bench.close()
    print()
    print("| Operation | Records as | µs per op (wall) | µs per op (CPU) |")
    print("|---|---|---|---|")
    for op, label, (wall, cpu) in rows:
        print(f"| {op} | {label} | {wall * 1e6:.2f} | {cpu * 1e6:.2f} |")
    print(f"\nload average at the end {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    gc.collect()
    main()
