#!/usr/bin/env python3
"""Working days and the case workflow from Python (docs/cases.md).

    PYTHONPATH=python QIAOLIAN_BUILD_DIR=build python3 examples/python/cases.py [STORE_DIR]

Registers the three cases of examples/cases with the office's rules, moves
them through the workflow (and shows an illegal move refused), then lists
overdue cases and the closure and on-time rates of September 2020.
STORE_DIR defaults to a new temporary directory, removed at the end.
"""

import json
import pathlib
import shutil
import sys
import tempfile

import qiaolian

EXAMPLES = pathlib.Path(__file__).resolve().parents[1] / "cases"


def main(path):
    # Working days: the eve of National Day 2020.
    print("2020-09-30 + 2 working days:",
          qiaolian.add_working_days("2020-09-30", 2))
    print("2020-10-10 is a working day:",
          qiaolian.is_working_day("2020-10-10"))

    rules = (EXAMPLES / "rules.txt").read_text(encoding="utf-8")
    with qiaolian.Store(path) as store:
        ids = []
        for line in (EXAMPLES / "cases.jsonl").read_text(
                encoding="utf-8").splitlines():
            ids.append(qiaolian.register_case(store, json.loads(line),
                                              rules=rules, actor="登记员"))
        for cid in ids:
            c = store.get("case", cid)
            print(f"case {cid}: {c['title']}, reply due "
                  f"{c.get('replyDue')}, due {c.get('due')}")

        a, b, c = ids
        qiaolian.transition(store, a, "ACCEPTED", note="受理",
                            at="2020-09-30", actor="王主任")
        qiaolian.transition(store, a, "RESOLVED", note="已答复",
                            at="2020-10-09", outcome="ANSWERED")
        qiaolian.transition(store, a, "CLOSED", note="办结", at="2020-10-09")
        qiaolian.transition(store, b, "ACCEPTED", at="2020-09-02")
        qiaolian.transition(store, b, "IN_PROGRESS", at="2020-09-03")
        qiaolian.transition(store, c, "ACCEPTED", at="2020-09-15")
        try:
            qiaolian.transition(store, b, "CLOSED", at="2020-09-04")
        except qiaolian.FailedPreconditionError as e:
            print("refused:", e)

        late = qiaolian.overdue_cases(store, "2020-10-20")
        print("overdue on 2020-10-20:",
              [(x["id"], x["days_late"]) for x in late["cases"]])
        qiaolian.record_reply(store, b, note="书面答复", at="2020-10-21")
        rates = qiaolian.case_rates(store, "2020-09-01", "2020-09-30",
                                    as_of="2020-10-31")
        for name in ("closure", "reply_on_time", "close_on_time"):
            r = rates[name]
            print(f"{name}: {r['numerator']} / {r['denominator']} "
                  f"(ids {r['ids']} of {r['denominator_ids']})")


if __name__ == "__main__":
    if len(sys.argv) > 1:
        main(sys.argv[1])
    else:
        tmp = tempfile.mkdtemp(prefix="qiaolian-cases-")
        try:
            main(tmp + "/store")
        finally:
            shutil.rmtree(tmp)
