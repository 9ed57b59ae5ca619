"""Masked and audited reads, the audit log and erasure from Python
(qiaolian/_privacy.py, docs/privacy.md)."""

import datetime
import os

import pytest

import qiaolian

RESIDENT_ID = "11010519491231002X"
PHONE = "13912345678"


def person(name="张三", birth_year=1949):
    return {
        "name": name,
        "birthDate": {"year": birth_year, "month": 12, "day": 31},
        "identityDocuments": [{"type": "TYPE_RESIDENT_ID",
                               "number": RESIDENT_ID}],
        "contacts": [{"type": "TYPE_PHONE", "value": PHONE},
                     {"type": "TYPE_EMAIL", "value": "zhangsan@example.com"}],
        "address": {"divisionCode": "320413", "text": "金坛区东门大街88号"},
    }


def test_reads_are_masked_by_default_and_raw_get_is_unchanged(store):
    pid = store.create("person", person(), actor="甲")
    p = qiaolian.read(store, "person", pid)
    assert p["identityDocuments"][0]["number"] == "110105********002X"
    assert p["contacts"][0]["value"] == "139****5678"
    assert p["contacts"][1]["value"] == "z***@example.com"
    assert p["address"]["text"] == "*" * 10
    assert p["birthDate"]["month"] == 12  # An adult's birth date.
    # Store.get is the raw layer, as documented.
    assert store.get("person", pid)["contacts"][0]["value"] == PHONE
    # Masked reads write no audit entry.
    assert [e["action"] for e in qiaolian.audit_list(store)] == [
        "ACTION_CREATE"]


def test_minor_birth_date_and_mask_without_store():
    this_year = datetime.date.today().year
    m = qiaolian.mask("person", person(birth_year=this_year - 5))
    assert m["birthDate"] == {"year": this_year - 5}
    assert m["contacts"][0]["value"] == "139****5678"


def test_unmasked_reads_are_audited(store):
    pid = store.create("person", person())
    raw = qiaolian.read(store, "person", pid, unmasked=True, actor="李科长",
                        purpose="核对身份")
    assert raw["identityDocuments"][0]["number"] == RESIDENT_ID
    rows = qiaolian.read_query(store, 'person where name = "张三"',
                               unmasked=True, actor="王")
    assert rows[0]["contacts"][0]["value"] == PHONE
    masked = qiaolian.read_query(store, 'person where name = "张三"')
    assert masked[0]["contacts"][0]["value"] == "139****5678"
    entries = qiaolian.audit_list(store)
    assert [e["action"] for e in entries] == [
        "ACTION_CREATE", "ACTION_UNMASKED_READ", "ACTION_UNMASKED_READ"]
    read = entries[1]
    assert read["actor"] == "李科长"
    assert "purpose: 核对身份" in read["note"]
    assert read["fields"] == ["identity_documents.number", "contacts.value",
                              "address.text"]
    assert RESIDENT_ID not in str(entries) and PHONE not in str(entries)
    assert [e["seq"] for e in qiaolian.audit_list(store, after_seq=1,
                                                  limit=1)] == ["2"]
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    assert qiaolian.audit_list(store, since=tomorrow) == []


def test_unmasked_read_of_read_only_store_fails(store_path):
    with qiaolian.Store(store_path) as s:
        pid = s.create("person", person())
    with qiaolian.Store(store_path, read_only=True) as s:
        with pytest.raises(qiaolian.FailedPreconditionError):
            qiaolian.read(s, "person", pid, unmasked=True)
        assert qiaolian.read(s, "person", pid)["contacts"][0]["value"] == (
            "139****5678")


def test_audit_verify(store):
    store.create("person", person())
    report = qiaolian.audit_verify(store)
    assert report["intact"] and report["entries"] == 1
    assert len(report["head"]) == 64
    assert qiaolian.audit_verify(store, report["head"])["intact"]
    bad = qiaolian.audit_verify(store, "0" * 64)
    assert not bad["intact"] and "cut off" in bad["problems"][0]


def test_erase(store, store_path):
    pid = store.create("person", person(name="欧阳澈思琪"))
    eid = store.create("event", {
        "type": "TYPE_GREETING_VISIT", "date": {"year": 2020, "month": 1, "day": 6},
        "participants": [{"ref": {"kind": "KIND_PERSON", "id": str(pid)}}]})
    with pytest.raises(qiaolian.FailedPreconditionError) as e:
        qiaolian.erase(store, "person", pid)
    assert f"event {eid}" in str(e.value)
    report = qiaolian.erase(store, "person", pid, force=True, actor="管理员")
    assert report["was_live"] and report["revisions"] == 1
    assert report["unlinked"] == [f"event {eid} (participants.ref)"]
    with pytest.raises(qiaolian.NotFoundError):
        store.get("person", pid)
    assert "ref" not in store.get("event", eid)["participants"][0]
    assert qiaolian.audit_list(store)[-1]["action"] == "ACTION_ERASE"
    with pytest.raises(qiaolian.NotFoundError):
        qiaolian.erase(store, "person", pid)
    store.close()
    qiaolian.Store(store_path).close()  # A fresh MANIFEST.
    for name in os.listdir(store_path):
        with open(store_path / name, "rb") as f:
            data = f.read()
        assert "欧阳澈思琪".encode() not in data, name
        assert RESIDENT_ID.encode() not in data, name
