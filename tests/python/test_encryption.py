"""Encryption at rest of sensitive fields from Python
(Store(..., encryption_key=...), docs/privacy.md)."""

import os

import pytest

import qiaolian

KEY = bytes(range(32))
ID_NUMBER = "320413200905170026"
PHONE = "+8613912398765"


def secretive():
    return {
        "name": "欧阳加密",
        "identityDocuments": [{"type": "TYPE_RESIDENT_ID",
                               "number": ID_NUMBER}],
        "contacts": [{"type": "TYPE_PHONE", "value": PHONE}],
        "address": {"text": "金坛区尧塘镇谢桥村七十七号"},
    }


def files_containing(path, text):
    needle = text.encode("utf-8")
    found = []
    for name in os.listdir(path):
        with open(os.path.join(path, name), "rb") as f:
            if needle in f.read():
                found.append(name)
    return found


def test_round_trip_indexed_equality_and_no_plaintext_on_disk(store_path):
    with qiaolian.Store(store_path, encryption_key=KEY) as s:
        pid = s.create("person", secretive())
        got = s.get("person", pid)
        assert got["identityDocuments"][0]["number"] == ID_NUMBER
        assert got["contacts"][0]["value"] == PHONE
        # Equality on the encrypted, indexed field: no scan needed.
        hits = list(s.query(f'person where id_number = "{ID_NUMBER}"'))
        assert [int(r["meta"]["id"]) for r in hits] == [pid]
        assert "scan" not in s.explain(
            f'person where id_number = "{ID_NUMBER}"')
        with pytest.raises(qiaolian.InvalidArgumentError, match="encrypts"):
            list(s.query('person where id_number > "3"', allow_scan=True))
        assert s.verify()["problems"] == []
    assert files_containing(store_path, "欧阳加密")  # Names are not encrypted.
    assert files_containing(store_path, ID_NUMBER) == []
    assert files_containing(store_path, PHONE) == []


def test_missing_wrong_and_short_keys_are_refused(store_path):
    with qiaolian.Store(store_path, encryption_key=KEY) as s:
        s.create("person", secretive())
    with pytest.raises(qiaolian.FailedPreconditionError, match="its key"):
        qiaolian.Store(store_path)
    with pytest.raises(qiaolian.PermissionDeniedError, match="wrong"):
        qiaolian.Store(store_path, encryption_key=bytes(32))
    with pytest.raises(qiaolian.InvalidArgumentError, match="32 bytes"):
        qiaolian.Store(store_path, encryption_key=b"short")
    with pytest.raises(TypeError):
        qiaolian.Store(store_path, encryption_key="0" * 32)
    report = qiaolian.repair(store_path, encryption_key=KEY)
    assert report["consistent"]
    with qiaolian.Store(store_path, encryption_key=KEY, read_only=True) as s:
        assert len(list(s.query(f'person where contact = "{PHONE}"'))) == 1


def test_encryption_example_runs(run_example):
    out = run_example("encryption.py")
    assert "found:    ['胡正明']" in out
    assert "refused:" in out and "encrypts" in out
    assert "on disk:  False" in out
    assert "no key:" in out
