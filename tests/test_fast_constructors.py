"""The reader's and claim extractor's fast constructors build exactly what the dataclasses build.

``new_cell``, ``new_row`` and ``make_claim`` fill an instance's dict instead of calling the frozen
``__init__``; a field added, renamed or reordered in a class must not slip past them.
"""

from dataclasses import fields

import pytest

from extraction.claims.claim import Claim, make_claim
from extraction.model import Cell, Row, new_cell, new_row


def _sample(cls):
    """A distinct value per field, in field order."""
    return [f"{f.name}-value" if f.type in ("str", "str | None") else i + 1 for i, f in enumerate(fields(cls))]


@pytest.mark.parametrize(
    ("cls", "fast"),
    [(Cell, lambda *v: new_cell(*v)), (Row, lambda *v: new_row(*v)), (Claim, lambda *v: make_claim(*v))],
)
def test_fast_constructor_equals_dataclass(cls, fast):
    values = _sample(cls)
    slow = cls(*values)
    quick = fast(*values)
    assert type(quick) is cls
    assert quick == slow
    assert hash(quick) == hash(slow)
    assert vars(quick) == vars(slow)
    assert [f.name for f in fields(cls)] == list(vars(quick))
    with pytest.raises(AttributeError):  # still frozen
        quick.page = 99  # type: ignore[misc]
