"""crossfoot's Streamlit app (widgets only: the work is done by crossfoot.pipeline).

Run with `make app`.  This first version reads uploaded reports and the bundled
sample corpus and shows what was read; findings and the corpus view come with
the rules and the anomaly model.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import streamlit as st

from crossfoot.pipeline import check_document, iter_files

MAX_UPLOAD_MB = 50
ALLOWED = ["pdf", "txt", "md"]


def _args() -> argparse.Namespace:
    p = argparse.ArgumentParser()
    p.add_argument("--corpus", default="corpus/sample")
    return p.parse_known_args(sys.argv[1:])[0]


@st.cache_data(show_spinner=False)
def _check_bytes(name: str, data: bytes) -> dict:
    # The uploaded name never chooses a path: the bytes go to a fresh temporary file.
    suffix = Path(name).suffix.lower() if Path(name).suffix.lower() in {".pdf", ".txt", ".md"} else ".bin"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"upload{suffix}"
        path.write_bytes(data)
        return check_document(path, display_name=name)


@st.cache_data(show_spinner=False)
def _check_path(path: str) -> dict:
    return check_document(Path(path))


def _show(entry: dict) -> None:
    if entry["status"] != "ok":
        st.error(f"{entry['path']}: {entry['error']['message']}")
        return
    m = entry["meta"]
    cols = st.columns(4)
    cols[0].metric("部门 Department", m["department"] or "?")
    cols[1].metric("年度 Year", m["year"] or "?")
    cols[2].metric("类型 Kind", {"final_account": "决算", "budget": "预算"}.get(m["kind"], "?"))
    cols[3].metric("页数 Pages", m["pages"])
    st.dataframe(entry["tables"], use_container_width=True)


def main() -> None:
    st.set_page_config(page_title="crossfoot", layout="wide")
    st.title("crossfoot · 部门决算/预算核对")
    files = st.file_uploader("上传报告 Upload reports (PDF, txt, md)", type=ALLOWED, accept_multiple_files=True)
    for f in files or []:
        data = f.getvalue()
        if len(data) > MAX_UPLOAD_MB * 2**20:
            st.error(f"{f.name}: larger than {MAX_UPLOAD_MB} MB")
            continue
        with st.spinner(f"checking {f.name}"):
            st.subheader(f.name)
            _show(_check_bytes(f.name, data))
    corpus = Path(_args().corpus)
    st.header("样本语料 Sample corpus")
    paths = list(iter_files([corpus])) if corpus.exists() else []
    if not paths:
        st.info(f"no documents under {corpus}")
        return
    rows = []
    for p in paths[:200]:
        e = _check_path(str(p))
        rows.append({"file": p.name, "status": e["status"], "department": e["meta"]["department"],
                     "year": e["meta"]["year"], "kind": e["meta"]["kind"], "tables": len(e["tables"])})
    st.dataframe(rows, use_container_width=True)


main()
