"""Import of a real .xls (BIFF8) workbook, read with FreeXL (issue 5: "both
Excel formats"). No BIFF writer ships with Debian, so the workbook is built
here byte by byte: an OLE2 compound file holding one "Workbook" stream with
BOF, CODEPAGE (UTF-16), a FONT, 17 XF records (the 16th cell XF uses the
built-in date format 14), BOUNDSHEET, EOF, then the sheet: BOF, DIMENSIONS,
LABEL (text) and NUMBER cells, EOF."""

import struct

import qiaolian

DATE_XF = 16  # An XF with number format 14 (a date).


def _rec(kind, data):
    return struct.pack("<HH", kind, len(data)) + data


def _ustr16(s):
    return struct.pack("<HB", len(s), 1) + s.encode("utf-16-le")


def _ustr8(s):
    return struct.pack("<BB", len(s), 1) + s.encode("utf-16-le")


def _biff(rows, sheet_name):
    bof = struct.pack("<HHHHII", 0x0600, 0x0005, 0x0DBB, 0x07CC, 0, 6)
    head = _rec(0x0809, bof) + _rec(0x0042, struct.pack("<H", 1200))
    head += _rec(0x0031, struct.pack("<HHHHHBBBB", 200, 0, 0x7FFF, 400, 0, 0,
                                     0, 0, 0) + _ustr8("Arial"))
    for i in range(DATE_XF + 1):
        style = i < 15
        fmt = 14 if i == DATE_XF else 0
        head += _rec(0x00E0, struct.pack(
            "<HHHBBBBIIH", 0, fmt, 0xFFF5 if style else 0x0001, 0x20, 0, 0,
            0x04 if i == DATE_XF else 0, 0, 0, 0x20C0))
    eof = _rec(0x000A, b"")

    def boundsheet(pos):
        return _rec(0x0085, struct.pack("<IH", pos, 0) + _ustr8(sheet_name))

    glob = head + boundsheet(len(head) + len(boundsheet(0)) + len(eof)) + eof
    sheet = _rec(0x0809, struct.pack("<HHHHII", 0x0600, 0x0010, 0x0DBB,
                                     0x07CC, 0, 6))
    ncols = max(len(r) for r in rows)
    sheet += _rec(0x0200, struct.pack("<IIHHH", 0, len(rows), 0, ncols, 0))
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            if isinstance(v, str):
                sheet += _rec(0x0204, struct.pack("<HHH", r, c, 15) +
                              _ustr16(v))
            else:
                xf, number = v
                sheet += _rec(0x0203, struct.pack("<HHHd", r, c, xf, number))
    return glob + sheet + eof


def _compound_file(stream):
    """A version 3 compound file: sector 0 the FAT, then the stream (padded
    to at least 4096 bytes so it lives in regular sectors), then the
    directory (root entry and "Workbook")."""
    size = len(stream)
    stream += b"\0" * (max(4096, -(-size // 512) * 512) - size)
    n = len(stream) // 512
    end, free, fat_sect = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD
    fat = [fat_sect] + list(range(2, n + 1)) + [end, end]
    fat += [free] * (128 - len(fat))
    header = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1" + b"\0" * 16
    header += struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6) + b"\0" * 6
    header += struct.pack("<IIIIIIIII", 0, 1, n + 1, 0, 4096, end, 0, end, 0)
    header += struct.pack("<I", 0) + struct.pack("<I", free) * 108

    def entry(name, kind, start, length, child=free):
        raw = name.encode("utf-16-le") + b"\0\0"
        return (raw + b"\0" * (64 - len(raw)) +
                struct.pack("<HBB", len(raw), kind, 1) +
                struct.pack("<III", free, free, child) + b"\0" * 20 +
                b"\0" * 16 + struct.pack("<IQ", start, length))

    directory = entry("Root Entry", 5, end, 0, child=1)
    directory += entry("Workbook", 2, 1, size)
    directory += b"\0" * (512 - len(directory))
    return header + struct.pack("<128I", *fat) + stream + directory


def write_xls(path, rows, sheet_name="企业"):
    with open(path, "wb") as f:
        f.write(_compound_file(_biff(rows, sheet_name)))
    return path


def test_xls_workbook_imports(store, tmp_path):
    path = write_xls(tmp_path / "企业名录.xls", [
        ["企业名称", "统一社会信用代码", "注册资本", "成立日期", "登记状态"],
        ["常州三久制造有限公司", "91320413723588143D", "5,000(万元人民币)",
         "2001-05-07", "存续"],
        # A capital typed as a number, a date typed as a date-formatted cell.
        ["金坛一号农场", "91320413MA1MQ7K31D", (15, 50.0),
         (DATE_XF, 39575.0), "在业"],
        ["坏代码", "91320413723588143X", "100万元", "2001/1/1", "存续"],
    ])
    s = store.import_file(path, "enterprise")
    assert s["encoding"] == "xls"
    assert (s["rows"], s["created"], s["rejected"]) == (3, 2, 1)
    by_uscc = {e["uscc"]: e for e in
               store.query("enterprise where status = ACTIVE")}
    a = by_uscc["91320413723588143D"]
    assert a["name"] == "常州三久制造有限公司"
    assert a["registeredCapital"] == {"currency": "CNY",
                                      "amountMinor": "5000000000"}
    assert a["established"] == {"year": 2001, "month": 5, "day": 7}
    b = by_uscc["91320413MA1MQ7K31D"]
    # 50 with no unit: yuan; the date cell's serial 39575 is 2008-05-07.
    assert b["registeredCapital"] == {"currency": "CNY", "amountMinor": "5000"}
    assert b["established"] == {"year": 2008, "month": 5, "day": 7}
    # Re-running changes nothing.
    again = store.import_file(path, "enterprise")
    assert (again["created"], again["unchanged"]) == (0, 2)
    # The sheet by name or number; the summary names it; an unknown sheet
    # lists the workbook's.
    assert s["sheet"] == "企业"
    by_name = store.import_file(path, "enterprise", sheet="企业")
    assert (by_name["sheet"], by_name["unchanged"]) == ("企业", 2)
    assert store.import_file(path, "enterprise", sheet=1)["unchanged"] == 2
    try:
        store.import_file(path, "enterprise", sheet="名单")
    except qiaolian.InvalidArgumentError as e:
        assert 'has no sheet "名单" (its sheets: 1 "企业"' in str(e)
    else:
        raise AssertionError("expected InvalidArgumentError")


def test_not_a_workbook_is_invalid(store, tmp_path):
    bad = tmp_path / "bad.xls"
    bad.write_bytes(b"not a workbook")
    try:
        store.import_file(bad, "enterprise")
    except qiaolian.InvalidArgumentError as e:
        assert "bad.xls" in str(e)
    else:
        raise AssertionError("expected InvalidArgumentError")
