"""The seeds as web pages and Word files (tests/data/derived, made by tests/formats.py) read as the seeds do.

Issue 19's must-show for the HTML and Word readers: each derived file is re-derived here and must
be byte-identical to the stored one (so the stored files stay what the helper makes), and its
reading must give the seed's tables (kind, number, unit, every row's code, name and values), the
seed's claims (kind, metric, label, value, unit, period, scope, base, direction, page, status) and
the seed's findings (rule, severity, message, evidence pages and values).
"""

from __future__ import annotations

import pytest
from formats import claim_key, derive, derived_pairs, finding_key, table_key

from crossfoot.pipeline import check_document
from extraction.reader import read_document

PAIRS = derived_pairs()
IDS = [f"{o.name}" for _s, o, _f in PAIRS]


def _unspaced(s: str) -> str:
    return "".join(s.split())


def test_every_seed_has_its_derived_files():
    assert len(PAIRS) == 10
    assert all(o.is_file() for _s, o, _f in PAIRS), [o.name for _s, o, _f in PAIRS if not o.is_file()]


@pytest.mark.parametrize(("seed", "derived", "fmt"), PAIRS, ids=IDS)
def test_derived_file_is_what_the_helper_makes(seed, derived, fmt):
    assert derive(seed, fmt) == derived.read_bytes(), f"run python tests/formats.py: {derived.name} is stale"


@pytest.mark.parametrize(("seed", "derived", "fmt"), PAIRS, ids=IDS)
def test_derived_file_reads_as_the_seed(seed, derived, fmt):
    a, b = read_document(seed), read_document(derived)
    assert b.error is None and b.format == fmt
    assert (b.meta.department, b.meta.year, b.meta.kind, b.meta.pages) == \
        (a.meta.department, a.meta.year, a.meta.kind, a.meta.pages)
    assert [table_key(t) for t in b.tables] == [table_key(t) for t in a.tables]
    # (white space aside: a page's markup may put a space between two paragraphs of a cell that
    # its export kept, as "主要职责是：</p> <p>(一)")
    assert [_unspaced(p.text) for p in b.paragraphs] == [_unspaced(p.text) for p in a.paragraphs]
    ca, cb = check_document(seed), check_document(derived)
    assert [claim_key(c) for c in cb["claims"]] == [claim_key(c) for c in ca["claims"]]
    assert sorted(map(finding_key, cb["findings"])) == sorted(map(finding_key, ca["findings"]))
