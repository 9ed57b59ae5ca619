"""qiaolian.repair (docs/reliability.md) through the C ABI."""

import pathlib

import pytest

import qiaolian


def _fill(path):
    with qiaolian.Store(str(path)) as store:
        for i in range(30):
            store.create("person", {"name": f"测试{i}",
                                    "categories": ["CATEGORY_RETURNEE"]})


def test_repair_of_a_healthy_store_loses_nothing(tmp_path):
    _fill(tmp_path / "s")
    report = qiaolian.repair(str(tmp_path / "s"))
    assert report["consistent"] is True
    assert report["records_lost"] == 0
    person = [k for k in report["kinds"] if k["kind"] == "person"][0]
    assert person == {"kind": "person", "before": 30, "after": 30}
    with qiaolian.Store(str(tmp_path / "s")) as store:
        assert store.count("person") == 30


def test_repair_recovers_a_store_without_manifest(tmp_path):
    _fill(tmp_path / "s")
    with qiaolian.Store(str(tmp_path / "s")):
        pass  # The log becomes a table.
    for f in pathlib.Path(tmp_path / "s").iterdir():
        if f.name == "CURRENT" or f.name.startswith("MANIFEST-"):
            f.unlink()
    with pytest.raises(qiaolian.Error):
        qiaolian.Store(str(tmp_path / "s"), create_if_missing=False)
    report = qiaolian.repair(str(tmp_path / "s"))
    assert report["consistent"] is True
    with qiaolian.Store(str(tmp_path / "s")) as store:
        assert store.count("person") == 30


def test_repair_refuses_a_store_in_use_and_a_missing_one(tmp_path):
    _fill(tmp_path / "s")
    with qiaolian.Store(str(tmp_path / "s")):
        with pytest.raises(qiaolian.UnavailableError, match="in use"):
            qiaolian.repair(str(tmp_path / "s"))
    with pytest.raises(qiaolian.NotFoundError):
        qiaolian.repair(str(tmp_path / "missing"))


def test_limits_through_the_c_api(tmp_path):
    mib = 1 << 20
    with qiaolian.Store(str(tmp_path / "s")) as store:
        # A field over its limit (1 MiB), named.
        with pytest.raises(qiaolian.ResourceExhaustedError,
                           match="person.notes"):
            store.create("person", {"name": "陈丽华",
                                    "categories": ["CATEGORY_RETURNEE"],
                                    "notes": "x" * (mib + 1)})
        # A record over its limit (16 MiB) is refused before decoding.
        with pytest.raises(qiaolian.ResourceExhaustedError,
                           match="exceeds the limit"):
            store.create("person", {"name": "x" * (16 * mib + 1)})
        # A query over its limit (64 KiB).
        text = 'person where name = "李明"'
        text += " " * (64 * 1024 + 1 - len(text.encode()))
        with pytest.raises(qiaolian.ResourceExhaustedError,
                           match="exceeds the limit"):
            list(store.query(text))
        with pytest.raises(qiaolian.ResourceExhaustedError):
            store.aggregate(text)
        assert store.count("person") == 0
