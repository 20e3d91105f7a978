"""End to end in a real headless browser: the app on the sample corpus, a real PDF uploaded, one of its
findings opened, the annotated PDF downloaded.  Screenshots of each view go to docs/ (the README shows them).

Drives Debian's chromium (/usr/bin/chromium) with Playwright for Python; nothing is downloaded by
Playwright.  When chromium is missing it is installed with apt-get (as root), else the test is skipped.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import DATA, free_port, serving

ROOT = Path(__file__).resolve().parents[1]
# Screenshots go to the test's temporary folder; CROSSFOOT_SCREENSHOTS=docs refreshes the README's
# pictures in docs/ (a test run must not change tracked files).
SHOTS_TO = os.environ.get("CROSSFOOT_SCREENSHOTS")
CHROMIUM = Path("/usr/bin/chromium")
CJK_FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")  # without a CJK font the screenshots show boxes
REAL_PDF = DATA / "real/final_accounts/上海市普陀区规划和自然资源局 2024 年度部门决算.pdf"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# Generous for the first start on a new machine (the sample corpus is reviewed and scored once, ~40 s);
# later starts reuse the cached review.
START_TIMEOUT = 150_000  # ms
STEP_TIMEOUT = 60_000  # ms


@pytest.fixture(scope="session")
def chromium() -> Path:
    if not CHROMIUM.exists() or not CJK_FONT.exists():
        if os.geteuid() != 0 or not shutil.which("apt-get"):
            pytest.skip("/usr/bin/chromium or a CJK font is missing and cannot be installed here "
                        "(run `make chromium` as root)")
        for cmd in (["apt-get", "update"], ["apt-get", "install", "-y", "chromium", "fonts-wqy-microhei"]):
            r = subprocess.run(cmd, capture_output=True, text=True, timeout=900, check=False,
                               env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"})
            if r.returncode != 0:
                pytest.skip(f"installing chromium failed: {' '.join(cmd)}: {r.stderr[-400:]}")
    return CHROMIUM


@pytest.fixture()
def app_url(tmp_path):
    port = free_port()
    # the command a user runs (`make app` runs it too)
    cmd = [sys.executable, "-m", "crossfoot.cli", "app", "--port", str(port), "--address", "127.0.0.1",
           "--corpus", "corpus/sample", "--store", str(tmp_path / "e2e.duckdb"),
           # a cache of its own: a `make app` running beside the tests holds the default one
           "--cache", str(ROOT / ".cache" / "e2e")]
    with serving(cmd, port, tmp_path / "streamlit.log", cwd=ROOT, timeout=60) as url:
        yield url


@pytest.mark.timeout(400)
def test_upload_a_real_pdf_open_a_finding_download_annotated(chromium, app_url, tmp_path):
    DOCS = ROOT / SHOTS_TO if SHOTS_TO else tmp_path
    sync_api = pytest.importorskip("playwright.sync_api")
    import pymupdf

    with sync_api.sync_playwright() as p:
        ctx = p.chromium.launch_persistent_context(
            str(tmp_path / "profile"), executable_path=str(chromium), headless=True, args=CHROMIUM_ARGS,
            accept_downloads=True, viewport={"width": 1500, "height": 1900}, locale="zh-CN")
        try:
            page = ctx.new_page()
            page.set_default_timeout(STEP_TIMEOUT)
            page.goto(app_url)
            sidebar = page.get_by_test_id("stSidebar")

            # the corpus view opens first, populated from the sample corpus
            page.get_by_text("按异常评分排名").wait_for(timeout=START_TIMEOUT)
            page.get_by_text("本福特首位数字检验").wait_for()
            page.get_by_text("与同类部门逐项比较").wait_for()
            page.wait_for_timeout(1500)  # let the charts draw
            page.screenshot(path=str(DOCS / "app_corpus.png"))

            # upload a real report
            sidebar.get_by_text("上传报告", exact=True).click()
            page.locator("input[type=file]").set_input_files(str(REAL_PDF))
            page.get_by_text("上海市普陀区规划和自然资源局 2024 决算，10 张表").wait_for()
            page.screenshot(path=str(DOCS / "app_upload.png"))

            # its findings, and one of them opened
            page.get_by_role("button", name="查看核对结果").click()
            page.get_by_text("下载", exact=True).wait_for()
            warnings = page.get_by_test_id("stMetric").filter(has_text="警告")
            assert warnings.get_by_test_id("stMetricValue").inner_text() == "4"
            page.get_by_test_id("stSelectbox").filter(has_text="选择一个问题查看证据").click()
            page.get_by_role("option").filter(has_text="CF301").first.click()
            page.get_by_text("报告印为 5,377.64").or_(page.get_by_text("报告印为 4,896.98")).first.wait_for()
            page.get_by_text("情况说明原文").wait_for()
            assert page.locator("mark").first.inner_text().replace(",", "").startswith(("5377.64", "4896.98"))
            page.get_by_test_id("stImage").first.wait_for()
            page.wait_for_timeout(1000)
            page.screenshot(path=str(DOCS / "app_document.png"))

            # the annotated PDF
            with page.expect_download() as dl:
                page.get_by_role("button", name="标注后的 PDF").click()
            out = tmp_path / "annotated.pdf"
            dl.value.save_as(out)
            with pymupdf.open(out) as pdf:
                n_annots = sum(len(list(pg.annots())) for pg in pdf)
                assert pdf.page_count == 30
            assert n_annots >= 4

            # the claims of the same document, with their status
            sidebar.get_by_text("文中数字", exact=True).click()
            page.get_by_text("与表格一致").first.wait_for()
            page.wait_for_timeout(1000)
            page.screenshot(path=str(DOCS / "app_claims.png"))
            for shot in ("app_corpus.png", "app_upload.png", "app_document.png", "app_claims.png"):
                assert (DOCS / shot).stat().st_size > 10_000, shot  # a rendered page, not an empty image
        finally:
            ctx.close()
