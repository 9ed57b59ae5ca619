#!/usr/bin/env python3
"""qiaolian from Python: the example of docs/python.md.

    PYTHONPATH=python QIAOLIAN_BUILD_DIR=build python3 examples/python/hello.py [STORE_DIR]

Creates an enterprise, a person and an event that refers to both, reads,
updates (and shows a stale update being refused), queries, pages, counts and
aggregates, and verifies the store. STORE_DIR defaults to a new temporary
directory, removed at the end.
"""

import shutil
import sys
import tempfile

import qiaolian


def main(path):
    with qiaolian.Store(path) as store:  # Created when missing.
        # Records as dicts, in protobuf's JSON mapping (lowerCamelCase).
        eid = store.create("enterprise", {
            "name": "三久制造",
            "uscc": "91320413723588143D",
            "type": "TYPE_LIMITED_COMPANY",
            "overseasChineseInvested": True,
            "registrationDivision": {"code": "320413", "province": "江苏",
                                     "region": "常州", "district": "金坛"},
            "tags": ["侨资企业", "外国专家"],
        }, actor="金坛区侨联")
        pid = store.create("person", {
            "name": "胡正明",
            "nameParts": {"chinese": "胡正明", "pinyin": "Hu Zhengming"},
            "residenceCountry": "US",
            "keyPerson": True,
        })
        store.create("event", {
            "type": "TYPE_ENTERPRISE_VISIT",
            "date": {"year": 2020, "month": 3, "day": 2},
            "title": "走访三久制造",
            "participants": [
                {"ref": {"kind": "KIND_ENTERPRISE", "id": str(eid)},
                 "role": "ROLE_SUBJECT"},
                {"ref": {"kind": "KIND_PERSON", "id": str(pid)},
                 "role": "ROLE_GUEST"},
            ],
        })

        # Read, change, write back: meta.revision guards against lost updates.
        e = store.get("enterprise", eid)
        print(f"enterprise {eid}: {e['name']} revision {e['meta']['revision']}"
              f" by {e['meta']['createdBy']}")
        e["notes"] = "2020年协调加急完成6名外国专家的工作签证办理。"
        print("updated to revision", store.update("enterprise", e))
        try:
            store.update("enterprise", e)  # Still based on revision 1.
        except qiaolian.ConflictError as err:
            print("stale update:", err.code_name)
        try:
            store.get("person", 999)
        except qiaolian.NotFoundError as err:
            print("missing:", err)

        # Queries (docs/queries.md): an iterator of records...
        for ev in store.query(
                f"event where participants.ref = enterprise:{eid}"):
            print("event:", ev["date"], ev["title"])
        # ... or pages with a token for the next one.
        page = store.query_page("enterprise", page_size=10)
        print(len(page), "enterprise(s) on the first page; more:",
              page.next_page_token is not None)

        print("people:", store.count("person"))
        result = store.aggregate(
            "event where date between 2020-01-01 and 2020-12-31 "
            "group by month(date)")
        for group in result["groups"]:
            print("month", group["key"], "events", group["values"][0],
                  "ids", group["ids"])
        print(store.explain("enterprise where tags = \"侨资企业\""))
        print("consistent:", store.verify()["consistent"])

    # With google.protobuf (Debian: python3-protobuf), records can be
    # protobuf messages, built from the library's own schema.
    if qiaolian.messages_available:
        with qiaolian.Store(path, messages=True) as store:
            m = store.get("enterprise", eid)
            print("as a message:", m.DESCRIPTOR.full_name, m.name,
                  "revision", m.meta.revision)


if __name__ == "__main__":
    if len(sys.argv) > 1:
        main(sys.argv[1])
    else:
        tmp = tempfile.mkdtemp(prefix="qiaolian_hello.")
        try:
            main(tmp + "/store")
        finally:
            shutil.rmtree(tmp)
