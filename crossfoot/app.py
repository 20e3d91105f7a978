"""crossfoot's Streamlit app: widgets only (the work is done by crossfoot.appdata and the pipeline).

Run with ``crossfoot app`` (``make app`` in a checkout), or as Streamlit's own script::

    streamlit run crossfoot/app.py -- --corpus corpus/sample --store crossfoot.duckdb [--cache DIR]

It ships in the package, and so does the sample corpus it opens by default (``corpus/sample``).
``--corpus`` is reviewed once into a cached store (under ``--cache``) and shown in the corpus
view; uploads are checked and written to ``--store``, the same store ``crossfoot review`` writes.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import streamlit as st

from corpus import SAMPLE_CORPUS
from crossfoot import appdata as A
from crossfoot.store import StoreError

VIEWS = ("corpus", "department", "upload", "document", "claims")


def _args() -> argparse.Namespace:
    p = argparse.ArgumentParser()
    p.add_argument("--corpus", default=str(SAMPLE_CORPUS))
    p.add_argument("--store", default="crossfoot.duckdb")
    default_cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "crossfoot"
    p.add_argument("--cache", default=str(default_cache))
    return p.parse_known_args(sys.argv[1:])[0]


ARGS = _args()
CORPUS, STORE, CACHE = Path(ARGS.corpus), Path(ARGS.store), Path(ARGS.cache)
UPLOADS = STORE.parent / f"{STORE.stem}-uploads"


@st.cache_resource(show_spinner=False)
def _corpus_store(corpus: str, cache: str) -> Path | None:
    if not Path(corpus).is_dir():
        return None
    bar = st.progress(0.0, text=A.t("preparing", "zh") + " / " + A.t("preparing", "en"))

    def step(done: int, total: int) -> None:
        bar.progress(min(1.0, done / total) if total else 0.0, text=f"{A.t('preparing', 'zh')} {done}/{total}")

    store = A.prepare_corpus(Path(corpus), Path(cache), step)
    bar.empty()
    return store


@st.cache_data(show_spinner=False)
def _documents(store: str, token: str):
    return A.documents_frame(Path(store))


@st.cache_data(show_spinner=False)
def _entry(store: str, sha: str, token: str):
    return A.entry_from_store(Path(store), sha)


@st.cache_resource(show_spinner=False, max_entries=8)
def _source(path: str, sha: str):
    return A.open_source(path, sha)


@st.cache_data(show_spinner=False, max_entries=64)
def _page_png(path: str, page: int, evidence: list, page_text: str | None) -> bytes:
    return A.page_png(path, page, evidence, page_text)


@st.cache_data(show_spinner=False)
def _scores(store: str, token: str, cache: str) -> A.CorpusScores:
    return A.corpus_scores(Path(store), Path(cache))


@st.cache_data(show_spinner=False)
def _departments(store: str, token: str):
    return A.departments_frame(Path(store))


@st.cache_data(show_spinner=False)
def _findings_rank(store: str, token: str):
    return A.findings_rank_frame(Path(store))


# ------------------------------------------------------------------------------------------ views


def view_upload(lang: str) -> None:
    st.header(A.t("view_upload", lang))
    st.caption(A.t("upload_help", lang, store=STORE))
    files = st.file_uploader(A.t("upload_label", lang, mb=A.MAX_UPLOAD_MB), type=[s.lstrip(".") for s in A.UPLOAD_SUFFIXES],
                             accept_multiple_files=True, key="uploads")
    done: dict = st.session_state.setdefault("checked_uploads", {})
    todo = [f for f in files or [] if f.file_id not in done]
    if todo:
        bar = st.progress(0.0)
        for i, f in enumerate(todo, 1):
            bar.progress((i - 1) / len(todo), text=A.t("checking", lang, name=f.name, i=i, n=len(todo)))
            try:
                res = A.check_upload(f.name, f.getvalue(), STORE, UPLOADS, lang)
            except StoreError as e:
                res = A.UploadResult(f.name, False, A.t("err_store", lang, message=e))
            done[f.file_id] = res
        bar.progress(1.0)
        bar.empty()
    for f in files or []:
        res = done.get(f.file_id)
        if res is None:
            continue
        if res.ok:
            c1, c2 = st.columns([4, 1])
            c1.success(res.message)
            if c2.button(A.t("open_document", lang), key=f"open-{f.file_id}"):
                st.session_state["_goto"] = ("document", "store", res.sha256)
                st.rerun()
        else:
            st.error(res.message)


def _pick_document(lang: str, store: Path):
    docs = _documents(str(store), A.store_token(store))
    if not len(docs):
        st.info(A.t("no_documents", lang))
        return None, None
    shas = list(docs["sha256"])
    names = A.upload_names(UPLOADS)
    labels = {r["sha256"]: A.document_label(r, lang, names) for _, r in docs.iterrows()}
    want = st.session_state.get("doc")
    index = shas.index(want) if want in shas else 0
    sha = st.selectbox(A.t("choose_document", lang), shas, index=index, format_func=labels.get, key="doc_select")
    st.session_state["doc"] = sha
    row = docs[docs["sha256"] == sha].iloc[0]
    return row, _entry(str(store), sha, A.store_token(store))


def view_document(lang: str, store: Path) -> None:
    st.header(A.t("view_document", lang))
    row, entry = _pick_document(lang, store)
    if entry is None:
        return
    if entry["status"] != "ok":
        st.error(A.t("err_read", lang, name=Path(row["path"]).name, code=row["error_code"],
                     message=row["error_message"]))
        return
    m = entry["meta"]
    counts = A.severity_counts(entry)
    cols = st.columns(8)
    for col, (label, value) in zip(cols, [
            ("department", m["department"] or "?"), ("year", m["year"] or "?"), ("kind", A.kind_word(m["kind"], lang)),
            ("tables", len(entry["tables"])), ("claims", len(entry["claims"])), ("error", counts["error"]),
            ("warning", counts["warning"]), ("info", counts["info"])]):
        col.metric(A.t(label, lang), value)
    doc = _source(str(row["path"]), row["sha256"])
    if doc is None:
        st.warning(A.t("source_missing", lang, path=row["path"]))
    _downloads(lang, store, row, entry)

    st.subheader(A.t("findings", lang))
    frame = A.findings_frame(entry, lang)
    if not len(frame):
        st.success(A.t("no_findings", lang))
        return
    c1, c2 = st.columns(2)
    sev = c1.multiselect(A.t("filter_severity", lang), list(A.SEVERITIES),
                         format_func=lambda s: A.severity_word(s, lang), key="f_sev")
    rules = c2.multiselect(A.t("filter_rule", lang), sorted(frame["rule"].unique()), key="f_rule")
    shown = A.filter_findings(frame, sev, rules)
    st.dataframe(shown, width="stretch", hide_index=True)
    if not len(shown):
        return
    by_id = {f["id"]: f for f in entry["findings"]}
    fid = st.selectbox(A.t("choose_finding", lang), list(shown["id"]), key="finding",
                       format_func=lambda i: f"{i} · {by_id[i]['rule']} · {A.severity_word(by_id[i]['severity'], lang)}"
                       f" · {(by_id[i]['message_en'] if lang == 'en' else by_id[i]['message'])[:90]}")
    _finding_detail(lang, row, doc, by_id[fid])


def _finding_detail(lang: str, row, doc, f: dict) -> None:
    st.markdown(f"**{f['rule']} · {A.severity_word(f['severity'], lang)}** — "
                f"{f['message_en'] if lang == 'en' else f['message']}")
    st.info(f"{A.t('arithmetic', lang)}：{A.arithmetic_text(f, lang)}")
    ev = f.get("evidence") or []
    page_text = lambda p: doc.pages[p - 1].text if doc is not None and p and p <= len(doc.pages) else None
    prose = [e for e in ev if e.get("source") == "prose"]
    if prose:
        st.markdown(f"**{A.t('prose', lang)}**")
        for e in prose:
            st.markdown(f"p.{e['page']}：" + A.sentence_html(e, page_text(e["page"])), unsafe_allow_html=True)
    if doc is None:
        return
    for tid in dict.fromkeys(A._table_id(e.get("table")) for e in ev if e.get("table")):
        df, marks = A.table_view(doc, tid, ev)
        if len(df):
            title = next((tb.title for tb in doc.tables if tb.id == tid), tid)
            st.markdown(f"**{A.t('table', lang)} · {title}**")
            st.dataframe(A.styled_table(df, marks), width="stretch", hide_index=True)
    for page in dict.fromkeys(e.get("page") for e in ev if e.get("page")):
        st.markdown(f"**{A.t('page_image', lang, page=page)}**")
        if str(row["path"]).lower().endswith(".pdf"):
            st.image(_page_png(str(row["path"]), page, ev, page_text(page)), width="stretch")
        else:
            st.caption(A.t("no_page_image", lang))
            spans = [(e.get("start"), e.get("end")) for e in ev if e.get("page") == page]
            st.markdown(A.page_text_html(page_text(page) or "", spans), unsafe_allow_html=True)


def _downloads(lang: str, store: Path, row, entry: dict) -> None:
    st.subheader(A.t("downloads", lang))
    stem = Path(str(row["path"])).stem
    cols = st.columns(5)
    if str(row["path"]).lower().endswith(".pdf") and Path(row["path"]).is_file():
        cols[0].download_button(A.t("dl_pdf", lang), A.annotated_pdf(row["path"], entry["findings"]),
                                f"{stem}.annotated.pdf", "application/pdf", key="dl_pdf")
    cols[1].download_button(A.t("dl_xlsx", lang), A.findings_export(store, row["sha256"], "xlsx"),
                            f"{stem}.findings.xlsx", key="dl_xlsx",
                            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    cols[2].download_button(A.t("dl_csv", lang), A.findings_export(store, row["sha256"], "csv"),
                            f"{stem}.findings.csv", "text/csv", key="dl_csv")
    cols[3].download_button(A.t("dl_json", lang), A.json_report(entry), f"{stem}.json", "application/json",
                            key="dl_json")
    cols[4].download_button(A.t("dl_html", lang), A.html_report(entry), f"{stem}.html", "text/html",
                            key="dl_html")


def view_claims(lang: str, store: Path) -> None:
    st.header(A.t("view_claims", lang))
    st.caption(A.t("claims_help", lang))
    row, entry = _pick_document(lang, store)
    if entry is None or entry["status"] != "ok":
        return
    doc = _source(str(row["path"]), row["sha256"])
    if doc is None:
        st.warning(A.t("source_missing", lang, path=row["path"]))
    frame = A.claims_frame(A.claim_statuses(doc, entry), lang)
    cols = st.columns(3)
    for col, s in zip(cols, A.STATUSES):
        col.metric(A.t(s, lang), int((frame["status"] == s).sum()))
    pick = st.multiselect(A.t("filter_status", lang), list(A.STATUSES), format_func=lambda s: A.t(s, lang),
                          key="c_status")
    shown = frame[frame["status"].isin(pick)] if pick else frame
    st.dataframe(shown, width="stretch", hide_index=True)


def view_corpus(lang: str, store: Path) -> None:
    st.header(A.t("view_corpus", lang))
    token = A.store_token(store)
    with st.spinner(A.t("scoring", lang)):
        scores = _scores(str(store), token, str(CACHE))
    ranked = A.score_frame(scores)
    by_findings = _findings_rank(str(store), token)
    docs = _documents(str(store), token)
    st.caption(f"{A.t('documents', lang)}: {len(docs)} · {A.t('source', lang)}: {store}")
    both = [d for d in (ranked, by_findings) if len(d)]
    years = sorted({int(y) for d in both for y in d["year"].dropna()})
    types = sorted({x for d in both for x in d["type"].dropna()})
    levels = sorted({x for d in both for x in d["level"].dropna()})
    c1, c2, c3 = st.columns(3)
    fy = c1.multiselect(A.t("filter_year", lang), years, key="c_year")
    ft = c2.multiselect(A.t("filter_type", lang), types, key="c_type")
    fl = c3.multiselect(A.t("filter_level", lang), levels, key="c_level")

    st.subheader(A.t("rank_score", lang))
    st.caption(A.t("score_help", lang))
    if scores.problem:
        st.info(A.t("score_failed", lang, message=scores.problem))
    shown = A.filter_frame(ranked, fy, ft, fl)
    st.dataframe(shown, width="stretch", hide_index=True)
    st.download_button(A.t("csv_export", lang), shown.to_csv(index=False).encode("utf-8-sig"),
                       "crossfoot-scores.csv", "text/csv", key="dl_scores")

    st.subheader(A.t("rank_findings", lang))
    shown_f = A.filter_frame(by_findings, fy, ft, fl) if len(by_findings) else by_findings
    st.dataframe(shown_f, width="stretch", hide_index=True)
    st.download_button(A.t("csv_export", lang) + " · " + A.t("findings", lang),
                       shown_f.to_csv(index=False).encode("utf-8-sig"), "crossfoot-findings-ranking.csv",
                       "text/csv", key="dl_findings_rank")

    if not len(shown):
        return
    c1, c2 = st.columns(2)
    with c1:
        st.subheader(A.t("score_distribution", lang))
        st.bar_chart(A.score_histogram(shown), x="score", y="count")
    with c2:
        st.subheader(A.t("benford", lang))
        bf, test = A.benford_frame(scores)
        if len(bf):
            st.bar_chart(bf, stack=False)
            st.caption(A.t("benford_help", lang, n=test["n"], mad=test["mad"], conformity=test["conformity"])
                       + (f" — {test['warning']}" if test.get("warning") else ""))
    st.subheader(A.t("peers", lang))
    st.caption(A.t("peers_help", lang))
    keys = [(r["department"], int(r["year"])) for _, r in shown.iterrows()]
    dep = st.selectbox(A.t("department", lang), keys, format_func=lambda k: f"{k[0]} {k[1]}", key="peer_dep")
    peers = A.peer_frame(scores, dep[0], dep[1], lang)
    if len(peers):
        st.bar_chart(peers.set_index("name")["deviation"])
        st.dataframe(peers.rename(columns={"name": A.t("feature", lang), "value": A.t("value", lang),
                                           "peer_median": A.t("peer_median", lang),
                                           "deviation": A.t("deviation", lang)}).drop(columns=["feature"]),
                     width="stretch", hide_index=True)


def view_department(lang: str, store: Path) -> None:
    st.header(A.t("view_department", lang))
    st.caption(A.t("department_help", lang))
    deps = _departments(str(store), A.store_token(store))
    if not len(deps):
        st.info(A.t("department_none", lang))
        return
    st.dataframe(deps, width="stretch", hide_index=True)
    dep = st.selectbox(A.t("department_pick", lang), list(deps["department"]), key="dep_select")
    st.subheader(A.t("department_reports", lang))
    st.dataframe(A.department_reports(store, dep), width="stretch", hide_index=True)
    st.subheader(A.t("department_cross", lang))
    cross = A.cross_document_findings(store, dep)
    if len(cross):
        st.dataframe(cross, width="stretch", hide_index=True)
    else:
        st.caption(A.t("department_no_cross", lang))


# ------------------------------------------------------------------------------------------ layout


def main() -> None:
    st.set_page_config(page_title="crossfoot", layout="wide")
    goto = st.session_state.pop("_goto", None)
    if goto:
        st.session_state["view"], st.session_state["source"], st.session_state["doc"] = goto
        st.session_state.pop("doc_select", None)
    lang = "en" if st.sidebar.radio(A.t("language"), ["中文", "English"], horizontal=True, key="lang") == "English" \
        else "zh"
    st.title(A.t("title", lang))
    view = st.sidebar.radio(A.t("view", lang), VIEWS, format_func=lambda v: A.t(f"view_{v}", lang), key="view")
    corpus_store = _corpus_store(str(CORPUS), str(CACHE))
    sources = {"store": STORE}
    if corpus_store is not None:
        sources = {"corpus": corpus_store, "store": STORE}
    names = {"corpus": A.t("source_corpus", lang, name=CORPUS), "store": A.t("source_store", lang, name=STORE)}
    if st.session_state.get("source") not in sources:
        st.session_state["source"] = next(iter(sources))
    source = st.sidebar.radio(A.t("source", lang), list(sources), format_func=names.get, key="source")
    store = sources[source]
    try:
        if view == "upload":
            view_upload(lang)
        elif view == "document":
            view_document(lang, store)
        elif view == "claims":
            view_claims(lang, store)
        elif view == "department":
            view_department(lang, store)
        else:
            view_corpus(lang, store)
    except StoreError as e:
        st.error(A.t("err_store", lang, message=e))


if __name__ == "__main__":  # Streamlit runs the script as __main__, on every rerun
    main()
