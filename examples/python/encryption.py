"""Encryption at rest of sensitive fields (docs/privacy.md).

    QIAOLIAN_BUILD_DIR=build PYTHONPATH=python python3 examples/python/encryption.py

The host keeps the 32-byte key (here a fresh random one; in real use read it
from a key store or a file only the service account can read). Lose it and the
encrypted values are gone.
"""
import os
import tempfile

import qiaolian

key = os.urandom(32)
with tempfile.TemporaryDirectory() as d:
    with qiaolian.Store(d + "/store", encryption_key=key) as store:
        pid = store.create("person", {
            "name": "胡正明",
            "identityDocuments": [{"type": "TYPE_RESIDENT_ID",
                                   "number": "11010519491231002X"}],
            "contacts": [{"type": "TYPE_PHONE", "value": "13912345678"}],
        })
        # Reads give plaintext; equality on an encrypted field uses its index.
        q = 'person where id_number = "11010519491231002X"'
        print("found:   ", [p["name"] for p in store.query(q)])
        print("plan:    ", store.explain(q).splitlines()[0])
        try:
            list(store.query('person where id_number > "1"', allow_scan=True))
        except qiaolian.InvalidArgumentError as e:
            print("refused: ", e)
    on_disk = b"".join(open(os.path.join(d, "store", f), "rb").read()
                       for f in os.listdir(d + "/store"))
    print("on disk: ", b"11010519491231002X" in on_disk)  # False
    try:
        qiaolian.Store(d + "/store")
    except qiaolian.FailedPreconditionError as e:
        print("no key:  ", e)
