"""Every view of the app (streamlit.testing AppTest) on a small corpus, and the functions behind them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import DATA
from streamlit.testing.v1 import AppTest

from crossfoot import appdata as A
from crossfoot.pipeline import check_document

ROOT = Path(__file__).resolve().parents[1]
@pytest.fixture(autouse=True)
def _restore_main():
    """AppTest replaces sys.modules["__main__"] with the app script and leaves it there; spawned
    processes in later tests (review workers, Dask nannies) would re-run that script."""
    import sys

    main = sys.modules.get("__main__")
    yield
    if main is not None:
        sys.modules["__main__"] = main


APP = str(ROOT / "crossfoot" / "app.py")
SAMPLE = ROOT / "corpus" / "sample"
REAL_PDF = DATA / "real/final_accounts/上海市普陀区规划和自然资源局 2024 年度部门决算.pdf"
# Two departments, two years each, final account and budget: enough to score, quick to review.
SMALL = [f"d000{d}-{y}-{k}.txt" for d in (3, 5) for y in (2023, 2024) for k in ("final", "budget")]


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    root = tmp_path_factory.mktemp("app")
    corpus = root / "corpus"
    corpus.mkdir()
    for name in SMALL:
        shutil.copy(SAMPLE / name, corpus / name)
    cache = root / "cache"
    A.prepare_corpus(corpus, cache)  # the app finds it reviewed, as on every start after the first
    return {"corpus": corpus, "cache": cache, "store": root / "uploads.duckdb"}


def _app(env, monkeypatch) -> AppTest:
    monkeypatch.setattr("sys.argv", ["app.py", "--corpus", str(env["corpus"]), "--store", str(env["store"]),
                                     "--cache", str(env["cache"])])
    return AppTest.from_file(APP, default_timeout=60)


def _by_key(items, key):
    return next(x for x in items if x.key == key)


def test_corpus_view_is_the_first_view(env, monkeypatch):
    at = _app(env, monkeypatch).run()
    assert not at.exception
    assert at.title[0].value.startswith("crossfoot")
    assert at.sidebar.radio(key="view").value == "corpus"
    scores = at.dataframe[0].value
    assert len(scores) == 4 and list(scores["rank"]) == [1, 2, 3, 4]
    assert "同类中位数" in scores["reasons"][0]
    by_findings = at.dataframe[1].value
    assert set(by_findings["department"]) == {"湖南省财政厅", "上海市普陀区公安局"}
    assert by_findings.iloc[0]["errors"] >= by_findings.iloc[-1]["errors"]
    # filters narrow both rankings
    at.multiselect(key="c_year").set_value([2024]).run()
    assert set(at.dataframe[0].value["year"]) == {2024}
    assert set(at.dataframe[1].value["year"]) == {2024}
    # the peer comparison of the chosen department, feature by feature
    assert len(at.dataframe[2].value) > 3
    assert [s.value for s in at.subheader][:2] == ["按异常评分排名", "按问题数量排名"]


def test_english_switch(env, monkeypatch):
    at = _app(env, monkeypatch).run()
    at.sidebar.radio(key="lang").set_value("English").run()
    assert not at.exception
    assert at.title[0].value.startswith("crossfoot · checking")
    assert at.subheader[0].value == "Ranked by anomaly score"


def test_document_view_findings_and_evidence(env, monkeypatch):
    at = _app(env, monkeypatch).run()
    at.sidebar.radio(key="view").set_value("document").run()
    docs = A.documents_frame(A.corpus_store_path(env["corpus"], env["cache"]))
    sha = docs[docs["path"].str.endswith("d0003-2023-final.txt")].iloc[0]["sha256"]
    at.selectbox(key="doc_select").set_value(sha).run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["部门"] == "湖南省财政厅" and metrics["年度"] == "2023" and metrics["错误"] == "4"
    findings = at.dataframe[0].value
    assert list(findings["rule"]) == ["CF101"] * 4
    at.multiselect(key="f_sev").set_value(["warning"]).run()
    assert len(at.dataframe[0].value) == 0
    at.multiselect(key="f_sev").set_value(["error"]).run()
    at.selectbox(key="finding").set_value("f1").run()
    info = [i.value for i in at.info]
    assert any("应为 2,083,774.42，报告印为 1,970,356，相差 -113,418.42" in v for v in info)
    table = at.dataframe[1].value  # the table with the two cells compared
    assert "住房保障支出" in set(table["项目 item"])
    labels = [d.label for d in at.get("download_button")]
    assert labels == ["问题清单 Excel", "问题清单 CSV", "JSON 报告", "HTML 报告"]  # a text export: no PDF


def test_claims_view_statuses(env, monkeypatch):
    at = _app(env, monkeypatch).run()
    at.sidebar.radio(key="view").set_value("claims").run()
    assert not at.exception
    frame = at.dataframe[0].value
    assert set(frame["status"]) <= set(A.STATUSES)
    assert (frame["status"] == "tied").any()
    at.multiselect(key="c_status").set_value(["tied"]).run()
    assert set(at.dataframe[0].value["status"]) == {"tied"}


def test_upload_view_checks_and_stores(env, monkeypatch, tmp_path):
    env = {**env, "store": tmp_path / "mine.duckdb"}
    at = _app(env, monkeypatch).run()
    at.sidebar.radio(key="view").set_value("upload").run()
    up = at.get("file_uploader")[0]
    up.set_value([("report.pdf", REAL_PDF.read_bytes(), "application/pdf"),
                  ("bad.pdf", b"%PDF-1.4 broken", "application/pdf")]).run()
    assert not at.exception
    assert any("上海市普陀区规划和自然资源局 2024 决算" in s.value for s in at.success)
    assert any("bad.pdf" in e.value and "corrupt" in e.value for e in at.error)
    docs = A.documents_frame(env["store"])
    assert len(docs) == 2 and set(docs["status"]) == {"ok", "error"}
    # the uploaded name chose no path: the bytes are kept under their hash
    kept = sorted(p.name for p in (tmp_path / "mine-uploads").iterdir() if p.name != A.UPLOAD_NAMES)
    assert len(kept) == 2 and all(n.split(".")[0] in set(docs["sha256"]) for n in kept)
    # …and the name it was uploaded under is what the lists show
    names = A.upload_names(tmp_path / "mine-uploads")
    assert sorted(names.values()) == ["bad.pdf", "report.pdf"]
    ok = docs[docs["status"] == "ok"].iloc[0]
    assert "· report.pdf ·" in A.document_label(ok, "zh", names)
    assert "上传 pdf" in A.document_label(ok, "zh", {})
    at.button(key=next(b.key for b in at.button if b.key.startswith("open-"))).click().run()
    assert at.sidebar.radio(key="view").value == "document"
    assert at.sidebar.radio(key="source").value == "store"
    labels = [d.label for d in at.get("download_button")]
    assert labels[0] == "标注后的 PDF"


def test_upload_view_reads_a_word_file_and_a_web_page(env, monkeypatch, tmp_path):
    """A seed as a Word file and as a web page (tests/data/derived): read by their readers, and
    the same claims and findings as the seed itself."""
    derived = DATA / "derived"
    env = {**env, "store": tmp_path / "mine.duckdb"}
    at = _app(env, monkeypatch).run()
    at.sidebar.radio(key="view").set_value("upload").run()
    at.get("file_uploader")[0].set_value([
        ("年报.docx", (derived / "004_f64002770984a7bf.docx").read_bytes(), "application/octet-stream"),
        ("年报.html", (derived / "004_f64002770984a7bf.html").read_bytes(), "text/html")]).run()
    assert not at.exception and not at.error
    docs = A.documents_frame(env["store"])
    seed = check_document(DATA / "seeds" / "004_f64002770984a7bf.txt")
    assert sorted(Path(p).suffix for p in docs["path"]) == [".docx", ".html"]
    assert set(docs["n_claims"]) == {len(seed["claims"])} and set(docs["n_findings"]) == {len(seed["findings"])}


# ----------------------------------------------------------------------------- the functions


def test_upload_problems():
    assert "只接受" in A.upload_problem("x.doc", 10)  # an old Word file: its record would only say to convert it
    assert "只接受" in A.upload_problem("x.exe", 10)
    for name in ("x.docx", "x.xlsx", "x.xls", "x.ods", "x.html", "x.htm", "x.txt", "x.md"):
        assert A.upload_problem(name, 10) is None
    assert "empty" in A.upload_problem("x.pdf", 0, "en")
    assert "over the 50 MB limit" in A.upload_problem("x.pdf", A.MAX_UPLOAD_BYTES + 1, "en")
    assert A.upload_problem("x.PDF", 10) is None


def test_save_upload_ignores_the_name(tmp_path):
    path, sha = A.save_upload("../../etc/passwd.txt", b"hello", tmp_path / "up")
    assert path.parent == tmp_path / "up" and path.name == f"{sha}.txt"
    assert A.upload_names(tmp_path / "up") == {sha: "passwd.txt"}  # kept as a label only
    assert sorted(p.name for p in (tmp_path / "up").iterdir()) == sorted([f"{sha}.txt", A.UPLOAD_NAMES])
    with pytest.raises(ValueError):
        A.save_upload("x.sh", b"hello", tmp_path / "up")


def test_arithmetic_text():
    f = {"expected": 100.0, "observed": 101.5, "difference": 1.5, "tolerance": 0.01}
    assert A.arithmetic_text(f) == "应为 100，报告印为 101.50，相差 1.50；舍入容差 ±0.01，超出容差 1.49，不能用四舍五入解释。"
    assert A.arithmetic_text(f, "en").startswith("Expected 100; the report prints 101.50; difference 1.50")
    assert "compares no figures" in A.arithmetic_text({}, "en")


def test_sentence_html_marks_the_figure():
    page = "一些文字。三公经费为12.50万元，下降3.2%。"
    ev = {"text": "三公经费为12.50万元，下降3.2%。", "start": page.index("3.2%"), "end": page.index("3.2%") + 4}
    out = A.sentence_html(ev, page)
    assert "<b>3.2%</b></mark>" in out and out.startswith("三公经费为12.50万元")
    assert A.sentence_html({"text": "<b>"}) == "&lt;b&gt;"


def test_page_png_and_downloads(env):
    store = A.corpus_store_path(env["corpus"], env["cache"])
    pdf = SAMPLE / "d0003-2023-final.pdf"
    entry = json.loads(A.json_report(__import__("crossfoot.pipeline").pipeline.check_document(pdf)))["documents"][0]
    ev = entry["findings"][0]["evidence"]
    png = A.page_png(pdf, ev[0]["page"], ev)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert A.annotated_pdf(pdf, entry["findings"])[:5] == b"%PDF-"
    assert A.html_report(entry).startswith(b"<!DOCTYPE html>")
    sha = A.documents_frame(store).query("path.str.endswith('d0003-2023-final.txt')").iloc[0]["sha256"]
    csv = A.findings_export(store, sha, "csv").decode("utf-8-sig")
    assert csv.count("CF101") == 4
    assert A.findings_export(store, sha, "xlsx")[:2] == b"PK"


def test_claim_status_contradicted():
    doc_entry = {"claims": [{"id": "c1", "kind": "growth", "page": 2, "start": 5, "end": 9, "value": 1.0},
                            {"id": "c2", "kind": "share", "page": 2, "start": 20, "end": 24, "value": 2.0}],
                 "findings": [{"id": "f1", "evidence": [{"source": "prose", "page": 2, "start": 5, "end": 9}]}]}
    st = A.claim_statuses(None, doc_entry)
    assert [(s["id"], s["status"], s["where"]) for s in st] == [("c1", "contradicted", "f1"),
                                                                ("c2", "unverifiable", "")]


def test_the_checkout_script_runs_the_packaged_app(env, monkeypatch):
    """``streamlit run app.py`` in a checkout shows the same app as ``crossfoot app``."""
    monkeypatch.setattr("sys.argv", ["app.py", "--corpus", str(env["corpus"]), "--store", str(env["store"]),
                                     "--cache", str(env["cache"])])
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert at.title[0].value.startswith("crossfoot")
    assert len(at.dataframe[0].value) == 4


def test_app_command_runs_the_packaged_script_with_its_options(tmp_path, capsys):
    from crossfoot import APP_SCRIPT
    from crossfoot.cli import app_command, build_parser, main

    args = build_parser().parse_args(["app", "--port", "9123", "--corpus", str(tmp_path), "--store", "x.duckdb"])
    cmd = app_command(args)
    assert cmd[1:4] == ["-m", "streamlit", "run"] and cmd[4] == str(APP_SCRIPT) and APP_SCRIPT.is_file()
    assert cmd[cmd.index("--server.port") + 1] == "9123"
    assert cmd[cmd.index("--") + 1:] == ["--store", "x.duckdb", "--corpus", str(tmp_path)]
    # without --corpus the app opens the bundled sample (its own default)
    assert "--corpus" not in app_command(build_parser().parse_args(["app"]))
    assert main(["app", "--port", "0"]) == 2
    assert main(["app", "--corpus", str(tmp_path / "missing")]) == 2
    err = capsys.readouterr().err
    assert "--port must be between 1 and 65535" in err and "is not a folder" in err


CPPCC = ["江苏省政协办公厅2017年度部门预算.pdf", "江苏省政协办公厅2017年度部门预算公开表.pdf",
         "江苏省政协办公厅2018年度部门预算.pdf", "江苏省政协办公厅2018度部门预算公开表.pdf"]


@pytest.fixture(scope="module")
def department_store(tmp_path_factory):
    from crossfoot.review import review

    root = tmp_path_factory.mktemp("dep")
    folder = root / "in"
    folder.mkdir()
    for name in CPPCC:
        shutil.copy(DATA / "real/budgets" / name, folder / name)
    # and a report of another department split over two text files whose prose contradicts its table
    (folder / "x-text.txt").write_text(
        "江苏省测试厅2018年度部门预算\n\n# 一、收支预算总表情况说明\n\n"
        "江苏省测试厅2018年度收入、支出预算总计10,150.48万元。\n", encoding="utf-8")
    (folder / "x-tables.txt").write_text(
        "江苏省测试厅2018年度部门预算公开表\n\n收支预算总表\n单位：万元\n"
        "项目\t金额\t项目\t金额\n一、一般公共预算\t9,999.00\t一、一般公共服务支出\t9,999.00\n"
        "收入合计\t9,999.00\t支出合计\t9,999.00\n", encoding="utf-8")
    review([folder], root / "dep.duckdb", workers=1)
    return root / "dep.duckdb"


def test_department_view_sets_a_departments_reports_side_by_side(department_store, tmp_path, monkeypatch):
    deps = A.departments_frame(department_store)
    assert list(deps["department"]) == ["江苏省政协办公厅", "江苏省测试厅"] and deps["years"][0] == "2017, 2018"
    reports = A.department_reports(department_store, "江苏省政协办公厅")
    assert [(r.year, r.form) for r in reports.itertuples()] == [(2017, "split"), (2018, "split")]
    assert all(" + " in f for f in reports["files"])  # the text file and the tables file of each year
    tied = [int(x.split(" / ")[0]) for x in reports["tied"]]
    assert all(n > 50 for n in tied)  # the text's figures tie to the other file's tables
    # its prose agrees with its tables but for the scope of 基本支出 (fiscal in the text, all funds in
    # the table, 80.00 apart each year: its 其他资金): warnings, each with a file on either side
    cppcc = A.cross_document_findings(department_store, "江苏省政协办公厅")
    assert list(cppcc["year"]) == [2017, 2018] and set(cppcc["severity"]) == {"warning"}
    assert all(d.count(" | ") == 1 for d in cppcc["documents"])
    cross = A.cross_document_findings(department_store, "江苏省测试厅")
    assert list(cross["rule"]) == ["CF301"] and cross["documents"].iloc[0].count(" | ") == 1
    assert {Path(x).name for x in cross["documents"].iloc[0].split(" | ")} == {"x-text.txt", "x-tables.txt"}
    monkeypatch.setattr("sys.argv", ["app.py", "--corpus", str(tmp_path / "none"), "--store", str(department_store),
                                     "--cache", str(tmp_path / "cache")])
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.sidebar.radio(key="view").set_value("department").run()
    assert not at.exception
    assert at.header[0].value == "部门历年报告"
    assert len(at.dataframe[0].value) == 2 and len(at.dataframe[1].value) == 2
    assert len(at.dataframe[2].value) == len(cppcc)
    at.selectbox(key="dep_select").set_value("江苏省测试厅").run()
    assert len(at.dataframe[1].value) == 1 and len(at.dataframe[2].value) == 1
