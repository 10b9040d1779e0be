"""`okg extract`: draft fact sheets from press articles (French mostly, some English).

    >>> from okg.extract import extract_text
    >>> sheet = extract_text("L'APEBI vise 60.000 emplois à l'horizon 2020.", file="a.txt")

The pieces: ``numbers`` (quantities), ``periods`` (periods, dates, status cues),
``gazetteer`` (names already in the graph), ``entities`` (mentions), ``relations`` (facts,
leaders, conventions), ``indicators``, ``draft`` (one article), ``evaluate`` (scores).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from .draft import extract_text
from .gazetteer import Gazetteer, from_folder, from_sheets
from .text import read_text

__all__ = ["extract_text", "extract_file", "evaluate", "Gazetteer", "from_folder", "from_sheets"]


def extract_file(path: Path | str, gazetteer: Gazetteer | None = None, *,
                 published: dt.date | None = None, nlp: Any = "auto") -> dict[str, Any]:
    """Draft sheet for one article file (UTF-8, or cp1252/latin-1 with a warning)."""
    path = Path(path)
    text = read_text(path)
    return extract_text(text, file=path.name, gazetteer=gazetteer, published=published, nlp=nlp)


def evaluate(folder: Path | str, **kwargs: Any):
    """Leave-one-article-out scores against the curated sheets in ``folder``."""
    from .evaluate import evaluate as run

    return run(folder, **kwargs)
