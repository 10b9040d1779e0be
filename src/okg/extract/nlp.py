"""The optional spaCy layer: French model loaded once per process, used for named entities,
parts of speech and verb tense. Without spaCy or the model, extraction runs on rules alone."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

MODEL = "fr_core_news_md"
_warned = False


@lru_cache(maxsize=1)
def load() -> Any | None:
    """The spaCy pipeline (parser and lemmatizer off: sentences are rule-based), or None."""
    global _warned
    try:
        import spacy

        nlp = spacy.load(MODEL, exclude=["parser", "lemmatizer"])
    except Exception as err:  # ImportError, OSError (model not installed), version mismatch
        if not _warned:
            print(f"warning: spaCy model {MODEL} unavailable ({type(err).__name__}); extracting "
                  "with rules only (pip install 'okg[nlp]')", file=sys.stderr)
            _warned = True
        return None
    nlp.max_length = 2_000_000
    return nlp


@dataclass
class Annotation:
    """What the model says about one chunk, in article offsets."""
    pos: dict[int, str] = field(default_factory=dict)          # token start -> POS tag
    ents: list[tuple[int, int, str]] = field(default_factory=list)  # (start, end, label)
    future: list[tuple[int, int]] = field(default_factory=list)  # future/conditional verbs


def pipe(text: str, spans: list[tuple[int, int]], nlp: Any | None) -> list[Annotation]:
    """Annotations for several chunks, batched through the model."""
    if nlp is None:
        return [Annotation() for _ in spans]
    out = []
    for (start, _end), doc in zip(spans, nlp.pipe(text[s:e] for s, e in spans)):
        ann = Annotation()
        for tok in doc:
            ann.pos[start + tok.idx] = tok.pos_
            if tok.pos_ in ("VERB", "AUX") and ("Fut" in tok.morph.get("Tense") or "Cnd" in tok.morph.get("Mood")):
                ann.future.append((start + tok.idx, start + tok.idx + len(tok)))
        ann.ents = [(start + e.start_char, start + e.end_char, e.label_) for e in doc.ents]
        out.append(ann)
    return out
