#!/usr/bin/env python3
"""py_overhead: the cost of a call through the Python bindings (issue 4).

    QIAOLIAN_LIBRARY=build/libqiaolian.so.0 /usr/bin/python3 bench/py_overhead.py [--quick]

The Python side of bench/capi_overhead.cc: the same operations on the same
Enterprise record, in a fresh store under /tmp with default options:

  RoundTrip  create the record (a new USCC each time, so the store grows),
             then get it back by id;
  Get        get one of 1,000 records (cycling; all in the block cache);
  Count      count of enterprises (an O(1) counter: nearly pure overhead);
  ctypes     qiaolian_version_number() called straight through ctypes: the
             floor of any call from Python.

each with records as dicts (JSON through the C API) and as protobuf
messages (Store(messages=True): PROTO through the C API; needs
google.protobuf). Times per operation are the median of --repeat runs of a
fixed number of operations: wall-clock (time.perf_counter, as timeit uses)
and this thread's CPU time (time.thread_time; Google Benchmark's CPU
column), with the garbage collector on, as in real use. USCCs are computed
before timing. Prints a Markdown table.
"""

import argparse
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


def measure(op, n, repeat):
    """(wall, cpu): median seconds per call of op(i), over `repeat` runs of
    `n` calls (the index continues across runs). cpu is this thread's CPU
    time, like Google Benchmark's CPU column."""
    op(0)  # Warm up.
    walls, cpus = [], []
    start_index = 1
    for _ in range(repeat):
        indexes = range(start_index, start_index + n)
        start_index += n
        c0 = time.thread_time()
        t0 = time.perf_counter()
        for i in indexes:
            op(i)
        walls.append((time.perf_counter() - t0) / n)
        cpus.append((time.thread_time() - c0) / n)
    return statistics.median(walls), statistics.median(cpus)


class Bench:
    def __init__(self, messages, quick, repeat):
        self.messages = messages
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

    def round_trip(self):
        n = self.n(3000 if self.messages else 1000)
        usccs = [uscc(i) for i in range(n * self.repeat + 2)]
        with self.store() as store:
            rec = self.record(0)
            create, get = store.create, store.get
            if self.messages:
                def op(i):
                    rec.uscc = usccs[i]
                    get("enterprise", create("enterprise", rec))
            else:
                def op(i):
                    rec["uscc"] = usccs[i]
                    get("enterprise", create("enterprise", rec))
            return measure(op, n, self.repeat)

    def get(self):
        with self.store() as store:
            for seq in range(GET_RECORDS):
                store.create("enterprise", self.record(seq))
            get = store.get

            def op(i):
                get("enterprise", 1 + i % GET_RECORDS)
            return measure(op, self.n(20000 if self.messages else 3000),
                           self.repeat)

    def count(self):
        with self.store() as store:
            count = store.count

            def op(_):
                count("enterprise")
            return measure(op, self.n(200000), self.repeat)

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
    floor = measure(lambda _: _ffi.lib.qiaolian_version_number(),
                    200000 if not args.quick else 20000, args.repeat)
    rows = [("ctypes call floor (qiaolian_version_number)", "-", floor)]
    # Where the binding's time goes, besides the C call: converting the
    # record to and from the bytes the C API takes and returns.
    text = json.dumps(dict(RECORD, uscc=uscc(0)), ensure_ascii=False,
                      separators=(",", ":")).encode("utf-8")
    rec = dict(RECORD, uscc=uscc(0))
    n = 2000 if args.quick else 20000
    rows.append(("component: json.dumps of the record (1.1 KB)", "dicts",
                 measure(lambda _: json.dumps(rec, ensure_ascii=False,
                                              separators=(",", ":")),
                         n, args.repeat)))
    rows.append(("component: json.loads of the record", "dicts",
                 measure(lambda _: json.loads(text), n, args.repeat)))
    if qiaolian.messages_available:
        from google.protobuf import json_format
        msg = qiaolian.message_class("enterprise")()
        json_format.ParseDict(rec, msg)
        data = msg.SerializeToString()
        cls = type(msg)
        rows.append((f"component: SerializeToString ({len(data)} bytes)",
                     "messages",
                     measure(lambda _: msg.SerializeToString(), n,
                             args.repeat)))
        rows.append(("component: FromString", "messages",
                     measure(lambda _: cls.FromString(data), n,
                             args.repeat)))
    modes = [False] + ([True] if qiaolian.messages_available else [])
    for messages in modes:
        label = "messages (PROTO)" if messages else "dicts (JSON)"
        bench = Bench(messages, args.quick, args.repeat)
        try:
            rows.append(("RoundTrip: create + get", label, bench.round_trip()))
            rows.append(("Get (1,000 records, cached)", label, bench.get()))
            if not messages:
                rows.append(("Count", "-", bench.count()))
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
