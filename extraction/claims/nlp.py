"""The spaCy side of claim extraction: ``spacy.blank("zh")`` with the jieba segmenter and a claims component.

The component runs the same recognisers as :func:`extraction.claims.extract_claims`
on one sentence or paragraph ``Doc`` and puts each figure in ``doc.spans["claims"]``
(label = kind) with the Claim on ``span._.claim``.  It is for callers that work
with spaCy docs (token-level features, displaCy).  ``extract_claims`` itself does
not tokenise: jieba plus spaCy's Doc construction cost several times the regex
work, which would put the bench under 1 MB/s (see bench/claims.py --spacy).
Feed sentences or paragraphs, never whole documents.
"""

from __future__ import annotations

from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.tokens import Doc, Span

from extraction.claims.core import ParagraphState

if not Span.has_extension("claim"):
    Span.set_extension("claim", default=None)


@Language.component("crossfoot_claims")
def claims_component(doc: Doc) -> Doc:
    """Figures of the doc's text as spans (char offsets snapped outward to tokens)."""
    from extraction.claims import get_extractor

    spans = []
    for raw in get_extractor().extract(doc.text, ParagraphState()):
        c = raw.claim
        span = doc.char_span(c.start, c.end, label=c.kind, alignment_mode="expand")
        if span is None:
            continue
        span._.claim = c
        spans.append(span)
    doc.spans["claims"] = spans
    return doc


@lru_cache(maxsize=1)
def load_nlp() -> Language:
    """The blank Chinese pipeline with jieba (offline) and the claims component, built once."""
    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    nlp.add_pipe("crossfoot_claims")
    return nlp
