"""Figures of the 2020 report from donations and events, then relations and
the timeline of a record (docs/records.md).

    PYTHONPATH=python QIAOLIAN_BUILD_DIR=build python3 examples/python/records.py STORE_DIR

STORE_DIR must not exist: the example data (examples/2020) is loaded into it.
"""

import pathlib
import sys

import qiaolian

ROOT = pathlib.Path(__file__).resolve().parents[2]
YEAR = dict(start="2020-01-01", end="2020-12-31")


def main(path):
    with qiaolian.Store(path) as store:
        for kind in ("enterprise", "person", "case", "donation", "event"):
            with open(ROOT / "examples" / "2020" / f"{kind}.jsonl",
                      encoding="utf-8") as f:
                for line in f:
                    if line.strip():
                        store.create(kind, line)

        # Figure 6: N95口罩600只 (两家医院) — goods per unit, per recipient.
        t = qiaolian.donation_totals(store, "recipient", direction="inbound",
                                     **YEAR)
        for g in t["groups"]:
            print("fig. 6 ", g["key"], g["quantities"], "donations", g["ids"])

        # Figures 8 and 13: money by purpose, per currency (minor units).
        t = qiaolian.donation_totals(store, "purpose", direction="outbound",
                                     rates_file=str(ROOT / "examples" /
                                                    "records" /
                                                    "rates-2020.csv"),
                                     **YEAR)
        for g in t["groups"]:
            print("fig. 8/13", g["key"], g["money"],
                  "total", g["total_converted"], t["base_currency"])

        # Figure 10: clicks of the official account's posts.
        c = qiaolian.event_counts(store, types=["official_account_post"],
                                  **YEAR)
        a = c["all"]
        print("fig. 10", "posts", a["count"], "max clicks", a["max_clicks"],
              "(event", a["max_clicks_id"], ") total clicks", a["clicks"])

        # Figure 16: media reports by outlet.
        c = qiaolian.event_counts(store, "outlet", types=["media_report"],
                                  **YEAR)
        for g in c["groups"]:
            print("fig. 16", g["key"], g["count"], "events", g["ids"])

        # A relation recorded once, seen from both sides.
        pid = store.create("person", {
            "name": "胡小明",
            "memberships": [{"organization": {"kind": "KIND_ENTERPRISE",
                                              "id": "8"},
                             "role": "ROLE_VICE_PRESIDENT"}]})
        for r in qiaolian.relations(store, "enterprise", 8):
            print("relation", r["other"], r["other_name"], "is", r["type"],
                  r["detail"], "of enterprise:8")
        print("from the person:", [(r["type"], r["other"]) for r in
                                   qiaolian.relations(store, "person", pid)])

        # Everything that touched person 1, newest first.
        for e in qiaolian.iter_timeline(store, "person", 1):
            print("timeline", e["date"], e["what"], e["record"], e["role"],
                  e["title"])


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
