"""The per-document budget (crossfoot/budget.py): a soft time limit in the main thread and in any
other, a memory cap, and ``check_document`` / ``crossfoot check`` / the app's upload turning a
document over budget into a ``too_complex`` record while the run goes on."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from crossfoot import budget
from crossfoot.pipeline import check_document
from extraction.files import sha256_file
from extraction.reader import ERROR_CODES

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "tests" / "data" / "seeds"
REAL_PDF = ROOT / "tests" / "data" / "real" / "final_accounts" / "上海市普陀区财政局2024年度部门决算.pdf"


def _spin(limit_s: float) -> tuple[str, float, int]:
    """Spin in Python under a time limit; what stopped it, after how long, and how many turns."""
    t0 = time.perf_counter()
    n = 0
    try:
        with budget.time_limit(limit_s):
            while time.perf_counter() - t0 < 10:
                n += 1
        return "finished", time.perf_counter() - t0, n
    except budget.OverBudget:
        return "over", time.perf_counter() - t0, n


def test_parse_size():
    assert budget.parse_size("2GB") == 2_000_000_000
    assert budget.parse_size("512MB") == 512_000_000
    assert budget.parse_size("1.5GiB") == 1_610_612_736
    assert budget.parse_size("488.2 MiB") == 511_914_803
    assert budget.parse_size("3000") == 3000
    assert budget.parse_size("0") is None and budget.parse_size("off") is None and budget.parse_size("") is None
    with pytest.raises(ValueError):
        budget.parse_size("lots")


def test_budgets_come_from_the_environment(monkeypatch):
    monkeypatch.delenv("CROSSFOOT_DOCUMENT_SECONDS", raising=False)
    monkeypatch.delenv("CROSSFOOT_WORKER_MEMORY", raising=False)
    assert budget.document_seconds() == 120.0
    assert budget.hard_seconds() == 150.0
    assert budget.worker_memory() == 2 * 1024**3
    monkeypatch.setenv("CROSSFOOT_DOCUMENT_SECONDS", "2")
    monkeypatch.setenv("CROSSFOOT_WORKER_MEMORY", "300MB")
    assert (budget.document_seconds(), budget.hard_seconds(), budget.worker_memory()) == (2.0, 4.0, 300_000_000)
    monkeypatch.setenv("CROSSFOOT_DOCUMENT_SECONDS", "0")
    monkeypatch.setenv("CROSSFOOT_WORKER_MEMORY", "off")
    assert (budget.document_seconds(), budget.hard_seconds(), budget.worker_memory()) == (None, None, None)


def test_time_limit_stops_a_python_loop_in_the_main_thread():
    assert threading.current_thread() is threading.main_thread()
    what, seconds, _ = _spin(0.3)
    assert what == "over" and 0.3 <= seconds < 1.5


def test_time_limit_stops_a_python_loop_in_another_thread():
    out = []
    t = threading.Thread(target=lambda: out.append(_spin(0.3)))
    t.start()
    t.join(15)
    assert out and out[0][0] == "over" and 0.3 <= out[0][1] < 1.5


def test_time_limit_raises_again_when_the_first_is_swallowed():
    """Code that catches everything (``except BaseException: pass``) cannot run on past the budget."""
    caught = 0
    t0 = time.perf_counter()
    with pytest.raises(budget.OverBudget):
        with budget.time_limit(0.2):
            while True:
                try:
                    while True:
                        pass
                except budget.OverBudget:
                    caught += 1
                    if caught > 1:
                        raise
    assert caught == 2 and 1.1 <= time.perf_counter() - t0 < 3


def test_nothing_is_raised_after_the_block(monkeypatch):
    for run in (lambda f: f(), lambda f: (t := threading.Thread(target=f), t.start(), t.join(10))):
        done = []

        def work():
            with budget.time_limit(0.2):
                pass
            time.sleep(1.5)  # past the limit and its repeat: nothing may surface now
            done.append(True)

        run(work)
        assert done == [True]


def test_an_enclosing_timer_is_restored():
    import signal

    fired = []
    old = signal.signal(signal.SIGALRM, lambda *a: fired.append(True))
    signal.setitimer(signal.ITIMER_REAL, 30)
    try:
        assert _spin(0.2)[0] == "over"
        remaining = signal.getitimer(signal.ITIMER_REAL)[0]
        assert 25 < remaining <= 30
        assert signal.getsignal(signal.SIGALRM) is not None and not fired
        # An enclosing limit that ends first stands: the inner one does not replace it.
        signal.setitimer(signal.ITIMER_REAL, 0.2)
        with budget.time_limit(5):
            time.sleep(0.5)
        assert fired == [True]
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def test_check_document_over_its_time_budget_is_too_complex(monkeypatch):
    seed = sorted(SEED.glob("*.txt"))[0]
    monkeypatch.setenv("CROSSFOOT_DOCUMENT_SECONDS", "0.3")
    import extraction.reader

    real = extraction.reader.read_document

    def slow(path, name=None):
        t0 = time.perf_counter()
        while time.perf_counter() - t0 < 5:  # a reader stuck in a Python loop
            pass
        return real(path, name)

    monkeypatch.setattr(extraction.reader, "read_document", slow)
    t0 = time.perf_counter()
    entry = check_document(seed, "seed.txt")
    assert time.perf_counter() - t0 < 2
    assert entry["status"] == "error" and entry["error"]["code"] == "too_complex"
    assert "longer than the 0.3 s allowed (CROSSFOOT_DOCUMENT_SECONDS)" in entry["error"]["message"]
    assert entry["sha256"] == sha256_file(seed) and entry["path"] == "seed.txt"
    assert "too_complex" in ERROR_CODES
    monkeypatch.setattr(extraction.reader, "read_document", real)
    monkeypatch.setenv("CROSSFOOT_DOCUMENT_SECONDS", "60")
    assert check_document(seed, "seed.txt")["status"] == "ok"  # the next document is read as usual


def test_memory_error_anywhere_in_a_document_is_too_complex(monkeypatch):
    """A MemoryError in a rule or in claim extraction is not one broken rule or paragraph: the whole
    document is over budget (their ``except Exception`` must not swallow it)."""
    import extraction.claims
    import rules.engine

    seed = sorted(SEED.glob("*.txt"))[0]
    rule = rules.engine.RULES[0]

    def hog(self, doc, claims):
        raise MemoryError

    monkeypatch.setattr(rule, "check", hog)
    entry = check_document(seed)
    assert (entry["status"], entry["error"]["code"]) == ("error", "too_complex")
    assert "more memory than allowed (CROSSFOOT_WORKER_MEMORY)" in entry["error"]["message"]
    monkeypatch.undo()

    def hog_items(*a, **k):
        raise MemoryError

    monkeypatch.setattr(extraction.claims, "apply_items", hog_items)
    assert check_document(seed)["error"]["code"] == "too_complex"


_CAPPED = r"""
import json, resource, sys
from pathlib import Path
from crossfoot import budget
import crossfoot.pipeline as pipeline

def hog(path, name, config, data=False):
    held = []
    while True:
        held.append(bytearray(50_000_000))

files = [Path(p) for p in sys.argv[1:]]
before = resource.getrlimit(resource.RLIMIT_AS)
real = pipeline._check_document
pipeline._check_document = lambda p, n, c, d=False: (hog if p.name.startswith("hog-") else real)(p, n, c, d)
docs = pipeline.check_paths(files, memory=budget.parse_size("400MB"))
print(json.dumps({"docs": [(d["path"], d["status"], (d["error"] or {}).get("code"), len(d["claims"])) for d in docs],
                  "restored": resource.getrlimit(resource.RLIMIT_AS) == before}))
"""


def test_crossfoot_check_caps_each_document_and_goes_on(tmp_path):
    seeds = sorted(SEED.glob("*.txt"))[:2]
    hog = tmp_path / "hog-report.txt"
    hog.write_bytes(seeds[0].read_bytes())
    r = subprocess.run([sys.executable, "-c", _CAPPED, str(seeds[0]), str(hog), str(seeds[1])],
                       capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert r.returncode == 0, r.stderr[-2000:]
    out = json.loads(r.stdout)
    assert out["restored"] is True
    (a, b, c) = out["docs"]
    assert b == [str(hog), "error", "too_complex", 0]
    assert a[1:3] == c[1:3] == ["ok", None] and a[3] > 0 and c[3] > 0


_UNDER_CAP = r"""
import json
from crossfoot import budget
from crossfoot.review import warm_up
warm_up()
cap = budget.limit_memory(budget.worker_memory())
from crossfoot.pipeline import check_document
from extraction.claims.nlp import load_nlp
entry = check_document(__import__("pathlib").Path(__import__("sys").argv[1]))
doc = load_nlp()("本年支出合计1234.56万元，比上年增长12.5%。")
print(json.dumps({"cap": cap, "status": entry["status"], "tables": len(entry["tables"]),
                  "claims": len(entry["claims"]), "spans": [s.text for s in doc.spans["claims"]]}))
"""


def test_pymupdf_spacy_and_jieba_work_under_the_default_worker_cap():
    r = subprocess.run([sys.executable, "-c", _UNDER_CAP, str(REAL_PDF)], capture_output=True, text=True,
                       cwd=ROOT, timeout=180)
    assert r.returncode == 0, r.stderr[-2000:]
    out = json.loads(r.stdout)
    assert out["cap"] > 2 * 1024**3  # its size after warm-up plus the 2 GiB default
    assert (out["status"], out["tables"]) == ("ok", 10) and out["claims"] > 100
    assert "1234.56万元" in "".join(out["spans"])


def test_an_upload_over_its_time_budget_is_refused_with_too_complex(tmp_path, monkeypatch):
    """The app checks an upload in a script thread (not the main one): the watchdog stops it."""
    from crossfoot.appdata import check_upload
    from crossfoot.store import Store

    import extraction.reader

    monkeypatch.setenv("CROSSFOOT_DOCUMENT_SECONDS", "0.3")
    real = extraction.reader.read_document

    def slow(path, name=None):
        while True:
            pass

    monkeypatch.setattr(extraction.reader, "read_document", slow)
    seed = sorted(SEED.glob("*.txt"))[0]
    out = []
    t = threading.Thread(target=lambda: out.append(check_upload("r.txt", seed.read_bytes(), tmp_path / "s.duckdb",
                                                                  tmp_path / "up", lang="en")))
    t.start()
    t.join(20)
    assert out, "the upload check did not stop"
    res = out[0]
    assert res.ok is False and "(too_complex)" in res.message and "0.3 s" in res.message
    with Store(tmp_path / "s.duckdb", read_only=True) as s:
        assert s.con.execute("SELECT status, error_code FROM documents").fetchall() == [("error", "too_complex")]
    monkeypatch.setattr(extraction.reader, "read_document", real)
    monkeypatch.setenv("CROSSFOOT_DOCUMENT_SECONDS", "60")
    assert check_upload("r.txt", seed.read_bytes() + b"\n", tmp_path / "s.duckdb", tmp_path / "up").ok


def test_every_error_code_is_documented_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [code for code in ERROR_CODES if f"`{code}`" not in readme]
    assert missing == []
