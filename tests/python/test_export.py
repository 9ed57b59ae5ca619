"""Tests of Store.export (qiaolian_export through ctypes)."""

import zipfile

import pytest

import qiaolian

PERSON = {
    "name": "张三",
    "identityDocuments": [{"type": "TYPE_RESIDENT_ID",
                           "number": "11010519491231002X"}],
    "contacts": [{"type": "TYPE_PHONE", "value": "13912345678"}],
}
# A valid USCC made of digits only.
DIGITS_USCC = "913200007235882006"


def test_csv_is_masked_by_default_and_unmasked_on_request(store, tmp_path):
    store.create("person", PERSON)
    out = tmp_path / "people.csv"
    assert store.export('person where name = "张三"', out) == 1
    text = out.read_text(encoding="utf-8")
    assert "110105********002X" in text
    assert "139****5678" in text
    assert "11010519491231002X" not in text
    n = store.export('person where name = "张三"', out, unmasked=True,
                     bom=True, columns=["name", "identity_documents.number"])
    assert n == 1
    assert out.read_bytes() == ("\ufeffname,identity_documents.number\r\n"
                                "张三,11010519491231002X\r\n").encode("utf-8")


def test_formulas_are_neutralised_in_csv(store, tmp_path):
    store.create("enterprise", {"name": "=1+2", "uscc": DIGITS_USCC})
    out = tmp_path / "e.csv"
    store.export(f'enterprise where uscc = "{DIGITS_USCC}"', out,
                 columns=["name", "uscc"])
    assert out.read_bytes().decode("utf-8") == (
        f"name,uscc\r\n'=1+2,{DIGITS_USCC}\r\n")


def test_jsonl_and_xlsx_by_extension(store, tmp_path):
    store.create("person", PERSON)
    store.create("enterprise", {"name": "数字代码公司", "uscc": DIGITS_USCC,
                                "employeeCount": 12})
    jl = tmp_path / "people.jsonl"
    assert store.export('person where name = "张三"', jl) == 1
    assert '"110105********002X"' in jl.read_text(encoding="utf-8")

    xl = tmp_path / "e.xlsx"
    assert store.export('enterprise where name = "数字代码公司"', xl,
                        columns=["name", "uscc", "employee_count"]) == 1
    with zipfile.ZipFile(xl) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
        assert "xl/styles.xml" in z.namelist()
    # The 18-digit code stays a string cell with the Text style.
    assert (f'<c r="B2" t="inlineStr" s="1"><is><t>{DIGITS_USCC}</t>'
            in sheet)
    assert '<c r="C2"><v>12</v></c>' in sheet
    # And it re-imports.
    with qiaolian.Store(str(tmp_path / "fresh")) as fresh:
        s = fresh.import_file(xl, "enterprise")
        assert s["created"] == 1
        [e] = fresh.query(f'enterprise where uscc = "{DIGITS_USCC}"')
        assert e["name"] == "数字代码公司"


def test_errors_leave_the_target_alone(store, tmp_path):
    target = tmp_path / "keep.csv"
    target.write_text("old")
    with pytest.raises(qiaolian.InvalidArgumentError, match="nmae"):
        store.export('person where name = "x"', target, columns=["nmae"])
    with pytest.raises(qiaolian.InvalidArgumentError):
        store.export("person where", target)
    with pytest.raises(qiaolian.FailedPreconditionError):
        store.export('enterprise where notes prefix "x"', target)
    with pytest.raises(qiaolian.InvalidArgumentError, match="format"):
        store.export('person where name = "x"', target, format="xml")
    with pytest.raises(qiaolian.InvalidArgumentError, match="BOM"):
        store.export('person where name = "x"', target, format="jsonl",
                     bom=True)
    assert target.read_text() == "old"
    assert not [p for p in tmp_path.iterdir()
                if p.name.startswith("keep.csv.tmp")]
    with pytest.raises(TypeError):
        store.export('person where name = "x"', target, columns="name")


def test_labels_write_coded_values_in_chinese(store, tmp_path):
    store.create("person", {"name": "林淑芬", "gender": "GENDER_FEMALE",
                            "categories": ["CATEGORY_RETURNED_OVERSEAS_CHINESE"]})
    out = tmp_path / "people.csv"
    store.export("person", out, columns=["name", "gender", "categories"],
                 labels=True)
    assert out.read_bytes().decode("utf-8") == (
        "name,gender,categories\r\n林淑芬,女,归侨\r\n")
    with pytest.raises(qiaolian.InvalidArgumentError):
        store.export("person", tmp_path / "p.jsonl", labels=True)


def test_a_rename_by_id_needs_trusted_ids(store, tmp_path):
    """An id,name sheet with a new name: the id is not trusted unless the
    caller says the file's ids are this store's."""
    store.create("person", {"name": "胡正大"})
    out = tmp_path / "names.csv"
    store.export("person", out, columns=["id", "name"])
    out.write_text(out.read_text(encoding="utf-8").replace("胡正大", "胡正达"),
                   encoding="utf-8")
    s = store.import_file(out, "person", mode="update", dry_run=True)
    assert (s["created"], s["updated"]) == (1, 0), s
    s = store.import_file(out, "person", mode="update", trust_ids=True)
    assert (s["created"], s["updated"]) == (0, 1), s
    assert store.get("person", 1)["name"] == "胡正达"


def test_chinese_headers(store, tmp_path):
    store.create("person", {"name": "林淑芬", "gender": "GENDER_FEMALE"})
    out = tmp_path / "people.csv"
    store.export("person", out, columns=["id", "姓名", "gender"],
                 chinese_headers=True, labels=True)
    assert out.read_bytes().decode("utf-8") == (
        "系统编号,姓名,性别\r\n1,林淑芬,女\r\n")
    s = store.import_file(out, "person", mode="update")
    assert (s["unchanged"], s["created"], s["updated"]) == (1, 0, 0), s
    assert s["mapped_columns"]["性别"] == "gender"
    with pytest.raises(qiaolian.InvalidArgumentError):
        store.export("person", tmp_path / "p.jsonl", chinese_headers=True)


def test_an_edited_export_updates_its_records_by_id(store, tmp_path):
    """Export, edit a cell, import with mode="update": the row finds its
    record by id (these people have no identity document) and only the edit
    changes; a masked export is refused rather than written over the real
    values."""
    store.create("person", {"name": "胡正大", "notes": "以视频连线方式出席颁奖。"})
    store.create("person", {"name": "尹娟", "notes": "海归人才"})
    out = tmp_path / "people.csv"
    assert store.export("person", out, columns=["id", "name", "notes"]) == 2
    text = out.read_text(encoding="utf-8").replace("海归人才", "海归人才，已回国")
    out.write_text(text, encoding="utf-8")
    s = store.import_file(out, "person", mode="update")
    assert (s["created"], s["updated"], s["unchanged"]) == (0, 1, 1)
    assert store.get("person", 2)["notes"] == "海归人才，已回国"
    assert store.get("person", 2)["meta"]["revision"] == "2"

    pid = store.create("person", PERSON)
    masked = tmp_path / "masked.jsonl"
    store.export('person where name = "张三"', masked)
    s = store.import_file(masked, "person", mode="update")
    assert s["rejected"] == 1
    assert any("masked" in r for r in s["rejected_by_reason"])
    got = store.get("person", pid)
    assert got["meta"]["revision"] == "1"


@pytest.mark.parametrize("fmt,labels", [("csv", False), ("xlsx", False),
                                        ("jsonl", False), ("csv", True),
                                        ("xlsx", True)])
def test_every_example_record_round_trips_unchanged(loaded, tmp_path, fmt,
                                                    labels):
    """Every record of examples/2020, of every kind, exported unmasked (coded
    values as names or as Chinese labels, headers as field paths or, with
    labels, in Chinese) and imported back in update mode: matched by id,
    nothing changes."""
    for kind in ("enterprise", "person", "event", "case", "donation"):
        n = loaded.count(kind)
        assert n > 0
        path = tmp_path / f"{kind}.{fmt}"
        assert loaded.export(kind, path, unmasked=True, allow_scan=True,
                             labels=labels, chinese_headers=labels) == n
        s = loaded.import_file(path, kind, mode="update")
        assert (s["unchanged"], s["created"], s["updated"], s["rejected"],
                s["warned"]) == (n, 0, 0, 0, 0), (kind, s)
