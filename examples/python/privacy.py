"""Masked and audited reads, the audit log and erasure (docs/privacy.md).

    QIAOLIAN_BUILD_DIR=build PYTHONPATH=python python3 examples/python/privacy.py
"""
import tempfile

import qiaolian

with tempfile.TemporaryDirectory() as d, qiaolian.Store(d + "/store") as store:
    pid = store.create("person", {
        "name": "胡正明",
        "identityDocuments": [{"type": "TYPE_RESIDENT_ID",
                               "number": "11010519491231002X"}],
        "contacts": [{"type": "TYPE_PHONE", "value": "13912345678"}],
    }, actor="王芳")
    print("masked:  ", qiaolian.read(store, "person", pid)["contacts"])
    print("unmasked:", qiaolian.read(store, "person", pid, unmasked=True,
                                     actor="李科长", purpose="回访")["contacts"])
    for e in qiaolian.audit_list(store):
        print("audit:   ", e["seq"], e["action"], e.get("actor"),
              e.get("fields"))
    head = qiaolian.audit_verify(store)["head"]
    print("head:    ", head, "(keep it elsewhere)")
    print("erase:   ", qiaolian.erase(store, "person", pid, actor="王芳"))
    print("intact:  ", qiaolian.audit_verify(store, head)["intact"])
