"""Search people across scripts, find duplicates, merge them.

    QIAOLIAN_BUILD_DIR=build PYTHONPATH=python /usr/bin/python3 \
        examples/python/search.py /tmp/search-demo
"""

import sys

import qiaolian

path = sys.argv[1] if len(sys.argv) > 1 else "/tmp/qiaolian-search-demo"
with qiaolian.Store(path) as store:
    born = {"year": 1960, "month": 1, "day": 2}
    a = store.create("person", {"name": "陈伟", "birthDate": born})
    b = store.create("person", {"name": "陳偉", "birthDate": born,
                                "formerNames": ["陈小伟"]})
    store.create("person", {
        "name": "Wei Chen",
        "contacts": [{"type": "TYPE_PHONE", "value": "+6591234567"}]})
    # A name in any script, pinyin, initials, a former name, a phone number
    # (with or without its country code, as a list from Singapore has it).
    for query in ("陳偉", "chen wei", "cw", "陈小伟", "+65 9123 4567",
                  "9123 4567"):
        for hit in qiaolian.search(store, "person", query, limit=5):
            print(f"{query!r:12} {hit['score']:3} {hit['match']:9} "
                  f"person {hit['id']}  {hit['text']}  ({hit['reason']})")
    # Enterprises by their code, or by the name of their legal representative.
    store.create("enterprise", {"name": "常州三久制造有限公司",
                                "uscc": "91320413723588143D",
                                "legalRepresentative": {"name": "胡正明"}})
    for query in ("91320413723588143D", "胡正明"):
        for hit in qiaolian.search(store, "enterprise", query):
            print(f"{query!r:12} {hit['score']:3} {hit['field']:20} "
                  f"enterprise {hit['id']}  {hit['text']}")
    for pair in qiaolian.duplicates(store, "person"):
        print("duplicate?", pair["a"], pair["b"], pair["score"],
              "; ".join(pair["reasons"]))
    print(qiaolian.merge(store, "person", a, b, actor="demo"))
    print(qiaolian.pinyin("尉迟恭", name=True))
