"""What a user installs is what the tests test.

The sdist and the wheel are built (the wheel from the sdist, as ``python -m build`` does), the wheel
is installed into a fresh virtual environment outside the tree (no editable install, no
``PYTHONPATH``) and the installed ``crossfoot`` is run from a folder outside the tree: ``check`` on
every seed and real PDF of tests/data (the same claims and findings as this editable install,
document by document, with the network unreachable), ``review`` + ``score`` on a small generated
corpus, and ``app`` serving HTTP on the sample corpus that ships in the package.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
import urllib.request
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from conftest import DATA, free_port, serving

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("crossfoot", "extraction", "rules", "models", "corpus")
REPORTS = sorted(DATA.glob("seeds/*.txt")) + sorted(DATA.glob("real/**/*.pdf"))

pytestmark = pytest.mark.timeout(900)


def _run(cmd, cwd, env, timeout=600, check=True) -> subprocess.CompletedProcess:
    r = subprocess.run([str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, timeout=timeout, check=False)
    if check and r.returncode != 0:
        pytest.fail(f"{' '.join(map(str, cmd))} exited {r.returncode}:\n{r.stderr.decode(errors='replace')[-3000:]}")
    return r


def _clean_env(venv: Path) -> dict[str, str]:
    """The environment a user's shell has after activating the new venv: nothing of this tree."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "VIRTUAL_ENV", "PYTHONHOME", "PYTHONSTARTUP") and not k.startswith("PYTEST")}
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(venv)
    return env


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> dict[str, Path]:
    """The sdist and the wheel built from it (build isolation: the build needs only pyproject.toml)."""
    out = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "build", "--outdir", out, ROOT], cwd=ROOT, env=dict(os.environ))
    (sdist,) = out.glob("crossfoot-*.tar.gz")
    (wheel,) = out.glob("crossfoot-*.whl")
    return {"sdist": sdist, "wheel": wheel}


@pytest.fixture(scope="module")
def installed(dist, tmp_path_factory) -> dict[str, object]:
    """A fresh venv with the wheel installed, its dependencies pinned to this environment's versions."""
    root = tmp_path_factory.mktemp("user")
    venv = root / "venv"
    _run([sys.executable, "-m", "venv", venv], cwd=root, env=dict(os.environ))
    freeze = _run([sys.executable, "-m", "pip", "freeze", "--exclude-editable"], cwd=root, env=dict(os.environ))
    pins = [ln for ln in freeze.stdout.decode().splitlines()
            if ln and not ln.lower().startswith(("crossfoot", "-e ")) and " @ " not in ln]
    constraints = root / "constraints.txt"
    constraints.write_text("\n".join(pins) + "\n")
    env = _clean_env(venv)
    _run([venv / "bin" / "python", "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
          "-c", constraints, dist["wheel"]], cwd=root, env=env, timeout=1200)
    work = root / "work"
    work.mkdir()
    return {"venv": venv, "env": env, "work": work, "bin": venv / "bin" / "crossfoot"}


def test_the_wheel_and_the_sdist_hold_every_file_of_the_packages(dist):
    tracked = subprocess.run(["git", "ls-files", *PACKAGES], cwd=ROOT, capture_output=True, text=True, check=False)
    if tracked.returncode != 0:
        pytest.skip("not a git checkout: the files of the packages cannot be listed")
    files = {f for f in tracked.stdout.splitlines() if "__pycache__" not in f}
    assert any(f.startswith("extraction/claims/") for f in files) and "models/data/features.yaml" in files
    wheel = set(zipfile.ZipFile(dist["wheel"]).namelist())
    assert sorted(files - wheel) == []
    with tarfile.open(dist["sdist"]) as tar:
        top = tar.getnames()[0].split("/")[0]
        sdist = {n.split("/", 1)[1] for n in tar.getnames() if "/" in n}
    assert top.startswith("crossfoot-")
    assert sorted(files - sdist) == []
    meta = zipfile.ZipFile(dist["wheel"]).read(next(n for n in wheel if n.endswith(".dist-info/METADATA")))
    assert b"License-Expression: Apache-2.0" in meta


def test_the_installed_package_is_imported_from_the_venv_not_the_tree(installed):
    r = _run([installed["venv"] / "bin" / "python", "-c",
              "import crossfoot, extraction.claims, rules.engine, models.features, corpus;"
              "print(crossfoot.__file__); print(extraction.claims.__file__);"
              "print(len(list(corpus.SAMPLE_CORPUS.glob('*.pdf'))))"],
             cwd=installed["work"], env=installed["env"])
    lines = r.stdout.decode().split()
    site = str(installed["venv"])
    assert lines[0].startswith(site) and lines[1].startswith(site), lines
    assert not lines[0].startswith(str(ROOT))
    assert int(lines[2]) == len(list((ROOT / "corpus" / "sample").glob("*.pdf"))) > 0


def _summary(doc: dict) -> tuple:
    return (doc["status"], len(doc["tables"]), len(doc["claims"]), len(doc["findings"]),
            tuple(sorted(Counter((f["rule"], f["severity"]) for f in doc["findings"]).items())))


def test_installed_check_gives_what_the_editable_install_gives(installed):
    from crossfoot.pipeline import check_paths, check_sets

    cmd = [installed["bin"], "check", "--format", "json", "--fail-on", "never", *REPORTS]
    if shutil.which("unshare") and subprocess.run(["unshare", "-n", "true"], capture_output=True).returncode == 0:
        cmd = ["unshare", "-n", *cmd]  # no network: nothing may be downloaded at run time
    r = _run(cmd, cwd=installed["work"], env=installed["env"])
    report = json.loads(r.stdout.decode("utf-8"))  # strict: stdout is the JSON and nothing else
    got = {d["path"]: _summary(d) for d in report["documents"]}
    entries = check_paths(REPORTS)
    check_sets(entries, {e["path"]: Path(e["path"]) for e in entries})  # as `crossfoot check` does
    want = {d["path"]: _summary(d) for d in entries}
    assert len(got) == len(REPORTS) == len(want)
    assert got == want
    assert sum(s[2] for s in got.values()) > 500  # claims: the extractor is there
    assert sum(s[3] for s in got.values()) > 50  # findings: the rules are there
    assert all(s[0] == "ok" for s in got.values())


def test_installed_review_and_score(installed):
    work, env, exe = installed["work"], installed["env"], installed["bin"]
    _run([exe, "corpus", "generate", "--out", work / "gen", "--departments", "8", "--years", "2023-2024",
          "--errors", "0.3", "--anomalies", "0.2", "--seed", "7", "--format", "txt"], cwd=work, env=env)
    n_files = len(list((work / "gen").glob("*.txt")))
    assert n_files == 32
    r = _run([exe, "review", work / "gen", "--store", work / "gen.duckdb", "--quiet", "--workers", "2"],
             cwd=work, env=env)
    assert r.stdout == b""
    r = _run([exe, "score", "--store", work / "gen.duckdb", "--format", "json"], cwd=work, env=env)
    scores = json.loads(r.stdout.decode("utf-8"))
    rows = scores["departments"]
    assert len(rows) == 16  # 8 departments x 2 years
    assert all(isinstance(x["score"], float) for x in rows)
    assert any(x["reasons"] for x in rows)


def test_installed_app_serves_the_bundled_sample_corpus(installed):
    work, env = installed["work"], installed["env"]
    port = free_port()
    cmd = [installed["bin"], "app", "--port", port, "--address", "127.0.0.1",
           "--store", work / "uploads.duckdb", "--cache", work / "cache"]
    with serving(cmd, port, work / "app.log", cwd=work, env=env) as url:
        with urllib.request.urlopen(f"{url}/", timeout=10) as r:
            assert r.status == 200 and b"<html" in r.read().lower()
    # The app itself, run from the installed package on the bundled sample corpus (AppTest renders
    # every element without a browser): no exception, and the corpus view ranks its departments.
    script = f"""
import sys
from streamlit.testing.v1 import AppTest
import crossfoot
sys.argv = ["app", "--store", {str(work / 'uploads.duckdb')!r}, "--cache", {str(work / 'cache')!r}]
at = AppTest.from_file(str(crossfoot.APP_SCRIPT), default_timeout=300).run()
assert not at.exception, at.exception
print(len(at.dataframe[0].value))
"""
    r = _run([installed["venv"] / "bin" / "python", "-c", script], cwd=work, env=env, timeout=600)
    assert int(r.stdout.decode().split()[-1]) == 24  # 12 departments x 2 years of the sample corpus
