#!/usr/bin/env python3
"""Import a messy registry extract, then export what was imported (issue 5).

    PYTHONPATH=python QIAOLIAN_BUILD_DIR=build python3 examples/python/import_export.py [DIR]

Writes a small CSV as offices and registries send them (a title above the
Chinese headers, dates and capital in several spellings, a full-width code,
a placeholder, a bad check character, an exact duplicate row, a 合计 line
and the name of who filled it in under the records), imports it with a
reject file, runs the same import again (nothing changes), exports the
enterprises to .xlsx and CSV (with a BOM, for Excel), and imports a list of
donations from abroad whose dates are day first and amounts have a decimal
comma, a register of visits (来访登记表) without a type column, the type
given for every row, and an activity ledger on a form (two header rows, a
type in the office's own words, a row of empty cells). A visit is recorded
with the enterprise it went to (走访对象=enterprise:…), and the enterprises
whose names hold 製造 (制造) are found with `contains`. DIR defaults to a new
temporary directory, removed at the end.
"""

import os
import shutil
import sys
import tempfile

import qiaolian

CSV = """金坛区侨资企业名单（2020年）,,,,,,
企业名称,统一社会信用代码,法定代表人,成立日期,注册资本,登记状态,投资国别
常州三久制造有限公司,91320413723588143D,王建国,2001-05-07,"5,000(万元人民币)",存续（在营、开业、在册）,HK
金坛一号农场,９１３２０４１３ＭＡ１ＭＱ７Ｋ３１Ｄ,李四,2008年5月7日,50万美元,在业,sg
鑫品茶业有限公司,91320413608244193e,N/A,20100101,无,吊销，未注销,
坏代码公司,91320413723588143X,张三,2001/1/1,100万元,存续,
常州三久制造有限公司,91320413723588143D,王建国,2001-05-07,"5,000(万元人民币)",存续（在营、开业、在册）,HK
合　计,4家,,,,,
填表人：张三,,,,,,
"""


def main(d):
    src = os.path.join(d, "常州.csv")
    with open(src, "w", encoding="utf-8") as f:
        f.write(CSV)
    with qiaolian.Store(os.path.join(d, "store")) as store:
        s = store.import_file(src, "enterprise",
                              reject_file=os.path.join(d, "rejects.csv"))
        print(f"header on line {s['header_line']}, above it: "
              f"{s['above_header']}")
        print(f"rows {s['rows']}: created {s['created']}, duplicates "
              f"{s['duplicates']}, rejected {s['rejected']}")
        # A new store: a bulk load, whose index entries were sorted and
        # written at the end (docs/import.md, "Bulk load").
        print(f"bulk load: {s['bulk_load']}, "
              f"{s['deferred_index_entries']} index entries at the end")
        for reason, n in s["rejected_by_reason"].items():
            print(f"  rejected {n}: {reason}")
        with open(os.path.join(d, "rejects.csv"), encoding="utf-8") as f:
            print("reject file:\n  " + f.read().strip().replace("\n", "\n  "))
        # Into a store that has enterprises, a small file is an ordinary
        # import; bulk_load="on" (or a file of 64 MiB or more) would make
        # it a bulk load too.
        again = store.import_file(src, "enterprise")
        print(f"second run: created {again['created']}, unchanged "
              f"{again['unchanged']}, bulk load: {again['bulk_load']}")
        # A visit recorded as staff would note it: fields named as in a
        # sheet, the enterprise by its name.
        visit = store.add("event", {"活动类型": "走访企业",
                                    "日期": "2020年5月6日",
                                    "走访对象": "enterprise:常州三久制造有限公司"})
        print(f"visit recorded: event {visit}, "
              f"{store.get('event', visit)['participants'][0]['ref']}")
        sizes = store.compact()  # After a large import: faster reads.
        print(f"compacted: {sizes['bytes_after']} bytes on disk")

        for e in store.query('enterprise where status = ACTIVE and '
                             'name contains "製造"'):  # 制造 too.
            print("manufacturer:", e["name"])
        for e in store.query("enterprise where status = ACTIVE"):
            print(e["uscc"], e["name"], e.get("registeredCapital"),
                  e.get("investorCountries"))
        n = store.export("enterprise where status = ACTIVE",
                         os.path.join(d, "存续企业.xlsx"))
        print(f"{n} records exported to 存续企业.xlsx")
        n = store.export("enterprise where status = ACTIVE",
                         os.path.join(d, "存续企业.csv"), bom=True,
                         columns=["uscc", "name", "registered_capital",
                                  "established"])
        with open(os.path.join(d, "存续企业.csv"), encoding="utf-8-sig") as f:
            print(f.read().strip())

        # The round trip of an office: export, edit a cell in a spreadsheet,
        # import the file back in update mode. The id column finds each
        # record; only the edited one changes.
        sheet = os.path.join(d, "修改.csv")
        store.export("enterprise where status = ACTIVE", sheet,
                     columns=["id", "name", "legal_representative.name"])
        with open(sheet, encoding="utf-8") as f:
            text = f.read()
        with open(sheet, "w", encoding="utf-8") as f:
            f.write(text.replace("王建国", "王建华"))
        s = store.import_file(sheet, "enterprise", mode="update")
        print(f"edited sheet: updated {s['updated']}, unchanged "
              f"{s['unchanged']}")

        # A list from an association in Malaysia: dates day first (13/05)
        # and amounts with a decimal comma, which nothing in a CSV file
        # says: the import is told (docs/import.md, "Files from elsewhere").
        gifts = os.path.join(d, "马来西亚侨团捐款.csv")
        with open(gifts, "w", encoding="utf-8") as f:
            f.write("方向,捐赠形式,捐赠日期,摘要,金额（元）\n"
                    '受捐,资金,13/05/2020,侨团抗疫捐款,"12.500,00"\n')
        s = store.import_file(gifts, "donation", date_order="dmy",
                              decimal_mark="comma")
        (gift,) = store.query("donation", allow_scan=True)
        print(f"donation from Malaysia: created {s['created']}, "
              f"{gift['date']}, {int(gift['money']['amountMinor']) / 100} "
              f"{gift['money']['currency']}")

        # A register of visits as an office keeps it (来访登记表): its own
        # headers, the people who came by name, no type column: the type is
        # given for every row that has none; the channel, a visit, is what
        # the header 来访日期 says.
        visits = os.path.join(d, "来访登记表.csv")
        with open(visits, "w", encoding="utf-8") as f:
            f.write("编号,来访日期,来访人,反映问题,承办人\n"
                    "XF-001,2020年6月2日上午,林淑芬,子女就学,李明\n"
                    "XF-002,2020/6/3,陈伟明、陈小明,房屋租赁纠纷,李明\n")
        s = store.import_file(visits, "case", values={"type": "信访"})
        print(f"register of visits: created {s['created']}, "
              f"rejected {s['rejected']}")
        case = store.get("case", 2)
        print(f"case 2: {case['channel']}, {case['type']}, "
              f"{[p['name'] for p in case['parties']]}")

        # An activity ledger on a form: 参加人员 merged over 姓名 and 人数,
        # two header rows read as one; a type in the office's own words
        # (联欢晚会) is 其他, the words kept as a tag; a row of empty cells
        # is skipped.
        ledger = os.path.join(d, "活动台账.csv")
        with open(ledger, "w", encoding="utf-8") as f:
            f.write("活动名称,活动日期,活动类型,参加人员,\n"
                    ",,,姓名,人数\n"
                    "新春座谈会,2020-01-10,座谈会,林淑芬、陈伟明,30\n"
                    ",,,,\n"
                    "迎春联欢,2020-01-18,联欢晚会,,120\n")
        s = store.import_file(ledger, "event")
        print(f"activity ledger: header rows {s['header_rows']}, created "
              f"{s['created']}, warned {s['warned']}, blank rows "
              f"{s['blank_rows']}")
        (party,) = store.query("event where tags = 联欢晚会")
        print(f"联欢晚会: {party['type']}, {party['attendeeCount']} people")


if __name__ == "__main__":
    if len(sys.argv) > 1:
        main(sys.argv[1])
    else:
        tmp = tempfile.mkdtemp(prefix="qiaolian-import-export-")
        try:
            main(tmp)
        finally:
            shutil.rmtree(tmp)
