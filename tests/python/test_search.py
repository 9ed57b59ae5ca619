"""Search, duplicates, merge and text functions through the Python binding."""

import pytest

import qiaolian


@pytest.fixture
def people(tmp_path):
    with qiaolian.Store(str(tmp_path / "s")) as store:
        ids = {}
        ids["chen"] = store.create("person", {
            "name": "陈伟", "birthDate": {"year": 1960, "month": 1, "day": 2}})
        ids["chen_tw"] = store.create("person", {
            "name": "陳偉", "birthDate": {"year": 1960, "month": 1, "day": 2}})
        ids["li"] = store.create("person", {"name": "李娜"})
        yield store, ids


def test_search_ranks_and_explains(people):
    store, ids = people
    hits = qiaolian.search(store, "person", "陳偉")
    assert [h["id"] for h in hits[:2]] == [ids["chen"], ids["chen_tw"]]
    assert hits[0]["match"] == "exact"
    assert hits[0]["reason"] == "exact match of name"
    cw = qiaolian.search(store, "person", "cw")
    assert {h["id"] for h in cw} == {ids["chen"], ids["chen_tw"]}
    assert all(h["match"] == "pinyin" for h in cw)
    assert qiaolian.search(store, "person", "chen wei", limit=1)[0]["score"] > 0
    assert qiaolian.search(store, "person", "zzzz") == []


def test_search_by_phone_or_code(people):
    store, ids = people
    wang = store.create("person", {
        "name": "王芳",
        "contacts": [{"type": "TYPE_PHONE", "value": "+8613900001111"}]})
    ent = store.create("enterprise", {
        "name": "常州三久制造有限公司", "uscc": "91320413723588143D",
        "legalRepresentative": {"name": "胡正明"}})
    hits = qiaolian.search(store, "person", "+86 139 0000 1111")
    assert [(h["id"], h["field"], h["text"]) for h in hits] == [
        (wang, "contact", "王芳")]
    # The number written otherwise (a mainland mobile without +86): by its
    # digits.
    hits = qiaolian.search(store, "person", "139-0000-1111")
    assert [(h["id"], h["reason"]) for h in hits] == [
        (wang, "phone number is the query, by its digits")]
    # A number from abroad, written with and without its country code.
    lim = store.create("person", {
        "name": "林淑芬",
        "contacts": [{"type": "TYPE_PHONE", "value": "9123 4567"}]})
    hits = qiaolian.search(store, "person", "+65 9123 4567")
    assert [(h["id"], h["score"], h["reason"]) for h in hits] == [
        (lim, 95,
         "phone number is the query's, written without its country code")]
    assert [h["id"] for h in qiaolian.search(store, "person", "91234567")] == [
        lim]
    hits = qiaolian.search(store, "enterprise", "91320413723588143d")
    assert [(h["id"], h["score"]) for h in hits] == [(ent, 100)]
    hits = qiaolian.search(store, "enterprise", "胡正明")
    assert [(h["id"], h["field"]) for h in hits] == [
        (ent, "legal representative")]
    # Both kinds at once: the person named so first, then his enterprise.
    hu = store.create("person", {"name": "胡正明"})
    hits = qiaolian.search(store, None, "胡正明")
    assert [(h["kind"], h["id"], h["score"]) for h in hits] == [
        ("person", hu, 100), ("enterprise", ent, 60)]


def test_search_errors(people):
    store, _ = people
    with pytest.raises(qiaolian.InvalidArgumentError):
        qiaolian.search(store, "event", "x")
    with pytest.raises(qiaolian.InvalidArgumentError):
        qiaolian.search(store, "person", "  ")
    with pytest.raises(qiaolian.InvalidArgumentError):
        qiaolian.search(store, "nobody", "x")


def test_duplicates_and_merge(people):
    store, ids = people
    pairs = qiaolian.duplicates(store, "person")
    assert len(pairs) == 1
    assert {pairs[0]["a"], pairs[0]["b"]} == {ids["chen"], ids["chen_tw"]}
    assert pairs[0]["score"] == 90
    assert "birth date" in pairs[0]["reasons"][0]
    ev = store.create("event", {
        "type": "TYPE_GREETING_VISIT", "date": {"year": 2020, "month": 3,
                                                "day": 1},
        "participants": [{"ref": {"kind": "KIND_PERSON",
                                  "id": str(ids["chen_tw"])}}]})
    result = qiaolian.merge(store, "person", ids["chen"], ids["chen_tw"],
                            actor="staff")
    assert result["moved"] == [{"kind": "event", "id": ev}]
    assert result["refs_moved"] == 1
    assert store.get("event", ev)["participants"][0]["ref"]["id"] == \
        str(ids["chen"])
    with pytest.raises(qiaolian.NotFoundError):
        store.get("person", ids["chen_tw"])
    assert store.verify()["consistent"]
    assert qiaolian.duplicates(store, "person") == []
    with pytest.raises(qiaolian.NotFoundError):
        qiaolian.merge(store, "person", ids["chen"], ids["chen_tw"])


def test_text_functions():
    assert qiaolian.normalize("ＣＨＥＮ　Ｗｅｉ") == "chen wei"
    assert qiaolian.normalize("陳 偉", compact=True) == "陈伟"
    assert qiaolian.pinyin("单雄信", name=True) == {
        "full": "shanxiongxin", "spaced": "shan xiong xin",
        "initials": "sxx"}
    assert qiaolian.pinyin("单位")["full"] == "danwei"


def test_search_example_runs(tmp_path, run_example):
    """examples/python/search.py: names across scripts, a phone number, a
    USCC, a legal representative, duplicates and a merge."""
    out = run_example("search.py", tmp_path / "store")
    assert "'+65 9123 4567' 100 exact     person 3  Wei Chen" in out
    assert "'9123 4567'  100 exact     person 3  Wei Chen" in out
    assert "'胡正明'         60 legal representative enterprise 1" in out
    assert "'survivor': 1, 'merged': 2" in out
