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
    store.create("person", {"name": "Wei Chen"})
    for query in ("陳偉", "chen wei", "cw", "陈小伟"):
        for hit in qiaolian.search(store, "person", query, limit=5):
            print(f"{query!r:12} {hit['score']:3} {hit['match']:9} "
                  f"person {hit['id']}  {hit['text']}  ({hit['reason']})")
    for pair in qiaolian.duplicates(store, "person"):
        print("duplicate?", pair["a"], pair["b"], pair["score"],
              "; ".join(pair["reasons"]))
    print(qiaolian.merge(store, "person", a, b, actor="demo"))
    print(qiaolian.pinyin("尉迟恭", name=True))
