"""Item statements (issue 16): the figures explaining one function-classification line are tied to
that line, by its name path or its codes, and the bracketed 类/款/项 references make no claim.

Every sentence is quoted from a real report of tests/data (the file is named with each test),
except the code form, which is the 万里街道 sentence with the codes of its lines in the brackets
as the issue quotes that form ("（204类）…（06款）…（01项）")."""

from __future__ import annotations

from extraction.claims import Claim, extract_claims
from extraction.claims.items import ClassIndex, Segment, find_heads
from extraction.claims.patterns import load_patterns, normalize
from extraction.model import Document, DocumentMeta, Page, Paragraph, TextPiece
from extraction.reader import read_text


def claims_of(text: str, year: int | None = None) -> list[Claim]:
    para = Paragraph("p1", text, None, (TextPiece(0, 1, 0, len(text)),))
    doc = Document("t.txt", "0", "text", DocumentMeta(None, year, None, None, 1), pages=(Page(1, text),),
                   paragraphs=(para,))
    return extract_claims(doc)


def roles(cs: list[Claim]) -> list[tuple]:
    return [(c.explanation.split(":")[0].removeprefix("item_statement."), c.kind, c.metric, c.value, c.period)
            for c in cs]


WANLI_TABLE = """
2024年部门一般公共预算支出功能分类预算表
单位：元
功能分类科目编码	功能分类科目名称	合计	基本支出	项目支出
201	一般公共服务支出	2932700.00	0.00	2932700.00
20103	政府办公厅（室）及相关机构事务	100.00	0.00	100.00
2010302	一般行政管理事务	100.00	0.00	100.00
20129	群众团体事务	426000.00	0.00	426000.00
2012902	一般行政管理事务	426000.00	0.00	426000.00
"""

# 上海市普陀区人民政府万里街道办事处24年预算.pdf, statement 2
WANLI_2 = ("2. “一般公共服务支出（类）群众团体事务（款）一般行政管理事务（项）”42.60万元，主要用于群众团体事务一般"
           "行政管理事务。2023年当年预算执行数为45.41万元，2024年预算安排42.60万元，比2023年预算执行数减少6.19%。"
           "主要原因是：群众团体事务一般行政管理事务经费减少。")


def test_budget_statement_gives_four_figures_tied_to_the_xiang_line_of_the_table():
    doc = read_text(f"# 上海市普陀区人民政府万里街道办事处2024年部门预算\n\n{WANLI_2}\n{WANLI_TABLE}", "wanli.txt")
    cs = [c for c in extract_claims(doc) if c.explanation.startswith("item_statement")]
    assert roles(cs) == [
        ("amount", "amount", "func:2012902", 42.6, "current"),
        ("prior", "amount", "func:2012902", 45.41, "prior"),
        ("repeat", "amount", "func:2012902", 42.6, "budget"),
        ("rate", "growth", "func:2012902", -6.19, "current"),
    ]
    # the 项 of 群众团体事务, not the 一般行政管理事务 of 政府办公厅 (2010302) nor the class 201
    assert {c.label for c in cs} == {"一般公共服务支出（类）群众团体事务（款）一般行政管理事务（项）"}
    page = doc.pages[0].text
    assert [page[c.start:c.end] for c in cs] == ["42.60万元", "45.41万元", "42.60万元", "6.19%"]


def test_a_line_no_table_or_lexicon_resolves_is_named_by_its_path_not_by_its_class():
    cs = [c for c in claims_of(WANLI_2, 2024) if c.kind in ("amount", "growth")]
    assert {c.metric for c in cs} == {"item:一般公共服务/群众团体事务/一般行政管理事务"}


def test_codes_in_the_brackets_give_the_line_and_are_never_counts():
    text = ("7. “公共安全支出（204类）司法（06款）公共法律服务（07项）”30.00万元，主要用于公共法律服务。2023年当年预算"
            "执行数为15.00万元，2024年预算安排30.00万元，比2023年预算执行数增加100.00%。")
    cs = claims_of(text, 2024)
    assert [c.unit for c in cs if c.kind == "count"] == []
    assert roles(cs) == [
        ("amount", "amount", "func:2040607", 30.0, "current"),
        ("prior", "amount", "func:2040607", 15.0, "prior"),
        ("repeat", "amount", "func:2040607", 30.0, "budget"),
        ("rate", "growth", "func:2040607", 100.0, "current"),
    ]


def test_a_reference_such_as_04_xiang_is_not_a_count_but_a_count_in_brackets_is():
    ref = ("“社会保障和就业支出（208类）行政事业单位养老支出（05款）其他行政事业单位养老支出（99项）”0.39万元，"
           "主要用于其他行政事业单位养老支出。其他支出（04项）0.20万元。")
    cs = claims_of(ref, 2024)
    assert [c for c in cs if c.kind == "count"] == []
    assert [c.value for c in cs] == [0.39, 0.2]
    assert cs[0].metric == "func:2080599"
    # the whole code in the brackets
    cs = claims_of("“机关事业单位基本养老保险缴费支出（2080505项）”460.85万元，主要用于机关事业单位基本养老保险缴费支出。", 2024)
    assert [(c.kind, c.metric, c.value) for c in cs] == [("amount", "func:2080505", 460.85)]
    # a count of items in brackets (no classification beside it, no leading zero) stays a count
    assert [c.value for c in claims_of("本年度开展绩效评价的项目（12项）全部完成。") if c.kind == "count"] == [12]


def test_dashed_path_names_the_line():
    # 上海市普陀区人民政府办公室25年预算.pdf
    cs = claims_of("1. “一般公共服务支出-政府办公厅（室）及相关机构事务-行政运行”科目1,202.95万元，主要用于行政单位的基本支出。")
    assert [(c.metric, c.value, c.label) for c in cs] == [
        ("func:2010301", 1202.95, "一般公共服务支出-政府办公厅（室）及相关机构事务-行政运行")]


def test_two_final_account_statements_in_one_paragraph_keep_their_own_lines():
    # 上海市普陀区财政局2024年度部门决算.pdf, statements 5 and 6 printed as one paragraph
    text = ("5、社会保障和就业支出（类）行政事业单位养老支出（款）行政单位离退休（项）。主要用于：退休人员经费支出。"
            "年初预算为85.55 万元，支出决算为84.65万元。决算数小于预算数的主要原因：预算按充分保障预估，实际执行基本"
            "贴合预期。6、社会保障和就业支出（类）行政事业单位养老支出（款）机关事业单位基本养老保险缴费支出（项）。主要"
            "用于：在职人员的基本养老保险支出。年初预算为161.62万元，支出决算为160.75万元。决算数小于预算数的主要原因："
            "预算按充分保障预估，实际执行基本贴合预期。")
    cs = [c for c in claims_of(text, 2024) if c.kind == "amount"]
    assert [(c.metric, c.value, c.period) for c in cs] == [
        ("func:2080501", 85.55, "initial_budget"), ("func:2080501", 84.65, "current"),
        ("func:2080505", 161.62, "initial_budget"), ("func:2080505", 160.75, "current")]


def test_a_xiang_named_alone_takes_the_levels_of_the_line_before_it():
    # seeds/002_8541718f7ac07511.txt
    text = ("1.一般公共服务（类）政府办公厅（室）及相关机构事务（款）行政运行（项）: 支出决算为44.98万元，完成预算100%。"
            "信访事务（项）: 支出决算为73.17万元，完成预算100%。事业运行（项）: 支出决算为50.81万元，完成预算100%。")
    cs = claims_of(text, 2020)
    assert [(c.kind, c.metric, c.value) for c in cs] == [
        ("amount", "func:2010301", 44.98), ("completion", "func:2010301", 100),
        ("amount", "func:2010308", 73.17), ("completion", "func:2010308", 100),
        ("amount", "func:2010350", 50.81), ("completion", "func:2010350", 100)]


def test_figures_of_the_reason_are_not_the_lines():
    # 省人大办公厅2018预算公开.pdf
    text = ("2. 人大事务（款）一般行政管理事务（项）支出2340.35万元，与上年相比减少128.43万元，减少5.20%。主要原因是"
            "上年度列入此项的预留机动经费128.43万元本年度调入行政运行项。")
    cs = claims_of(text, 2018)
    line = [c for c in cs if c.explanation.startswith("item_statement")]
    assert [(c.kind, c.value) for c in line] == [("amount", 2340.35), ("change", -128.43), ("growth", -5.2)]
    assert {c.metric for c in line} == {"item:人大事务/一般行政管理事务"}  # 20101 is not in the lexicon
    assert not any(c.explanation.startswith("item_statement") for c in cs if c.start > line[-1].end)


def test_heads_and_resolution_by_name_path():
    ip = load_patterns().items
    heads, refs = find_heads(normalize("“卫生健康支出（类）行政事业单位医疗（款)行政单位医疗（项）”63.19万元"), ip)
    assert [s.name for s in heads[0].segments] == ["卫生健康支出", "行政事业单位医疗", "行政单位医疗"]
    assert refs == []
    idx = ClassIndex({"221": "住房保障支出", "22102": "住房改革支出", "2210201": "住房公积金",
                      "2210203": "购房补贴", "20405": "法院", "2040502": "一般行政管理事务"})
    # a 款 printed with a wrong name (规划和自然资源局 2024: 住房保障支出（款）) is passed over
    assert idx.resolve((Segment("住房保障支出", "类", None), Segment("住房保障支出", "款", None),
                        Segment("住房公积金", "项", None))) == "2210201"
    # the words of a name in another order, under its parent (省法院2018: 一般行政事务管理（项）)
    assert idx.resolve((Segment("法院", "款", None), Segment("一般行政事务管理", "项", None))) == "2040502"
    # a 项 the table does not print resolves to nothing, never to its 款
    assert idx.resolve((Segment("住房保障支出", "类", None), Segment("住房改革支出", "款", None),
                        Segment("提租补贴", "项", None))) is None


def test_only_the_figure_of_the_sentence_naming_the_line_is_its_amount():
    # 上海市普陀区规划和自然资源局 2024 年度部门决算.pdf statement 9, with a figure in its 主要用于 sentence
    # (a form of held-out reports); and the prior year's budget, not only its execution, is prior
    text = ("9、城乡社区支出（类）城乡社区规划与管理（款）城乡社区规划与管理（项）。主要用于：商务单元更新提升方案300.00万元。"
            "年初预算为3110.14 万元，支出决算为2739.56 万元，完成年初预算的88.08%。2023年预算数为3000.00万元。")
    cs = claims_of(text, 2024)
    assert [(c.explanation.split(":")[0], c.value, c.period) for c in cs if c.kind == "amount"] == [
        ("item_statement.other", 300.0, "current"), ("item_statement.initial_budget", 3110.14, "initial_budget"),
        ("item_statement.actual", 2739.56, "current"), ("item_statement.prior", 3000.0, "prior")]


def test_a_xiang_alone_keeps_the_extractors_line_only_when_every_level_named_fits_it():
    # 省人大办公厅2018预算公开.pdf, p83: "行政运行" alone names no one line; the extractor's own reading
    # (from the lexicon) is kept, as before item statements, when nothing printed contradicts it
    cs = claims_of("1．行政运行（项）支出6372.32万元，与上年相比增加1826.38 万元，增长40.18%。", 2018)
    assert {c.metric for c in cs} == {"func:2010301"}
    # with its 款 named before it (人大事务), 政府办公厅（室）…'s 行政运行 does not fit: the path stays
    cs = claims_of("人大事务（款）：2018年预算支出合计10528.33万元。其中：1．行政运行（项）支出6372.32万元，与上年相比"
                   "增加1826.38 万元，增长40.18%。", 2018)
    assert [(c.metric, c.value) for c in cs if c.kind == "amount"] == [
        ("item:人大事务", 10528.33), ("item:人大事务/行政运行", 6372.32)]
    # a full path the lexicon's line does not fit stays the path (群众团体事务 is not 政府办公厅（室）…)
    cs = claims_of(WANLI_2, 2024)
    assert {c.metric for c in cs if c.kind == "amount"} == {"item:一般公共服务/群众团体事务/一般行政管理事务"}
