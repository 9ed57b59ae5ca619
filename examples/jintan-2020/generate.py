#!/usr/bin/env python3
"""Writes the record files of examples/jintan-2020 (run from anywhere).

The 2020 work report of 金坛区侨联 gives totals; this script writes records
whose totals are those of the report, with the names the report gives and
invented, plausible ones where it gives only counts (README.md says which).
Deterministic: the files it writes are committed, and running it again
rewrites them byte for byte. Ids are assigned in file order on import into a
fresh store, so Refs below are positions in these files.
"""
import json
import os
import random

HERE = os.path.dirname(os.path.abspath(__file__))
rng = random.Random(2020)

USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_W = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def uscc(serial):
    """An invented 金坛区 USCC with valid GB 11714 and GB 32100 checks."""
    body = "%08d" % (73000000 + serial * 7919)
    s = sum(int(c) * w for c, w in zip(body, [3, 7, 9, 10, 5, 8, 4, 2]))
    c9 = 11 - s % 11
    org = body + ("X" if c9 == 10 else "0" if c9 == 11 else str(c9))
    code = "91" + "320413" + org
    s = sum(USCC_CHARS.index(c) * w for c, w in zip(code, USCC_W))
    c = 31 - s % 31
    return code + USCC_CHARS[0 if c == 31 else c]


def d(y, m, day):
    return {"year": y, "month": m, "day": day}


def ref(kind, i):
    return {"kind": "KIND_" + kind.upper(), "id": str(i)}


def rand_day(y, m):
    return d(y, m, rng.randint(1, 28))


def cny(yuan):
    return {"currency": "CNY", "amountMinor": str(int(round(yuan * 100)))}


def write(name, rows):
    with open(os.path.join(HERE, name), "w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False, separators=(",", ":")))
            f.write("\n")


JT = {"code": "320413", "province": "江苏", "region": "常州", "district": "金坛"}
JT_ADDR = {"country": "CN", "divisionCode": "320413", "text": "江苏省常州市金坛区"}

# ---------------------------------------------------------------- enterprises
# 1-13: the enterprises of examples/2020 (names as in the report).
with open(os.path.join(HERE, "..", "2020", "enterprise.jsonl"), encoding="utf-8") as f:
    enterprises = [json.loads(line) for line in f]
assert len(enterprises) == 13
SANJIU, YIHAO, XINPIN, CHENFENG, BOSHIMAN, GUJI, SHENGLI = 1, 2, 3, 4, 5, 6, 7
DONGFEI, QIAOQING, RENMIN_HOSP, ZHONGYI_HOSP, YIZHONG, COURT = 8, 9, 10, 11, 12, 13

INVENTED_OCI = [  # 14-28: invented 侨资企业 (visited in 2020).
    ("金坛华茂精密机械有限公司", "C", "通用设备制造", ["SG"]),
    ("常州东升光电科技有限公司", "C", "光电子器件制造", ["US"]),
    ("金坛恒信新材料有限公司", "C", "新材料", ["DE"]),
    ("常州裕丰食品有限公司", "C", "食品制造", ["HK"]),
    ("金坛长荡湖生态农业有限公司", "A", "水产养殖", ["CA"]),
    ("常州润泽医疗器械有限公司", "C", "医疗器械制造", ["JP"]),
    ("金坛锦程纺织有限公司", "C", "纺织", ["HK"]),
    ("常州海诺电子有限公司", "C", "电子元件制造", ["TW"]),
    ("金坛茅山文旅发展有限公司", "N", "旅游开发", ["SG"]),
    ("常州博远汽车零部件有限公司", "C", "汽车零部件", ["DE"]),
    ("金坛佳禾生物科技有限公司", "C", "生物制品", ["US"]),
    ("常州新源环保设备有限公司", "C", "环保设备", ["KE"]),
    ("金坛汇丰包装材料有限公司", "C", "包装材料", ["AU"]),
    ("常州天目湖酒店管理有限公司", "H", "住宿", ["HK"]),
    ("金坛瑞达物流有限公司", "G", "道路货运", ["CA"]),
]
for i, (name, code, industry, countries) in enumerate(INVENTED_OCI):
    enterprises.append({
        "name": name, "uscc": uscc(i + 1), "type": "TYPE_FOREIGN_INVESTED",
        "overseasChineseInvested": True, "investorCountries": countries,
        "industry": industry, "industryCode": code,
        "registrationDivision": JT, "address": JT_ADDR,
        "established": d(2003 + i, 1 + i % 12, 10 + i),
        "tags": ["侨资企业", "示例（虚构）"]})
SINOPEC = len(enterprises) + 1  # 29: not overseas-Chinese-invested.
enterprises.append({"name": "中石化常州公司", "type": "TYPE_STATE_OWNED",
                    "overseasChineseInvested": False, "address": {"country": "CN", "text": "江苏省常州市"},
                    "tags": ["直播带货"], "notes": "《中石化常州公司直播首秀，牵手一号农场》"})
for name, country, kind in [("肯尼亚江苏商会", "KE", "TYPE_ASSOCIATION"),
                            ("香港同乡会", "HK", "TYPE_HOMETOWN_ASSOCIATION"),
                            ("澳苏商会", "AU", "TYPE_ASSOCIATION"),
                            ("德国江苏商会", "DE", "TYPE_ASSOCIATION"),
                            ("日本江苏商会", "JP", "TYPE_ASSOCIATION")]:
    enterprises.append({"name": name, "type": kind, "address": {"country": country},
                        "tags": ["海外侨团"]})
KENYA_JS = SINOPEC + 1  # 30
CENTRES = []
for name, y, m in [("西城街道基层侨胞之家", 2020, 6), ("儒林镇基层侨胞之家", 2020, 9),
                   ("金城镇基层侨胞之家", 2020, 11), ("东城街道基层侨胞之家", 2019, 10)]:
    enterprises.append({"name": name, "type": "TYPE_GRASSROOTS_CENTRE",
                        "established": d(y, m, 18), "address": JT_ADDR,
                        "tags": ["基层侨胞之家", "示例（虚构）"]})
    CENTRES.append(len(enterprises))
NOT_VISITED = []
for i, (name, country) in enumerate([("金坛宏图塑业有限公司", "HK"), ("常州明远建材有限公司", "SG"),
                                     ("金坛顺昌五金有限公司", "US")]):
    enterprises.append({"name": name, "uscc": uscc(40 + i), "type": "TYPE_FOREIGN_INVESTED",
                        "overseasChineseInvested": True, "investorCountries": [country],
                        "registrationDivision": JT, "address": JT_ADDR,
                        "tags": ["侨资企业", "示例（虚构）"]})
    NOT_VISITED.append(len(enterprises))
PROVINCE_FED = len(enterprises) + 1
enterprises.append({"name": "江苏省侨联", "type": "TYPE_OTHER", "typeText": "人民团体",
                    "address": {"country": "CN", "divisionCode": "320000", "text": "江苏省南京市"}})
write("enterprise.jsonl", enterprises)

# --------------------------------------------------------------------- people
people = []
with open(os.path.join(HERE, "..", "2020", "person.jsonl"), encoding="utf-8") as f:
    people = [json.loads(line) for line in f]  # 1 胡正明 2 胡正大 3 尹娟 4 黄慧
HU_ZHENGMING = 1
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文斌辉燕鹏宇浩然晨曦思远嘉怡子涵俊杰雨欣梓轩若彤"
used = {p["name"] for p in people}


def new_name():
    while True:
        n = rng.choice(SURNAMES) + rng.choice(GIVEN) + (rng.choice(GIVEN) if rng.random() < 0.7 else "")
        if n not in used:
            used.add(n)
            return n


ABROAD = ["DE", "FR", "CA", "ES", "JP", "GB", "SG", "US", "KE", "AU"]
VISITED = []  # 68 people greeted in 2020 (华侨 25, 华人 13, 归侨 12, 侨眷 18).
for cat, n in [("CATEGORY_OVERSEAS_CHINESE", 25), ("CATEGORY_ETHNIC_CHINESE", 13),
               ("CATEGORY_RETURNED_OVERSEAS_CHINESE", 12), ("CATEGORY_QIAOJUAN", 18)]:
    for k in range(n):
        p = {"name": new_name(), "gender": rng.choice(["GENDER_MALE", "GENDER_FEMALE"]),
             "categories": [cat], "tags": ["示例（虚构）"]}
        if cat in ("CATEGORY_OVERSEAS_CHINESE", "CATEGORY_ETHNIC_CHINESE"):
            c = ABROAD[(k + len(VISITED)) % len(ABROAD)]
            p["residenceCountry"] = c
            p["nationalities"] = ["CN"] if cat == "CATEGORY_OVERSEAS_CHINESE" else [c]
            p["keyPerson"] = k % 2 == 0
        else:
            p["residenceCountry"] = "CN"
            p["nationalities"] = ["CN"]
        p["hometown"] = {"code": "320413", "province": "江苏", "region": "常州", "district": "金坛"}
        people.append(p)
        VISITED.append(len(people))
assert len(VISITED) == 68
KEY_ABROAD = [VISITED[i] for i in range(38) if people[VISITED[i] - 1].get("keyPerson")]
YOUTH = []  # 14 recommended in 2020, 2 in 2019.
for k in range(16):
    y = 2020 if k < 14 else 2019
    people.append({"name": new_name(), "categories": ["CATEGORY_YOUTH", "CATEGORY_RETURNEE"] if k % 3 == 0 else ["CATEGORY_YOUTH"],
                   "residenceCountry": "CN", "memberships": [{
                       "organization": ref("enterprise", QIAOQING), "organizationName": "常州市侨青会",
                       "role": "ROLE_MEMBER", "recommended": d(y, 7 if y == 2020 else 11, 8 + k)}],
                   "tags": ["侨界青年", "示例（虚构）"]})
    YOUTH.append(len(people))
write("person.jsonl", people)

# ---------------------------------------------------------------------- cases
cases = []


def case(**kw):
    kw["number"] = "金侨%d-%03d" % (kw["received"]["year"], len(cases) + 1)  # 登记编号
    cases.append(kw)
    return len(cases)


# Fig. 2: 15 enterprise problems of the restart of work resolved (+1 open).
oci = [SANJIU, YIHAO, XINPIN, CHENFENG, BOSHIMAN, GUJI, SHENGLI] + list(range(14, 29))
topics = ["TOPIC_HIRING", "TOPIC_LOGISTICS", "TOPIC_FINANCING", "TOPIC_EPIDEMIC", "TOPIC_HIRING"]
titles = {"TOPIC_HIRING": "复工人才招聘困难", "TOPIC_LOGISTICS": "复工交通物流受阻",
          "TOPIC_FINANCING": "复工金融信贷需求", "TOPIC_EPIDEMIC": "复工防疫物资短缺"}
for k in range(16):
    e = oci[k]
    t = topics[k % len(topics)]
    rec = d(2020, 2 + k // 6, 5 + k)
    c = {"channel": "CHANNEL_VISIT", "type": "TYPE_ENTERPRISE_COORDINATION", "received": rec,
         "topic": t, "title": enterprises[e - 1]["name"] + titles[t],
         "parties": [{"ref": ref("enterprise", e), "role": "ROLE_APPLICANT"}], "tags": ["复工复产"]}
    if k < 15:
        c.update(status="STATUS_CLOSED", outcome="OUTCOME_RESOLVED", closed=d(2020, 3 + k // 6, 10 + k))
    else:
        c.update(status="STATUS_IN_PROGRESS", notes="年底仍在协调（不计入已解决）")
    case(**c)
# Fig. 3: the visa case of 三久制造, 6 foreign experts (as in examples/2020).
with open(os.path.join(HERE, "..", "2020", "case.jsonl"), encoding="utf-8") as f:
    visa = json.loads(f.readline())
visa["type"] = "TYPE_SERVICE_REQUEST"
case(**visa)


def reply_due(day):  # 2 working days later (dates chosen away from holidays).
    y, m, dd = day["year"], day["month"], day["day"]
    import datetime
    t = datetime.date(y, m, dd)
    n = 0
    while n < 2:
        t += datetime.timedelta(days=1)
        if t.weekday() < 5:
            n += 1
    return d(t.year, t.month, t.day)


def answered(received, late=False):
    import datetime
    due = reply_due(received)
    t = datetime.date(due["year"], due["month"], due["day"])
    r = t + datetime.timedelta(days=3 if late else -1)
    if r <= datetime.date(received["year"], received["month"], received["day"]):
        r = datetime.date(received["year"], received["month"], received["day"])
    return {"replyWithinWorkingDays": 2, "replyDue": due, "replied": d(r.year, r.month, r.day),
            "status": "STATUS_CLOSED", "closed": d(r.year, r.month, r.day), "outcome": "OUTCOME_ANSWERED"}


SAFE_DAYS = [(3, 10), (3, 17), (4, 14), (5, 12), (5, 19), (6, 9), (7, 7), (7, 14), (8, 11), (8, 18),
             (9, 8), (9, 15), (10, 20), (11, 10), (11, 17), (12, 8)]
# Fig. 4: 11 work / residence permit consultations answered.
for k in range(11):
    rec = d(2020, *SAFE_DAYS[k])
    case(channel=["CHANNEL_ONLINE", "CHANNEL_PHONE"][k % 2], type="TYPE_CONSULTATION",
         received=rec, topic="TOPIC_WORK_PERMIT" if k < 7 else "TOPIC_RESIDENCE_PERMIT",
         title="工作许可咨询" if k < 7 else "居留许可咨询", **answered(rec, late=(k == 5)))
# Fig. 5: services by topic.
for topic, kind, n, counts, title in [
        ("TOPIC_INVESTMENT_TALENT_POLICY", "TYPE_CONSULTATION", 10, {2: 2, 6: 2}, "招商和人才政策解答"),
        ("TOPIC_ENTREPRENEURSHIP_EMPLOYMENT", "TYPE_SERVICE_REQUEST", 6, {}, "创业、就业服务"),
        ("TOPIC_SCHOOLING", "TYPE_CONSULTATION", 3, {}, "就学咨询"),
        ("TOPIC_LEGAL", "TYPE_CONSULTATION", 2, {}, "法律咨询"),
        ("TOPIC_IMAGE_PUBLICITY", "TYPE_SERVICE_REQUEST", 2, {}, "帮助企业完成形象宣传"),
        ("TOPIC_FAMILY_GREEN_CARD", "TYPE_SERVICE_REQUEST", 1, {}, "办理家属绿卡")]:
    for k in range(n):
        rec = d(2020, *SAFE_DAYS[(k * 3 + len(cases)) % len(SAFE_DAYS)])
        c = dict(channel="CHANNEL_ONLINE", type=kind, received=rec, topic=topic, title=title,
                 **answered(rec))
        if k in counts:
            c["count"] = counts[k]
            c["notes"] = "同一企业%d次咨询合并登记" % counts[k]
        case(**c)
# Fig. 9: 32 epidemic consultations (人次) in 26 records, 21 with valid information.
for k in range(26):
    rec = d(2020, 1 + k // 8, 24 - k % 8 if k < 8 else 3 + 3 * (k % 8))
    c = dict(channel="CHANNEL_PHONE" if k % 3 else "CHANNEL_ONLINE", type="TYPE_CONSULTATION",
             received=rec, topic="TOPIC_EPIDEMIC", title="侨界防疫咨询（热线）",
             status="STATUS_CLOSED", closed=rec, outcome="OUTCOME_ANSWERED",
             validInformation=k < 21)
    if k >= 20:
        c["count"] = 2
        c["notes"] = "一家两人同时咨询"
    case(**c)
# Fig. 15: petitions 来信来电 48 人次 (40 records, 8 of 2 people), incl. 2 court mediations.
for k in range(40):
    rec = d(2020, 1 + k % 12, 6 + k % 20)
    kind = "TYPE_COURT_MEDIATION" if k < 2 else "TYPE_PETITION"
    c = dict(channel=["CHANNEL_LETTER", "CHANNEL_PHONE", "CHANNEL_VISIT"][k % 3], type=kind,
             received=rec, topic=["TOPIC_HOUSING_RENT", "TOPIC_LEGAL"][k % 2] if k < 2 else
             ["TOPIC_LEGAL", "TOPIC_HOUSING_RENT", "TOPIC_ENTRY_EXIT", "TOPIC_OTHER"][k % 4],
             title=["在坛巴西华侨东崛购物中心房租纠纷", "创业人员咨询复议未执行事项"][k] if k < 2 else "侨界来信来电",
             status="STATUS_CLOSED", closed=d(2020, 1 + k % 12, 26 + k % 3),
             outcome="OUTCOME_REFERRED_TO_COURT" if k < 2 else "OUTCOME_RESOLVED")
    if k < 2:
        c["referredTo"] = "金坛区人民法院"
        c["referredToOrg"] = ref("enterprise", COURT)
    if 10 <= k < 18:
        c["count"] = 2
    case(**c)
write("case.jsonl", cases)

# ------------------------------------------------------------------ donations
donations = []


def don(**kw):
    donations.append(kw)
    return len(donations)


for hosp in (RENMIN_HOSP, ZHONGYI_HOSP):  # Fig. 6: 600 只 N95 for two hospitals.
    don(direction="DIRECTION_INBOUND", type="TYPE_GOODS", date=d(2020, 2, 12), title="东非商会平台筹集N95口罩",
        donors=[{"ref": ref("enterprise", DONGFEI), "role": "ROLE_INTERMEDIARY"}],
        recipients=[{"ref": ref("enterprise", hosp), "role": "ROLE_RECIPIENT"}],
        items=[{"description": "3M医用标准版N95口罩", "quantity": "300", "unit": "只", "value": cny(6000)}],
        purpose="PURPOSE_EPIDEMIC", campaign="东非商会N95口罩募集", raisedVia=ref("enterprise", DONGFEI),
        raisedViaName="东非商会")
don(direction="DIRECTION_INBOUND", type="TYPE_GOODS", date=d(2020, 3, 6), title="肯尼亚江苏商会捐赠防疫物资",
    donors=[{"ref": ref("enterprise", KENYA_JS), "role": "ROLE_DONOR"}],
    items=[{"description": "医用外科口罩", "quantity": "20000", "unit": "只",
            "value": {"currency": "USD", "amountMinor": "2175000"}}],
    purpose="PURPOSE_EPIDEMIC", campaign="肯尼亚江苏商会捐赠防疫物资", notes="价值以美元申报")
for k, (e, desc, q, unit, v) in enumerate([(CHENFENG, "84消毒液", 800, "箱", 240000),
                                            (XINPIN, "医用防护服", 3000, "套", 210000),
                                            (BOSHIMAN, "红外测温仪", 500, "台", 150000)]):
    don(direction="DIRECTION_INBOUND", type="TYPE_GOODS", date=d(2020, 2, 20 + k), title="侨企爱心捐赠防疫物资",
        donors=[{"ref": ref("enterprise", e), "role": "ROLE_DONOR"}],
        items=[{"description": desc, "quantity": str(q), "unit": unit, "value": cny(v)}],
        purpose="PURPOSE_EPIDEMIC", campaign="组织侨企活动爱心捐赠")
don(direction="DIRECTION_INBOUND", type="TYPE_MIXED", date=d(2020, 2, 28), title="微信、QQ群侨界募捐",
    donors=[{"name": "海内外侨界人士", "role": "ROLE_DONOR", "count": 86}],
    money=cny(180000), items=[{"description": "医用外科口罩", "quantity": "50000", "unit": "只", "value": cny(100000)}],
    purpose="PURPOSE_EPIDEMIC", campaign="微信QQ群侨界募捐", raisedViaName="微信/QQ群")
don(direction="DIRECTION_OUTBOUND", type="TYPE_MONEY", date=d(2020, 3, 18), title="向人民医院涉侨医护人员送达慰问资金",
    donors=[{"ref": ref("enterprise", PROVINCE_FED), "role": "ROLE_SPONSOR"}],
    recipients=[{"name": "人民医院涉侨医护人员", "role": "ROLE_RECIPIENT", "category": "CATEGORY_MEDICAL_STAFF", "count": 10}],
    money=cny(20000), purpose="PURPOSE_CONDOLENCE", purposeText="涉侨医护人员慰问")
for year, n, total, ed in [(2019, 20, 41000, 23), (2020, 21, 43000, 24)]:
    don(direction="DIRECTION_OUTBOUND", type="TYPE_MONEY", date=d(year, 9, 10), title="第%d届胡氏奖助金" % ed,
        donors=[{"ref": ref("person", HU_ZHENGMING), "role": "ROLE_SPONSOR"},
                {"ref": ref("enterprise", YIZHONG), "role": "ROLE_ORGANISER"}],
        recipients=[{"name": "金坛一中学生", "role": "ROLE_RECIPIENT", "category": "CATEGORY_STUDENT", "count": n},
                    {"name": "金坛一中教师", "role": "ROLE_RECIPIENT", "category": "CATEGORY_TEACHER", "count": 1}],
        money=cny(total), purpose="PURPOSE_SCHOLARSHIP", campaign="第%d届胡氏奖助金" % ed)
don(direction="DIRECTION_OUTBOUND", type="TYPE_GOODS", date=d(2020, 4, 2), title="向胡正明博士邮寄防疫物资（2批次）",
    recipients=[{"ref": ref("person", HU_ZHENGMING), "role": "ROLE_RECIPIENT"}],
    items=[{"description": "防疫物资", "quantity": "2", "unit": "批"}], purpose="PURPOSE_EPIDEMIC")
don(direction="DIRECTION_OUTBOUND", type="TYPE_GOODS", date=d(2020, 4, 15), title="向海外学子邮寄爱心防疫包（4批次）",
    recipients=[{"name": "海外学子", "role": "ROLE_RECIPIENT", "category": "CATEGORY_STUDENT"}],
    items=[{"description": "爱心防疫包", "quantity": "4", "unit": "批"}], purpose="PURPOSE_EPIDEMIC")
write("donation.jsonl", donations)

# --------------------------------------------------------------------- events
events = []


def ev(**kw):
    events.append(kw)
    return len(events)


# Fig. 1: 22 overseas-Chinese-invested enterprises visited (27 visits), one
# visit to a state-owned company, one visit in December 2019.
visits = oci[:22] + [oci[0], oci[1], oci[3], oci[7], oci[12]]
for k, e in enumerate(visits):
    ev(type="TYPE_ENTERPRISE_VISIT", date=d(2020, 2 + k % 10, 3 + k % 25),
       title="走访侨资企业" + enterprises[e - 1]["name"],
       participants=[{"ref": ref("enterprise", e), "role": "ROLE_VISITED"}], tags=["走访侨资企业"])
ev(type="TYPE_ENTERPRISE_VISIT", date=d(2020, 5, 8), title="走访中石化常州公司（直播合作）",
   participants=[{"ref": ref("enterprise", SINOPEC), "role": "ROLE_VISITED"}])
ev(type="TYPE_ENTERPRISE_VISIT", date=d(2019, 12, 12), title="走访侨资企业" + enterprises[NOT_VISITED[0] - 1]["name"],
   participants=[{"ref": ref("enterprise", NOT_VISITED[0]), "role": "ROLE_VISITED"}])
# Fig. 5: 3 online innovation discussions.
for k in range(3):
    ev(type="TYPE_SEMINAR", date=d(2020, 4 + 3 * k, 16), online=True, topic="TOPIC_ONLINE_INNOVATION",
       title="侨商线上创新讨论（第%d期）" % (k + 1))
# Fig. 10: WeChat group posts (230, logged monthly) and official-account posts.
for m, n in enumerate([18, 62, 55, 30, 15, 10, 8, 7, 6, 8, 5, 6], start=1):
    ev(type="TYPE_WECHAT_GROUP_POST", date=d(2020, m, 28), topic="TOPIC_EPIDEMIC", channel="CHANNEL_WECHAT_GROUP",
       count=n, title="%d月微信群发布疫情防控信息" % m, notes="按月汇总登记")
for k, title in enumerate(["《常州市春节假期和延迟企业复工期间劳动关系有关问答》", "《疫情防控涉企政策摘编》",
                           "《江苏省财政厅关于引导金融强化服务做好疫情防控工作统筹推进经济社会发展的通知》"]):
    ev(type="TYPE_WECHAT_GROUP_POST", date=d(2020, 2, 10 + k), topic="TOPIC_INVESTMENT_TALENT_POLICY",
       channel="CHANNEL_WECHAT_GROUP", title=title)
clicks = [2321] + [rng.randint(300, 1100) for _ in range(29)]
clicks[-1] += 23221 - sum(clicks)
assert sum(clicks) == 23221 and max(clicks) == 2321 and min(clicks) > 0
for k, c in enumerate(clicks):
    ev(type="TYPE_OFFICIAL_ACCOUNT_POST", date=d(2020, 1 + k * 11 // 30, 1 + (k * 7) % 27), topic="TOPIC_EPIDEMIC",
       channel="CHANNEL_WECHAT_ACCOUNT", outlet="金沙侨苑公众号", clicks=str(c),
       title="金沙侨苑：疫情防控信息（%d）" % (k + 1))
for k, c in enumerate([2980, 860, 640]):
    ev(type="TYPE_OFFICIAL_ACCOUNT_POST", date=d(2020, 10 + k, 9), channel="CHANNEL_WECHAT_ACCOUNT",
       outlet="金沙侨苑公众号", clicks=str(c), title="金沙侨苑：金坛全球招商网络大会邀请（%d）" % (k + 1))
# Fig. 11: greeting visits, 68 people, about 3.6万元 (money and gifts).
def greet(day, occasion, who, money, gift, online=False, title=""):
    e = dict(type="TYPE_GREETING_VISIT", date=day, title=title,
             participants=[{"ref": ref("person", p), "role": "ROLE_RECIPIENT"} for p in who],
             gifts=[{"description": "慰问品", "quantity": str(len(who)), "unit": "份", "value": cny(gift)},
                    {"description": "《2019金坛发展宣传册》", "quantity": str(len(who)), "unit": "本"}])
    if occasion:
        e["occasion"] = occasion
    if money:
        e["money"] = cny(money)
    if online:
        e["online"] = True
    ev(**e)


V = VISITED
for k in range(6):
    greet(d(2020, 1, 14 + k), "OCCASION_SPRING_FESTIVAL", V[5 * k:5 * k + 5], 2400, 800, title="春节走访慰问")
for k in range(4):
    who = V[30 + 10 * k // 4:30 + 10 * (k + 1) // 4] + V[10 * k // 4:10 * (k + 1) // 4]
    greet(d(2020, 6, 22 + k), "OCCASION_DRAGON_BOAT", who, 1000, 500, title="端午走访慰问")
mid = V[40:56] + V[10:19]
for k in range(5):
    greet(d(2020, 9, 25 + k), "OCCASION_MID_AUTUMN", mid[5 * k:5 * k + 5], 1200, 400, title="中秋走访慰问")
for k in range(12):
    greet(d(2020, 3 + k % 9, 5 + k), None, [V[56 + k]], 0, 240 if k else 20 + 240, title="常态化走访慰问")
for day, occ in [(d(2020, 2, 8), "OCCASION_LANTERN"), (d(2020, 3, 8), "OCCASION_WOMENS_DAY")]:
    ev(type="TYPE_GREETING_VISIT", date=day, occasion=occ, topic="TOPIC_EPIDEMIC", title="代表侨界慰问社区防疫工作人员",
       participants=[{"name": "九洲里社区防疫工作人员", "role": "ROLE_RECIPIENT", "category": "CATEGORY_OTHER", "count": 12}],
       gifts=[{"description": "慰问品", "quantity": "12", "unit": "份", "value": cny(1500)}])
# Fig. 12: calls 23, e-mails 31, 89 reports mailed (+ 70余 epidemic calls).
for k in range(23):
    ev(type="TYPE_PHONE_CALL", date=d(2020, 1 + k % 12, 10 + k % 15), title="电话问候，介绍2019年金坛整体发展情况",
       participants=[{"ref": ref("person", KEY_ABROAD[k % len(KEY_ABROAD)]), "role": "ROLE_RECIPIENT"}])
ev(type="TYPE_PHONE_CALL", date=d(2020, 2, 15), topic="TOPIC_EPIDEMIC", count=72, title="疫情期间电话联系归侨侨眷70余人",
   participants=[{"name": "归侨侨眷", "role": "ROLE_RECIPIENT", "category": "CATEGORY_QIAOJUAN", "count": 72}])
for k, n in enumerate([12, 10, 9]):
    ev(type="TYPE_EMAIL", date=d(2020, 1 + 4 * k, 20), count=n, title="电邮问候重点华人华侨（批量）")
ev(type="TYPE_LETTER", date=d(2020, 4, 10), count=89, title="寄送《2019大美金坛经济发展汇报书》")
# Fig. 14: WeChat groups with the diaspora: 7 before 2020, 20 created and 1 closed in 2020.
for k in range(7):
    ev(type="TYPE_WECHAT_GROUP_CREATED", date=d(2018 + k // 4, 3 + k, 1), group_name="金侨海外联谊群%d" % (k + 1))
for k in range(20):
    ev(type="TYPE_WECHAT_GROUP_CREATED", date=d(2020, 1 + k * 12 // 20, 5 + k), group_name="金侨海外联谊群%d" % (k + 8))
ev(type="TYPE_WECHAT_GROUP_CLOSED", date=d(2020, 12, 1), group_name="金侨海外联谊群3", notes="合并入群11")
# Fig. 16: media reports by outlet.
for outlet, channel, n in [("江苏卫视", "CHANNEL_TV", 2), ("交汇点", "CHANNEL_NEWS_APP", 3), ("常州日报", "CHANNEL_NEWSPAPER", 6),
                           ("金坛时报", "CHANNEL_NEWSPAPER", 15), ("金坛电视台", "CHANNEL_TV", 8)]:
    for k in range(n):
        if outlet == "江苏卫视":
            day, title = [(d(2020, 1, 6), "江苏卫视报道侨企古籍印刷厂"), (d(2020, 1, 14), "江苏卫视报道侨企盛利维尔有限公司")][k]
        elif outlet == "交汇点" and k == 0:
            day, title = d(2020, 5, 20), "中石化常州公司直播首秀，牵手一号农场，为地方农产品销售发力"
        else:
            day, title = d(2020, 2 + (k * 10) // n, 3 + k), "%s：侨界创新创业报道（%d）" % (outlet, k + 1)
        ev(type="TYPE_MEDIA_REPORT", date=day, outlet=outlet, channel=channel, title=title)
# Fig. 17: 12 promotions of the district.
for k in range(12):
    e = dict(type="TYPE_PUBLICITY", date=d(2020, 1 + k, 12), title="宣传金坛发展（%d）" % (k + 1))
    if k == 10:
        e.update(outlet="欧洲时报", channel="CHANNEL_OVERSEAS_MEDIA", title="《欧洲时报》“兴业福地 大美金坛”专刊")
    ev(**e)
# Fig. 19: 3 exchanges, 1 lecture (and a seminar that is neither).
for k, place in enumerate(["金坛", "溧阳", "新北"]):
    ev(type="TYPE_EXCHANGE", date=d(2020, 6 + 2 * k, 19), title="%s侨商、侨青交流活动" % place)
ev(type="TYPE_SEMINAR", date=d(2020, 8, 21), title="全区侨界青年共议发展座谈会")
ev(type="TYPE_LECTURE", date=d(2020, 11, 20), title="海归青年十九届五中全会精神宣讲专场会")
# Other events of the report.
ev(type="TYPE_MEETING", date=d(2020, 4, 28), title="五届五次全委会议")
ev(type="TYPE_CEREMONY", date=d(2020, 9, 10), title="第24届胡氏奖助金颁奖典礼", online=False,
   participants=[{"ref": ref("person", 1), "role": "ROLE_GUEST"}, {"ref": ref("person", 2), "role": "ROLE_GUEST"},
                 {"ref": ref("enterprise", YIZHONG), "role": "ROLE_ORGANISER"}])
for k, e in enumerate([YIHAO, XINPIN, CHENFENG, BOSHIMAN]):
    ev(type="TYPE_LIVE_STREAM", date=d(2020, 5, 16 + k), online=True, title="助推侨企直播带货",
       participants=[{"ref": ref("enterprise", e), "role": "ROLE_SUBJECT"}])
for k, c in enumerate(CENTRES[:3]):
    ev(type="TYPE_CENTRE_SETUP", date=enterprises[c - 1]["established"], title="拓展基层侨胞之家建设点",
       related=[ref("enterprise", c)])
write("event.jsonl", events)
print("enterprise %d, person %d, case %d, donation %d, event %d" % (
    len(enterprises), len(people), len(cases), len(donations), len(events)))
