"""The ``crossfoot`` command line.

Subcommands are thin: each parses its flags and calls a function that the app
and the tests call too.  Flags and JSON fields named in the issues are
contracts: add to them, never rename.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from crossfoot import __version__

log = logging.getLogger("crossfoot")

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # argparse exits 2 on usage errors; keep that, say it plainly
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"crossfoot: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="crossfoot", description="Tie out the numbers in departmental disclosures.")
    p.add_argument("--version", action="version", version=f"crossfoot {__version__}")
    p.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    sub = p.add_subparsers(dest="command", required=True, parser_class=_Parser)

    c = sub.add_parser("check", help="read, extract and check reports; print JSON or text")
    c.add_argument("paths", nargs="+", metavar="PATH", help="PDF, .txt or .md files (folders are walked)")
    c.add_argument("--format", choices=["text", "json"], default="text")
    c.add_argument("--output", metavar="FILE", help="write the report here instead of stdout")
    c.add_argument("--claims", action="store_true", help="with --format text: list the claims too")
    c.add_argument("--fail-on", choices=["error", "warning", "never"], default="error",
                   help="exit 1 when a finding of this severity (or worse) is found (default: error)")
    c.add_argument("--config", metavar="FILE", help="YAML config, e.g. rules: {disable: [CF101]}")
    c.add_argument("--annotate", metavar="DIR", help="write a copy of each PDF with the findings highlighted")
    _add_ocr(c)
    c.set_defaults(func=_cmd_check)

    g = sub.add_parser("corpus", help="the generated corpus")
    gsub = g.add_subparsers(dest="corpus_command", required=True, parser_class=_Parser)
    gen = gsub.add_parser("generate", help="generate reports with planted errors and anomalies")
    gen.add_argument("--out", required=True, metavar="DIR")
    gen.add_argument("--departments", type=int, default=20, metavar="N")
    gen.add_argument("--years", default="2023-2024", metavar="Y1-Y2")
    gen.add_argument("--errors", type=float, default=0.3, metavar="RATE")
    gen.add_argument("--anomalies", type=float, default=0.05, metavar="RATE")
    gen.add_argument("--seed", type=int, default=0, metavar="S")
    gen.add_argument("--format", choices=["pdf", "txt", "both", "xlsx", "html", "docx", "scan"], default="pdf",
                     help="scan: the PDF's pages as 200-dpi images, an image-only PDF (default pdf)")
    gen.add_argument("--error-kinds", default=None, metavar="K1,K2", help="only plant these error kinds")
    gen.add_argument("--workers", type=int, default=None, metavar="N")
    gen.add_argument("--split", type=float, default=0.0, metavar="RATE",
                     help="share of departments publishing each report as two files, text and tables (default 0)")
    gen.add_argument("--cross-errors", type=float, default=0.0, metavar="RATE",
                     help="share of reports given an error between documents (default 0)")
    gen.add_argument("--cross-error-kinds", default=None, metavar="K1,K2",
                     help="only plant these errors between documents")
    gen.add_argument("--prior-figures", action="store_true",
                     help="budgets state last year's execution of each line, and the errors of last year's "
                          "figures (prior_column_restated, execution_vs_final_mismatch) are planted too")
    gen.set_defaults(func=_cmd_corpus_generate)

    sc = sub.add_parser("score", help="score department-years for unusual spending (IsolationForest, Benford)")
    sc.add_argument("--store", metavar="STORE", help="review store (DuckDB) or a folder/JSON of features")
    sc.add_argument("--format", choices=["text", "json"], default="text")
    sc.add_argument("--output", metavar="FILE", help="write the report here instead of stdout")
    sc.add_argument("--model", metavar="FILE", help="score with this saved model instead of fitting one")
    sc.add_argument("--save-model", metavar="FILE", help="save the fitted model here (skops or JSON)")
    sc.set_defaults(func=_cmd_score)
    _add_review_commands(sub)

    a = sub.add_parser("app", help="open the Streamlit app (on the bundled sample corpus by default)")
    a.add_argument("--corpus", default=None, metavar="DIR",
                   help="reports shown in the corpus view (default: the bundled sample corpus)")
    a.add_argument("--store", default="crossfoot.duckdb", metavar="FILE",
                   help="the store uploads are written to (default: ./crossfoot.duckdb)")
    a.add_argument("--cache", default=None, metavar="DIR",
                   help="where the reviewed corpus is cached (default: ~/.cache/crossfoot)")
    a.add_argument("--port", type=int, default=8501, metavar="N", help="the port to serve on (default: 8501)")
    a.add_argument("--address", default=None, metavar="HOST",
                   help="the address to serve on (default: Streamlit's, all interfaces)")
    a.set_defaults(func=_cmd_app)
    return p


def _add_review_commands(sub: argparse._SubParsersAction) -> None:
    """``review``, ``export`` and ``report``: the store of a large review and what is read out of it."""
    r = sub.add_parser("review", help="check many reports in parallel into a DuckDB store (resumable)")
    r.add_argument("paths", nargs="+", metavar="PATH", help="PDF, .txt or .md files (folders are walked)")
    r.add_argument("--store", default="crossfoot.duckdb", metavar="STORE",
                   help="the DuckDB store to write (default: ./crossfoot.duckdb)")
    r.add_argument("--workers", type=int, default=None, metavar="N",
                   help="local worker processes (default: one per core)")
    r.add_argument("--dask", default=None, metavar="ADDRESS",
                   help="send the work to this Dask scheduler (e.g. tcp://host:8786) instead of local processes")
    r.add_argument("--rescan", action="store_true",
                   help="check documents again even when stored with the same content and rules version")
    r.add_argument("--quiet", action="store_true", help="no progress bar and no summary (for scripts)")
    r.add_argument("--config", metavar="FILE", help="YAML config, e.g. rules: {disable: [CF101]}")
    _add_ocr(r)
    r.set_defaults(func=_cmd_review)

    x = sub.add_parser("export", help="export a review store to Parquet, CSV or Excel")
    x.add_argument("--store", default="crossfoot.duckdb", metavar="STORE")
    x.add_argument("--to", required=True, metavar="DIR", help="folder to write documents/claims/findings files into")
    x.add_argument("--format", choices=["parquet", "csv", "xlsx"], default="parquet")
    x.set_defaults(func=_cmd_export)

    h = sub.add_parser("report", help="one self-contained HTML page summarising a review store")
    h.add_argument("--store", default="crossfoot.duckdb", metavar="STORE")
    h.add_argument("--html", required=True, metavar="FILE")
    h.add_argument("--worst", type=int, default=50, metavar="N", help="how many of the worst findings to show")
    h.set_defaults(func=_cmd_report)


def _add_ocr(p: argparse.ArgumentParser) -> None:
    p.add_argument("--ocr", choices=["auto", "always", "never"], default=None,
                   help="read PDF pages by OCR: auto (default) those without a text layer, always every "
                        "page, never none (a scan is then a no_text error)")


def _rules_config(path: str | None, ocr: str | None = None) -> dict | None:
    """The --config file, validated (unknown rule codes refused), with --ocr in it as ``reader:
    {ocr: …}``; None after printing a usage error.

    Without a file the config holds --ocr alone and nothing is loaded: a review's parent never imports
    the rules (its workers do), which would cost it a third of a CPU-second."""
    if path is None:
        return {} if ocr is None else {"reader": {"ocr": ocr}}
    from crossfoot.pipeline import reader_options
    from rules.engine import enabled_rules, load_config

    try:
        config = load_config(path)
        enabled_rules(config)
        if ocr is not None:
            config = {**config, "reader": {**(config.get("reader") or {}), "ocr": ocr}}
        reader_options(config)
    except (OSError, ValueError) as e:
        print(f"crossfoot: error: --config: {e}", file=sys.stderr)
        return None
    return config


def _cmd_check(args: argparse.Namespace) -> int:
    from crossfoot.output import write_report
    from crossfoot.pipeline import check_paths, check_sets, iter_files, render_text

    config = _rules_config(args.config, args.ocr)
    if config is None:
        return EXIT_USAGE
    from crossfoot.budget import worker_memory

    files = list(iter_files([Path(p) for p in args.paths]))
    docs = check_paths(files, config, memory=worker_memory())
    if not docs:
        print("crossfoot: error: no PDF, .txt or .md file found under the given paths", file=sys.stderr)
        return EXIT_USAGE
    sets = check_sets(docs, {str(f): f for f in files}, config)
    if args.format == "json":
        out = json.dumps({"documents": docs, "sets": [s.to_dict() for s in sets]}, ensure_ascii=False, indent=1)
    else:
        out = render_text(docs, claims=args.claims)
    write_report(out, args.output)
    if args.annotate:
        from crossfoot.annotate import annotate_documents

        annotate_documents(docs, Path(args.annotate))
    if any(d["status"] != "ok" for d in docs):
        return EXIT_USAGE
    worst = {"error": 0, "warning": 1, "info": 2}
    threshold = {"error": 0, "warning": 1, "never": -1}[args.fail_on]
    if any(worst[f["severity"]] <= threshold for d in docs for f in d["findings"]):
        return EXIT_FINDINGS
    return EXIT_OK


def _cmd_corpus_generate(args: argparse.Namespace) -> int:
    from corpus.generate import generate_corpus, parse_years

    try:
        years = parse_years(args.years)
    except ValueError as e:
        print(f"crossfoot: error: --years: {e}", file=sys.stderr)
        return EXIT_USAGE
    kinds = [k.strip() for k in args.error_kinds.split(",")] if args.error_kinds else None
    cross = [k.strip() for k in args.cross_error_kinds.split(",")] if args.cross_error_kinds else None
    try:
        records = generate_corpus(
            out=Path(args.out),
            departments=args.departments,
            years=years,
            errors=args.errors,
            anomalies=args.anomalies,
            seed=args.seed,
            fmt=args.format,
            error_kinds=kinds,
            workers=args.workers,
            split=args.split,
            cross_errors=args.cross_errors,
            cross_kinds=cross,
            prior_figures=args.prior_figures,
        )
    except ValueError as e:
        print(f"crossfoot: error: {e}", file=sys.stderr)
        return EXIT_USAGE
    print(f"wrote {len(records)} documents to {args.out}", file=sys.stderr)
    return EXIT_OK


def _cmd_score(args: argparse.Namespace) -> int:
    from models.command import run_score

    return run_score(args)


def _cmd_review(args: argparse.Namespace) -> int:
    from crossfoot.review import ProgressBar, count_files, review, summary_table
    from crossfoot.store import StoreError

    if args.workers is not None and args.workers < 1:
        print("crossfoot: error: --workers must be at least 1", file=sys.stderr)
        return EXIT_USAGE
    config = _rules_config(args.config, args.ocr)
    if config is None:
        return EXIT_USAGE
    paths = [Path(p) for p in args.paths]
    kw = {"workers": args.workers, "dask_address": args.dask, "rescan": args.rescan, "config": config}
    bar = None
    try:
        if args.quiet:
            stats = review(paths, args.store, **kw)
        else:
            bar = ProgressBar(count_files(paths))
            with bar:
                stats = review(paths, args.store, on_progress=bar, **kw)
                bar.final(stats)
    except StoreError as e:
        print(f"crossfoot: error: {e}", file=sys.stderr)
        return EXIT_USAGE
    except (OSError, RuntimeError) as e:  # e.g. the Dask scheduler cannot be reached
        print(f"crossfoot: error: {type(e).__name__}: {e}", file=sys.stderr)
        return EXIT_USAGE
    if bar is not None:
        bar.console.print(summary_table(stats, args.store))
    if stats.interrupted:
        print("crossfoot: interrupted; what was checked is stored, rerun the same command to carry on",
              file=sys.stderr)
        return 130
    if stats.seen == 0:
        print("crossfoot: error: no PDF, .txt or .md file found under the given paths", file=sys.stderr)
        return EXIT_USAGE
    return EXIT_USAGE if stats.errors else EXIT_OK


def _cmd_export(args: argparse.Namespace) -> int:
    from crossfoot.export import export_store
    from crossfoot.store import StoreError

    try:
        written = export_store(args.store, Path(args.to), args.format)
    except StoreError as e:
        print(f"crossfoot: error: {e}", file=sys.stderr)
        return EXIT_USAGE
    for f, n in written:
        print(f"{f}\t{n} rows", file=sys.stderr)
    return EXIT_OK


def _cmd_report(args: argparse.Namespace) -> int:
    from crossfoot.report import write_report
    from crossfoot.store import StoreError

    try:
        write_report(args.store, Path(args.html), worst=args.worst)
    except StoreError as e:
        print(f"crossfoot: error: {e}", file=sys.stderr)
        return EXIT_USAGE
    print(f"wrote {args.html}", file=sys.stderr)
    return EXIT_OK


def app_command(args: argparse.Namespace) -> list[str]:
    """The command line that serves the app: Streamlit running the packaged script."""
    from crossfoot import APP_SCRIPT

    cmd = [sys.executable, "-m", "streamlit", "run", str(APP_SCRIPT), "--server.headless", "true",
           "--server.port", str(args.port), "--server.maxUploadSize", "50", "--browser.gatherUsageStats", "false"]
    if args.address:
        cmd += ["--server.address", args.address]
    cmd += ["--", "--store", args.store]
    if args.corpus:
        cmd += ["--corpus", args.corpus]
    if args.cache:
        cmd += ["--cache", args.cache]
    return cmd


def _cmd_app(args: argparse.Namespace) -> int:
    if not 0 < args.port < 65536:
        print("crossfoot: error: --port must be between 1 and 65535", file=sys.stderr)
        return EXIT_USAGE
    if args.corpus and not Path(args.corpus).is_dir():
        print(f"crossfoot: error: --corpus: {args.corpus} is not a folder", file=sys.stderr)
        return EXIT_USAGE
    cmd = app_command(args)
    print(f"crossfoot: serving the app on port {args.port} (Ctrl-C stops it)", file=sys.stderr, flush=True)
    # This process becomes Streamlit (signals reach the server itself); its messages are not a
    # report, so they go where crossfoot's own messages go.
    sys.stdout.flush()
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    os.execv(cmd[0], cmd)
    return EXIT_OK  # pragma: no cover - execv does not return


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    return int(args.func(args) or 0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
