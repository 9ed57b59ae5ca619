"""The report from Python: the 2020 example's figures, JSON with the ids
behind each figure, comparison, explain, and spec errors with line numbers."""

import pathlib

import pytest

import qiaolian

ROOT = pathlib.Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "jintan-2020"
SPEC = EXAMPLE / "report.textproto"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "store"
    with qiaolian.Store(str(path)) as s:
        for kind in ("enterprise", "person", "case", "donation", "event"):
            summary = s.import_file(str(EXAMPLE / f"{kind}.jsonl"), kind)
            assert summary["rejected"] == 0
        yield s


def test_published_figures_as_json(store):
    r = qiaolian.report(store, SPEC, "2020-01-01", "2020-12-31",
                        format="json")
    figures = {f["id"]: f for f in r["figures"]}
    assert figures["f01_enterprises_visited"]["value"]["number"] == 22
    assert len(figures["f01_enterprises_visited"]["targets"]) == 22
    assert figures["f10_total_clicks"]["value"]["number"] == 23221
    assert figures["f15_closure_rate"]["value"]["text"] == "100%"
    assert figures["f13_scholarship"]["value"]["amount_minor"] == 4300000
    # The ids behind a count: one mailing record standing for 89 letters.
    assert len(figures["f12_letters"]["ids"]) == 1
    assert figures["f12_letters"]["value"]["number"] == 89


def test_markdown_english_and_compare(store):
    md = qiaolian.report(store, str(SPEC), "2020-01-01", "2020-12-31")
    assert "走访侨资企业**22**家" in md
    en = qiaolian.report(store, SPEC, "2020-01-01", "2020-12-31",
                         format="text", english=True)
    assert "Visited 22 overseas-Chinese-invested enterprises" in en
    cmp = qiaolian.report(store, SPEC, "2020-01-01", "2020-12-31",
                          format="json", compare=("2019-01-01", "2019-12-31"))
    f = {x["id"]: x for x in cmp["figures"]}["f20_centres"]
    assert f["compare"]["value"]["number"] == 1
    assert f["compare"]["change"] == "+2"


def test_explain(store):
    text = qiaolian.explain_figure(store, SPEC, "f03_expert_visas",
                                   "2020-01-01", "2020-12-31")
    assert "6 个未建档" in text
    assert "三久制造引进外国专家工作签证协调" in text
    with pytest.raises(qiaolian.NotFoundError):
        qiaolian.explain_figure(store, SPEC, "f99", "2020-01-01",
                                "2020-12-31")


def test_bad_spec_names_the_line(store):
    bad = 'sections {\n  id: "a"\n  figures { id: "x" aggregat: COUNT }\n}\n'
    with pytest.raises(qiaolian.InvalidArgumentError) as e:
        qiaolian.report(store, bad, "2020-01-01", "2020-12-31")
    assert str(e.value).startswith("<spec>:3:") or "<spec>:3:" in str(e.value)
    assert "aggregat" in str(e.value)
    with pytest.raises(qiaolian.InvalidArgumentError):
        qiaolian.report(store, SPEC, "2020-02-30", "2020-12-31")
